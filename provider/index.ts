/**
 * pulumi-modelarts: ModelArts training jobs (Huawei Cloud and Open Telekom Cloud) as Pulumi
 * resources: `TrainingJob` for old-version (v1) jobs, `v2.TrainingJob` for new-version ones.
 */
export { TrainingJob, type TrainingJobArgs, type TrainingJobState } from "./v1/training-job";
export type {
  TrainingJobConfig,
  TrainingJobInputs,
  TrainingJobComputed,
  TrainingJobOutputs,
  TrainingJobTimeouts,
  WaitFor,
} from "./v1/resource/inputs";
export type { DataSourceItem, Flavor, Parameter, Volume, NfsVolume, HostPathVolume } from "./v1/api/types";
export {
  ModelArtsError,
  ModelArtsApiError,
  AuthenticationError,
  ModelArtsTimeoutError,
  IncompleteListError,
  ConfigurationError,
  isNotFound,
} from "./shared/api/errors";
export { JobStatus, statusName, statusClass } from "./v1/api/status";
export { getTrainingJob, type GetTrainingJobArgs, type GetTrainingJobResult } from "./v1/functions";

/** New-version (v2) training jobs: `new v2.TrainingJob(...)`. */
export * as v2 from "./v2";
