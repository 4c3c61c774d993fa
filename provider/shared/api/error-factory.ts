/**
 * The one factory that turns a failed response or a failed transport into a typed error
 * (`errors.ts`). Handling is keyed on the pair (HTTP status, `ModelArts.NNNN` code), never on the
 * message text (docs/api-v1.md §5.1). Messages say what happened and what to do; every
 * message is redacted by the error classes.
 */
import {
  AuthenticationError,
  EndpointUnreachableError,
  ModelArtsApiError,
  ModelArtsError,
  ModelArtsTimeoutError,
  redact,
  type ApiErrorDetails,
} from "./errors";
import { readEnvelope } from "./envelope";
import type { AttemptFailure } from "./retry";
import { catalogueHints, type ApiVersion } from "./catalogue-hints";

/** HTTP status names as the API reference's table spells them (§5.2). */
export const HTTP_STATUS_NAMES: Readonly<Record<number, string>> = {
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "NoContent",
  205: "Reset Content",
  206: "Partial Content",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  306: "Unused",
  400: "BadRequest",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Time-out",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Request Entity Too Large",
  414: "Request-URI Too Large",
  415: "Unsupported Media Type",
  416: "Requested range not satisfiable",
  417: "Expectation Failed",
  422: "UnprocessableEntity",
  429: "TooManyRequests",
  500: "InternalServerError",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "ServiceUnavailable",
  504: "ServerTimeout",
  505: "HTTP Version not supported",
};

/** `401 Unauthorized`, or just the number for a status outside the table. */
export function httpStatusText(status: number): string {
  const name = HTTP_STATUS_NAMES[status];
  return name === undefined ? String(status) : `${status} ${name}`;
}

/** Which authentication produced the request, for advice in messages. */
export type AuthKind = "aksk" | "password" | "token" | "none";

/** What the failed call was about; fills the messages. */
export interface ErrorContext {
  /** Human description, e.g. `create training job "demo"`. */
  operation: string;
  projectId?: string;
  jobName?: string;
  jobId?: string;
  versionId?: string;
  auth?: AuthKind;
  /** The API version of the call, whose words the messages use. @default "v1" */
  api?: ApiVersion;
  /** True for the IAM token call. */
  iam?: boolean;
  /** The IAM user and domain, for IAM messages. */
  iamUser?: string;
  iamDomain?: string;
}

/** Codes that mean the credentials or their project scope are wrong, whatever the HTTP status. */
const AUTH_CODES = new Set([
  "ModelArts.0201",
  "ModelArts.0202",
  "ModelArts.0203",
  "ModelArts.0204",
  "ModelArts.0205",
  "ModelArts.0206",
  "ModelArts.0207",
  "ModelArts.0208",
  "ModelArts.0210",
  "ModelArts.0212",
  "ModelArts.2784",
  "ModelArts.2786",
  "ModelArts.4117",
  "ModelArts.4119",
  "ModelArts.4127",
  "ModelArts.4504",
  "ModelArts.5001",
  "ModelArts.5002",
]);

/** Codes for which the message is ours, so that it says what to do. */
function explain(code: string | undefined, status: number, ctx: ErrorContext): string | undefined {
  const job = ctx.jobName !== undefined ? `"${ctx.jobName}"` : ctx.jobId !== undefined ? `with id ${ctx.jobId}` : "";
  const project = ctx.projectId !== undefined ? ` in project ${ctx.projectId}` : "";
  switch (code) {
    case "ModelArts.0103":
    case "ModelArts.2751":
      if (ctx.jobName === undefined) return undefined;
      return `a training job named "${ctx.jobName}" already exists${project}; choose another name or delete that job`;
    case "ModelArts.2775":
    case "ModelArts.0015":
      return `training job ${ctx.jobId ?? job}${ctx.versionId !== undefined ? ` (version ${ctx.versionId})` : ""} does not exist${project}`;
    case "ModelArts.2780":
      return ctx.api === "v2"
        ? `the engine (algorithm.engine) does not exist in this region; ${catalogueHints("v2").engine}`
        : `the AI engine id does not exist; ${catalogueHints("v1").engine}`;
    case "ModelArts.2781":
    case "ModelArts.2763":
      return ctx.api === "v2"
        ? `the flavour (spec.resource.flavorId) is not valid here; ${catalogueHints("v2").flavour}`
        : `the resource flavour (spec_id) is not valid here; ${catalogueHints("v1").flavour}`;
    case "ModelArts.2793":
      return catalogueHints(ctx.api).nodeCount;
    case "ModelArts.2796":
      return `training job ${ctx.jobId ?? job} cannot be stopped in its current status`;
    case "ModelArts.2878":
      return `the status of training job ${ctx.jobId ?? job} changed meanwhile; retry later`;
    case "ModelArts.2799":
    case "ModelArts.4206":
      return "too many requests; the client backed off and gave up, lower the request rate or retry later";
    case "ModelArts.4204":
      if (status === 404)
        return "this API does not exist at this endpoint; check modelarts:endpoint / region (the v1 training API may be withdrawn there)";
      return undefined;
    case "ModelArts.2836":
      if (status === 404) return "this API does not exist at this endpoint; check modelarts:endpoint / region";
      return undefined;
    case "ModelArts.0202":
    case "ModelArts.4127":
      return "the token has expired";
    case "ModelArts.0210":
    case "ModelArts.2786":
      return `the project id${project} does not match the credentials; check modelarts:projectId (HW_PROJECT_ID / OS_PROJECT_ID)`;
    default:
      return undefined;
  }
}

/** What failed and what the user should check, by authentication kind. */
function authText(ctx: ErrorContext, status: number): { what: string; advice: string } {
  if (ctx.iam) {
    return {
      what: `IAM rejected the password credentials of user "${ctx.iamUser ?? "?"}" in domain "${ctx.iamDomain ?? "?"}"`,
      advice:
        "check modelarts:username, modelarts:password and modelarts:domainName (HW_USER_NAME/OS_USERNAME, HW_USER_PASSWORD/OS_PASSWORD, HW_DOMAIN_NAME/OS_DOMAIN_NAME) and the project scope (modelarts:projectName)",
    };
  }
  const denied = status === 403 ? "access denied" : undefined;
  switch (ctx.auth) {
    case "aksk":
      return {
        what: denied ?? "the AK/SK signature was rejected",
        advice:
          "check modelarts:accessKey and modelarts:secretKey (HW_ACCESS_KEY/HW_SECRET_KEY or OS_ACCESS_KEY/OS_SECRET_KEY), modelarts:securityToken for temporary keys, the user's ModelArts permissions, and that this machine's clock is correct (X-Sdk-Date)",
      };
    case "token":
      return {
        what: denied ?? "the token was rejected or has expired",
        advice:
          "obtain a new project-scoped IAM token and set modelarts:token (OS_AUTH_TOKEN), or configure AK/SK or password authentication, which renew themselves",
      };
    case "password":
      return {
        what: denied ?? "the service rejected a freshly issued IAM token",
        advice: "check that the user has ModelArts permissions in this project and that modelarts:projectId matches modelarts:projectName",
      };
    default:
      return { what: denied ?? "authentication failed", advice: "check the credentials" };
  }
}

export interface ResponseInfo {
  httpStatus: number;
  /** The parsed body (lossless JSON), or undefined. */
  body: unknown;
  /** The raw body text, used only when it is not JSON. */
  rawText?: string;
  requestId?: string;
}

/** The service's own message and code from any of the known error body shapes. */
function serviceError(info: ResponseInfo): { code?: string; message?: string; solution?: string } {
  const env = readEnvelope(info.body);
  const code = env.errorCode;
  let message = env.errorMessage;
  const body = info.body;
  if (typeof body === "object" && body !== null && "error" in body) {
    const e = (body as { error?: unknown }).error;
    if (typeof e === "object" && e !== null) {
      const m = (e as { message?: unknown }).message;
      if (message === undefined && typeof m === "string") message = m;
    }
  }
  if (message === undefined && body === undefined && info.rawText !== undefined) {
    // Redacted before whitespace is folded and the text cut, which could split a secret's echo.
    const text = redact(info.rawText).replace(/\s+/g, " ").trim();
    if (text !== "") message = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
  return env.errorSolution !== undefined ? { code, message, solution: env.errorSolution } : { code, message };
}

/**
 * Builds the error for a response that failed: non-2xx, or 2xx with `is_success` not true. 401/403
 * and the authentication codes give `AuthenticationError`, anything else `ModelArtsApiError`.
 */
export function errorFromResponse(info: ResponseInfo, ctx: ErrorContext): ModelArtsApiError {
  const { code, message: serviceMessage, solution } = serviceError(info);
  const status = info.httpStatus;
  const isAuth = status === 401 || status === 403 || (code !== undefined && AUTH_CODES.has(code) && !ctx.iam);
  const ours = explain(code, status, ctx);
  const parts: string[] = [];
  const head = code !== undefined ? `${code}: ` : "";
  if (isAuth) {
    const { what, advice } = authText(ctx, status);
    parts.push(`${head}${ours ?? what}; ${advice}`);
  } else if (ours !== undefined) {
    parts.push(`${head}${ours}`);
  } else if (status >= 200 && status < 300) {
    parts.push(`${head}the service reported a failure${serviceMessage === undefined ? " (is_success is not true)" : ""}`);
  } else {
    parts.push(`${head}${ctx.operation} failed`);
  }
  if (serviceMessage !== undefined) parts.push(`service says: "${serviceMessage}"`);
  // v2's `error_solution` (docs/api-v2.md §4), when the service gives one.
  if (solution !== undefined) parts.push(`service suggests: "${solution}"`);
  const tail = [`HTTP ${httpStatusText(status)}`, `while trying to ${ctx.operation}`];
  if (info.requestId !== undefined) tail.push(`request id ${info.requestId}`);
  const message = `${parts.join("; ")} (${tail.join(", ")})`;
  const details: ApiErrorDetails = { httpStatus: status, operation: ctx.operation };
  if (code !== undefined) details.errorCode = code;
  if (serviceMessage !== undefined) details.serviceMessage = serviceMessage;
  if (info.requestId !== undefined) details.requestId = info.requestId;
  return isAuth ? new AuthenticationError(message, details) : new ModelArtsApiError(message, details);
}

/** Builds the error for an attempt that got no response (timeout, network error). */
export function errorFromTransport(
  failure: Exclude<AttemptFailure, { kind: "status" }>,
  ctx: ErrorContext,
  summary: { attempts: number; elapsedMs: number; timeoutMs: number; target: string },
): ModelArtsError {
  const tries = summary.attempts === 1 ? "1 attempt" : `${summary.attempts} attempts`;
  if (failure.kind === "timeout") {
    return new ModelArtsTimeoutError(
      `${ctx.operation} timed out: no answer from ${summary.target} within ${summary.timeoutMs} ms per attempt (${tries}, ${summary.elapsedMs} ms in all); check the endpoint and network, or raise modelarts:requestTimeout`,
      ctx.operation,
    );
  }
  const what =
    failure.kind === "aborted"
      ? "was aborted"
      : failure.code === "ECONNREFUSED"
        ? `could not connect to ${summary.target} (connection refused)`
        : failure.code === "ENOTFOUND" || failure.code === "EAI_AGAIN"
          ? `could not resolve the host of ${summary.target} (${failure.code})`
          : failure.code === "ECONNRESET" || failure.code === "EPIPE"
            ? `lost the connection to ${summary.target} (${failure.code})`
            : `failed with network error ${failure.code} talking to ${summary.target}`;
  const message = `${ctx.operation} ${what} (${tries}, ${summary.elapsedMs} ms in all)`;
  if (failure.kind === "network" && unreachableCode(failure.code)) {
    return new EndpointUnreachableError(message, { httpStatus: 0, operation: ctx.operation, target: summary.target, reason: failure.code });
  }
  return new ModelArtsApiError(message, { httpStatus: 0, operation: ctx.operation });
}

/** Network errors that say the endpoint cannot be reached at all: refused, unresolved, unroutable, or TLS. */
function unreachableCode(code: string): boolean {
  return (
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPROTO"].includes(code) ||
    /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code)
  );
}

/**
 * The error for an answer that is not ModelArts' (a body that is not JSON: an HTML page, a proxy's
 * error): whatever its status, it says nothing about the job.
 */
export function notModelArts(
  info: { httpStatus: number; rawText: string; contentType?: string; requestId?: string },
  ctx: ErrorContext,
  target: string,
): EndpointUnreachableError {
  const text = redact(info.rawText).replace(/\s+/g, " ").trim();
  const snippet = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  const type = info.contentType ? `, ${info.contentType.split(";")[0]}` : "";
  return new EndpointUnreachableError(
    `${ctx.operation} got an answer that is not from ModelArts from ${target} (HTTP ${httpStatusText(info.httpStatus)}${type}: "${snippet}")`,
    {
      httpStatus: info.httpStatus,
      operation: ctx.operation,
      target,
      reason: `HTTP ${info.httpStatus} that is not from ModelArts`,
      ...(info.requestId !== undefined ? { requestId: info.requestId } : {}),
    },
  );
}

/** True for "name already exists" on create (ModelArts.0103 in the samples, 2751 in the table). */
export function isNameConflict(error: unknown): boolean {
  return ModelArtsApiError.isInstance(error) && (error.errorCode === "ModelArts.0103" || error.errorCode === "ModelArts.2751");
}
