/**
 * pulumi-modelarts: ModelArts training jobs (Huawei Cloud and Open Telekom Cloud, v1 training-job
 * API) as Pulumi resources.
 */
export { TrainingJob, type TrainingJobArgs, type TrainingJobState } from "./training-job";
export type {
  TrainingJobConfig,
  TrainingJobInputs,
  TrainingJobComputed,
  TrainingJobOutputs,
  TrainingJobTimeouts,
  WaitFor,
} from "./resource/inputs";
export type { DataSourceItem, Flavor, Parameter, Volume, NfsVolume, HostPathVolume } from "./api/types";
export {
  ModelArtsError,
  ModelArtsApiError,
  AuthenticationError,
  ModelArtsTimeoutError,
  IncompleteListError,
  ConfigurationError,
  isNotFound,
} from "./api/errors";
export { JobStatus, statusName, statusClass } from "./api/status";
