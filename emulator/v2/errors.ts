/**
 * The v2 error factory: the reference's codes and HTTP statuses (its error appendix) as `ApiFault`s,
 * which the server renders in the v2 envelope `{"error_code", "error_msg"}` (../envelope.ts). Shared
 * faults (throttling, internal errors, authentication, bad JSON) come from ../errors.ts unchanged.
 */
import { ApiFault } from "../errors";

const fault = (status: number, code: string, message: string) => new ApiFault(status, `ModelArts.${code}`, message);

export const V2Faults = {
  /** A body field is missing or breaks a rule; the message names the field. */
  badParameter: (field: string, reason: string) => fault(400, "2788", `Invalid parameter ${field}: ${reason}`),
  unknownField: (field: string) => fault(400, "2788", `Invalid parameter ${field}: unknown field`),
  duplicateName: (name: string) => fault(400, "2751", `The training job name ${name} already exists`),
  channel: (field: string, reason: string) => fault(400, "2753", `Invalid input/output channel ${field}: ${reason}`),
  algorithmNotFound: () => fault(400, "2755", "algorithm not found."),
  codeDir: (reason: string) => fault(400, "2757", `Invalid code_dir: ${reason}`),
  bootFile: (reason: string) => fault(400, "2758", `Invalid boot_file: ${reason}`),
  flavorNotFound: (flavorId: string) => fault(400, "2781", `Flavor ${flavorId} not found`),
  engineNotFound: (what: string) => fault(400, "2780", `Engine ${what} not found`),
  obsPath: (field: string, value: string) => fault(400, "2791", `Invalid OBS path in ${field}: ${JSON.stringify(value)}`),
  tooManyNodes: (count: number, max: number, flavorId: string) =>
    fault(400, "2793", `Invalid parameter spec.resource.node_count: ${count} is above the maximum ${max} of flavor ${flavorId}`),
  customImage: (missing: string) => fault(400, "2806", `A custom-image job needs both command and engine.image_url (${missing} missing)`),
  localCodeDir: (reason: string) => fault(400, "2857", `Invalid algorithm.local_code_dir: ${reason}`),
  workingDir: (reason: string) => fault(400, "2859", `Invalid algorithm.working_dir: ${reason}`),
  jobNotFound: (id: string, status: 400 | 404) => fault(status, "2775", `Training job (ID: ${id}) not found.`),
  badQuery: (name: string, reason: string) => fault(400, "2764", `Invalid query parameter ${name}: ${reason}`),
  unsupportedSort: (value: string) => fault(400, "2790", `Unsupported sort item ${value}: only create_time`),
  unsupportedFilterKey: (key: string) => fault(400, "2807", `Unsupported search condition key ${key}`),
  unsupportedOperator: (key: string, operator: string) => fault(400, "2808", `Unsupported operator ${operator} for search key ${key}`),
  unsupportedFilterValue: (key: string, reason: string) => fault(400, "2809", `Unsupported value of search key ${key}: ${reason}`),
  unsupportedAction: (action: string) => fault(400, "2812", `Unsupported action type ${JSON.stringify(action)}: only terminate`),
  notAllowedToTerminate: (phase: string) => fault(409, "2796", `The training job cannot be terminated in phase ${phase}`),
  statusChanged: () => fault(409, "2878", "The training job status changed meanwhile; try again later"),
  unknownTask: (task: string) => fault(400, "2788", `Invalid parameter task_id: the job has no task ${task}`),
  pathNotFound: (method: string, path: string) => fault(404, "2836", `API does not exist: ${method} ${path}`),
  logNotGenerated: (task: string) => fault(400, "2818", `The log of task ${task} has not been generated yet`),
};
