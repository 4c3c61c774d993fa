/** The ModelArts v1 training-job API client: one import for its public surface. */
export { ModelArtsClient, createClient, type ClientOptions } from "./client";
export {
  resolveClientConfig,
  describeConfig,
  describeSetting,
  parseDuration,
  ENVIRONMENT_VARIABLES,
  SECRET_SETTINGS,
  type ModelArtsSettings,
  type ResolvedClientConfig,
  type AuthConfig,
} from "../../shared/api/config";
export { resolveEndpoints, modelArtsEndpointFor, iamEndpointFor, isLoopbackHost, type Cloud } from "../../shared/api/endpoints";
export { DEFAULT_RETRY_OPTIONS, resolveRetryPolicy, type RetryOptions, type RetryPolicy, type Clock } from "../../shared/api/retry";
export { HTTP_STATUS_NAMES, httpStatusText, isNameConflict } from "../../shared/api/error-factory";
export type { DebugLogger } from "../../shared/api/transport";
export * from "../../shared/api/errors";
export * from "./status";
export * from "./types";
