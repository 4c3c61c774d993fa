/**
 * The one error factory of the emulator: every failure on the wire is an `ApiFault` carrying the
 * HTTP status, the `ModelArts.NNNN` code and the message, rendered as the documented envelope
 * `{"is_success": false, "error_code": ..., "error_message": ...}`.
 */

export class ApiFault extends Error {
  override readonly name = "ApiFault";
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { is_success: false; error_code: string; error_message: string } {
    return { is_success: false, error_code: this.code, error_message: this.message };
  }
}

/** How "job not found" is answered (the reference leaves it open, docs/api-v1.md §9.2). */
export type NotFoundStyle = "400-2775" | "404-0015" | "200-false";
export const NOT_FOUND_STYLES: readonly NotFoundStyle[] = ["400-2775", "404-0015", "200-false"];

/** Code of the duplicate-name error: the create sample's `0103` or the table's `2751`. */
export type DuplicateNameCode = "0103" | "2751";

const fault = (status: number, code: string, message: string) => new ApiFault(status, `ModelArts.${code}`, message);

export const Faults = {
  invalidJson: (detail: string) => fault(400, "2787", `The request body is not valid JSON: ${detail}`),
  emptyBody: () => fault(400, "4202", "The request body is empty"),
  bodyTooLarge: () => fault(413, "4104", "The request body is larger than allowed (12 MB)"),
  /** A body field is missing or invalid; the message names the field. */
  invalidArgument: (field: string, reason: string) => fault(400, "0101", `Invalid argument ${field}: ${reason}`),
  invalidQuery: (name: string, reason: string) => fault(400, "2764", `Invalid query parameter ${name}: ${reason}`),
  outOfPresetValues: (name: string, allowed: readonly string[]) =>
    fault(400, "2765", `Invalid query parameter ${name}: must be one of ${allowed.join(", ")}`),
  unsupportedSort: (value: string, allowed: readonly string[]) =>
    fault(400, "2790", `Unsupported sort item sortBy=${value}: must be one of ${allowed.join(", ")}`),
  duplicateName: (name: string, code: DuplicateNameCode) =>
    code === "0103"
      ? fault(400, "0103", `Job name:${name} is existed`)
      : fault(400, "2751", `The training job name ${name} already exists`),
  tooManyNodes: (num: number, max: number, flavour: string) =>
    fault(400, "2793", `Invalid argument worker_server_num: ${num} is above the maximum ${max} of flavour ${flavour}`),
  specNotFound: (specId: string) => fault(400, "2781", `Flavor (spec_id ${specId}) not found`),
  flavorCodeNotFound: (code: string) => fault(400, "2781", `Flavor (flavor.code ${code}) not found`),
  flavorNotInPool: (code: string, poolId: string) =>
    fault(400, "2763", `Invalid argument flavor.code: the selected flavor ${code} is not offered by resource pool ${poolId}`),
  noResource: (specCode: string) => fault(400, "3976", `No resources are available for flavor ${specCode}`),
  poolNotFound: (poolId: string) => fault(404, "2890", `Invalid argument pool_id: resource pool ${poolId} does not exist`),
  engineNotFound: (engineId: string) => fault(400, "2780", `Invalid argument engine_id: AI engine (${engineId}) not found`),
  modelNotFound: (modelId: string) => fault(400, "0101", `Invalid argument model_id: built-in algorithm ${modelId} not found`),
  customImage: (missing: string) =>
    fault(400, "2806", `A custom-image job needs both user_image_url and user_command (${missing} missing)`),
  bootFile: (reason: string) => fault(400, "2758", `Invalid argument boot_file_url: ${reason}`),
  obsPath: (field: string, reason: string) => fault(400, "2791", `Invalid OBS path in ${field}: ${reason}`),
  quotaExceeded: (quota: number) => fault(400, "2815", `The training job quota (${quota}) is exceeded`),
  jobNotFound: (jobId: bigint, style: NotFoundStyle) => notFound(`training job (${jobId}) not found`, style),
  versionNotFound: (jobId: bigint, versionId: bigint, style: NotFoundStyle) =>
    notFound(`training job (${jobId}) version (${versionId}) not found`, style),
  cannotTerminate: (status: number) => fault(409, "2796", `The training job cannot be terminated in its current status (${status})`),
  statusChanged: () => fault(409, "2878", "The training job status changed meanwhile; retry later"),
  logNotGenerated: (file: string) => fault(400, "2818", `The log file ${file} has not been generated yet`),
  apiNotFound: (method: string, path: string) => fault(404, "4204", `API does not exist: ${method} ${path}`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ApiFault(429, "ModelArts.2799", "Too many requests, please try again later", {
      "Retry-After": String(retryAfterSeconds),
    }),
  internal: () => fault(500, "0010", "Internal error"),
  unavailable: () => fault(503, "0010", "Service unavailable, please try again later"),
  // Authentication (docs/api-v1.md §5.3)
  noCredentials: () => fault(401, "0201", "No token or Authorization header in the request"),
  tokenExpired: () => fault(401, "0202", "The token has expired"),
  tokenInvalid: () => fault(401, "0203", "The token cannot be parsed or was revoked"),
  tokenProjectMismatch: (projectId: string) =>
    fault(403, "0210", `Invalid project ID ${projectId}: the project in the URL differs from the token's`),
  authorizationMalformed: (reason: string) => fault(401, "0206", `The Authorization header is malformed: ${reason}`),
  signatureCheckFailed: (reason: string) => fault(401, "0208", `The Authorization header check failed: ${reason}`),
  unknownAccessKey: () => fault(401, "4504", "IAM error: check the AK/SK or the token"),
  invalidProject: (projectId: string, reason: string) => fault(400, "0210", `Invalid project ID ${projectId}: ${reason}`),
};

function notFound(message: string, style: NotFoundStyle): ApiFault {
  switch (style) {
    case "404-0015":
      return fault(404, "0015", `The resource you requested is not exist: ${message}`);
    case "200-false":
      return fault(200, "2775", message);
    default:
      return fault(400, "2775", message);
  }
}
