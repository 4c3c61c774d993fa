/**
 * New-version (v2) ModelArts training jobs: `import { v2 } from "pulumi-modelarts"; new v2.TrainingJob(...)`.
 */
export { TrainingJob, type TrainingJobArgs, type TrainingJobState } from "./training-job";
export type { TrainingJobInputs, TrainingJobComputed, TrainingJobOutputs, TrainingJobTimeouts, WaitFor } from "./resource/inputs";
export type {
  Algorithm,
  AutoStop,
  Engine,
  Input,
  InputRemote,
  LogExportPath,
  Output,
  Parameter,
  Resource,
  Spec,
  Volume,
} from "./api/types";
export {
  getFlavors,
  getEngines,
  getTrainingJob,
  type GetFlavorsArgs,
  type GetFlavorsResult,
  type GetEnginesArgs,
  type GetEnginesResult,
  type GetTrainingJobArgs,
  type GetTrainingJobResult,
} from "./functions";
export type { FlavorSpec, EngineSpec } from "./api/types";
