/**
 * The single source of truth for the TrainingJob resource's shapes: plain camelCase interfaces.
 * The public args type (`TrainingJobArgs`) derives from `TrainingJobInputs`; the provider stores
 * `TrainingJobOutputs` (inputs plus computed values) in the state.
 */
import type { JobConfig } from "../api/types";
import type { JobLocation } from "../../shared/resource/lifecycle";

/** What `create` and `update` wait for before they return. */
export type WaitFor = "submitted" | "running" | "completed";

/** The training job's `config`: every field of the create API's `config` (see {@link JobConfig}). */
export type TrainingJobConfig = Omit<JobConfig, "createVersion">;

/** Timeouts as durations such as `"90s"`, `"20m"` or `"1h30m"`. */
export interface TrainingJobTimeouts {
  /** @default "20m" */
  create?: string;
  /** @default "20m" */
  update?: string;
  /** @default "20m" */
  delete?: string;
}

export interface TrainingJobInputs {
  /**
   * Job name: 1–64 of `A–Z a–z 0–9 _ -`, unique in the project. A change replaces the job.
   * @default the resource name with a random suffix, e.g. `mnist-4f7a2c1`
   */
  jobName?: string;
  /** Description, 0–256 characters. A change is an in-place update. @default "" */
  description?: string;
  /** Workspace id. A change replaces the job (deleting first when the name stays). @default "0" */
  workspaceId?: string;
  /** The job's configuration. A change creates a new version of the same job. */
  config: TrainingJobConfig;
  /** What `pulumi up` waits for after submitting. @default "submitted" */
  waitFor?: WaitFor;
  /** How long create, update and delete may take, including waiting. */
  timeouts?: TrainingJobTimeouts;
  /** Stop a running version before deleting the job. @default true */
  stopBeforeDelete?: boolean;
  /** Region override for this job (else `modelarts:region`). A change replaces the job. */
  region?: string;
  /** Project id override for this job (else `modelarts:projectId`). A change replaces the job. */
  projectId?: string;
  /** Endpoint URL override for this job (else `modelarts:endpoint` or the region's endpoint). */
  endpoint?: string;
  /**
   * The named credentials profile that manages this job: the settings under
   * `modelarts:profiles.<profile>` (another account or project) instead of the top-level
   * `modelarts:*` ones. A name, never a secret. A change replaces the job (another account's job is
   * another job). `region`, `projectId` and `endpoint` still override the profile's.
   * @default the top-level `modelarts:*` settings
   * @example "eu"
   */
  profile?: string;
  /**
   * Adopt an existing job by id instead of creating one (Pulumi's `import` option does not work
   * with dynamic resources). The declared `config` must match the job's; `pulumi destroy` then
   * deletes the job unless `retainOnDelete` is set.
   */
  adoptJobId?: string;
}

export interface TrainingJobComputed {
  /** The job id (also the resource's Pulumi id): a decimal string, exact. */
  jobId: string;
  /** The effective job name (given or autonamed). */
  jobName: string;
  /** The current (latest) version's id: a decimal string, exact. */
  versionId: string;
  /** The current version's name, e.g. `V0001`. */
  versionName: string;
  /** The current version's status code (see the API's status table). */
  status: number;
  /** The status code's name, e.g. `JOBSTAT_RUNNING`. */
  statusName: string;
  /** When the job was created, ISO 8601 (UTC). */
  createTime: string;
  /** Run time of the current version in milliseconds. */
  duration: number;
  /** Number of versions of the job. */
  versionCount: number;
  /** The charged-resource id, e.g. `jobafd08896` (when the service reports it). */
  resourceId?: string;
  /** Where the job lives (endpoint, region, project, workspace, profile name), recorded at create. */
  location?: JobLocation;
}

/** What the provider stores: the inputs as resolved by `check`, plus the computed values. */
export type TrainingJobOutputs = Omit<TrainingJobInputs, "jobName"> & TrainingJobComputed & AutonameMarks;

/** Internal inputs that make autonaming stable across updates. */
export interface AutonameMarks {
  /** The resource name, the prefix of an autonamed job name. */
  autonamePrefix?: string;
  /** The project and stack, which make the autonamed suffix differ per stack yet agree between preview and update. */
  autonameSeed?: string;
  /** Set by `check` when it generated the job name. */
  jobNameAutonamed?: boolean;
}

/** Inputs after `check`: the job name is always set. */
export type CheckedInputs = TrainingJobInputs & AutonameMarks & { jobName: string };

/**
 * Every key `check` accepts at the top level: the inputs and the autonaming marks. A `Record` over
 * the interfaces, so the compiler refuses a list that misses or invents a key.
 */
const INPUT_KEY_SET: Readonly<Record<keyof TrainingJobInputs | keyof AutonameMarks, true>> = {
  jobName: true,
  description: true,
  workspaceId: true,
  config: true,
  waitFor: true,
  timeouts: true,
  stopBeforeDelete: true,
  region: true,
  projectId: true,
  endpoint: true,
  profile: true,
  adoptJobId: true,
  autonamePrefix: true,
  autonameSeed: true,
  jobNameAutonamed: true,
};
export const TRAINING_JOB_INPUT_KEYS: readonly string[] = Object.freeze(Object.keys(INPUT_KEY_SET));

const TIMEOUT_KEY_SET: Readonly<Record<keyof TrainingJobTimeouts, true>> = { create: true, update: true, delete: true };
/** The keys of `timeouts`. */
export const TIMEOUT_KEYS: readonly string[] = Object.freeze(Object.keys(TIMEOUT_KEY_SET));
