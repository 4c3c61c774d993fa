/**
 * The single source of truth for the v2 TrainingJob resource's shapes. `algorithm` and `spec` are the
 * create body's, camelCase (`provider/v2/api/types.ts`); the job's `metadata` fields are top-level
 * inputs. The public args type (`v2.TrainingJobArgs`) derives from `TrainingJobInputs`.
 */
import type { Algorithm, Spec } from "../api/types";
import type { JobLocation } from "../../shared/resource/lifecycle";

/**
 * What `create` waits for before it returns: `accepted` (the service took the job), `running`
 * (it reached Running, or already ended well), `completed` (it reached Completed). Failed,
 * Abnormal and Terminated fail the wait with the service's message.
 */
export type WaitFor = "accepted" | "running" | "completed";

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
   * Job name (`metadata.name`): 1–64 of `A–Z a–z 0–9 _ -`. A change replaces the job.
   * @default the resource name with a suffix derived from project and stack, e.g. `mnist-4f7a2c1`
   */
  jobName?: string;
  /** Description (`metadata.description`), 0–256 characters. A change is an in-place update. @default "" */
  description?: string;
  /** Workspace id (`metadata.workspace_id`): `"0"` or 32 characters. A change replaces the job. @default "0" */
  workspaceId?: string;
  /** Annotations (`metadata.annotations`), string values. Never compared with what the service reports. A change replaces the job. */
  annotations?: Record<string, string>;
  /** The job's kind. A change replaces the job. @default "job" */
  kind?: string;
  /** What runs (the create body's `algorithm`). A change replaces the job: v2 jobs have no versions. */
  algorithm: Algorithm;
  /** Resources and runtime options (the create body's `spec`). A change replaces the job. */
  spec: Spec;
  /** What `pulumi up` waits for after submitting. @default "accepted" */
  waitFor?: WaitFor;
  /** How long create, update and delete may take, including waiting. */
  timeouts?: TrainingJobTimeouts;
  /** Terminate a job still creating, pending or running before deleting it. @default true */
  stopBeforeDelete?: boolean;
  /** Region override for this job (else the profile's or `modelarts:region`). A change replaces the job. */
  region?: string;
  /** Project id override for this job (else the profile's or `modelarts:projectId`). A change replaces the job. */
  projectId?: string;
  /** Endpoint URL override for this job (else the profile's, `modelarts:endpoint` or the region's endpoint). */
  endpoint?: string;
  /** The named credentials profile (`modelarts:profiles.<profile>`) that manages this job. A change replaces the job. */
  profile?: string;
  /**
   * Adopt an existing job by id (its UUID) instead of creating one. The declared `algorithm` and
   * `spec` must match the job's; `pulumi destroy` then deletes it unless `retainOnDelete` is set.
   */
  adoptJobId?: string;
}

/** What the service computes: outputs only. */
export interface TrainingJobComputed {
  /** The job's UUID (also the resource id). */
  jobId: string;
  /** The effective job name (given or autonamed). */
  jobName: string;
  /** Level-1 phase, e.g. `Running`. */
  phase: string;
  /** Level-2 phase, informational only (its values may change without notice). */
  secondaryPhase: string;
  /** When the job was created, ISO 8601 (UTC). */
  createTime: string;
  /** When it started running, ISO 8601 (UTC), or `""` before. */
  startTime: string;
  /** Run time in milliseconds. */
  duration: number;
  /** The flavour's name, when the service reports it. */
  flavorName?: string;
  /** Task names, e.g. `["worker-0"]` (used by the log APIs). */
  tasks: string[];
  /** Where the job lives (endpoint, region, project, workspace, profile name), recorded at create. */
  location?: JobLocation;
}

/** Inputs the `TrainingJob` class adds for autonaming; not documented to users. */
export interface AutonameMarks {
  /** The resource name, prefix of an autonamed job name. */
  autonamePrefix?: string;
  /** The project and stack, which make the autonamed suffix differ per stack yet agree between preview and update. */
  autonameSeed?: string;
  /** Set by `check` when it generated the job name. */
  jobNameAutonamed?: boolean;
}

/** Inputs after `check`: the job name is always set. */
export type CheckedInputs = TrainingJobInputs & AutonameMarks & { jobName: string };

/** What the state holds: the inputs and the computed outputs. */
export type TrainingJobOutputs = Omit<TrainingJobInputs, "jobName"> & TrainingJobComputed & AutonameMarks;

/**
 * Every key `check` accepts at the top level: the inputs and the autonaming marks. A `Record` over
 * the interfaces, so the compiler refuses a list that misses or invents a key.
 */
const INPUT_KEY_SET: Readonly<Record<keyof TrainingJobInputs | keyof AutonameMarks, true>> = {
  jobName: true,
  description: true,
  workspaceId: true,
  annotations: true,
  kind: true,
  algorithm: true,
  spec: true,
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

const WAIT_FOR_SET: Readonly<Record<WaitFor, true>> = { accepted: true, running: true, completed: true };
/** The values of `waitFor`. */
export const WAIT_FOR_VALUES: readonly string[] = Object.freeze(Object.keys(WAIT_FOR_SET));

/** Outputs that the service computes: never inputs. */
export const COMPUTED_KEYS: ReadonlyArray<keyof TrainingJobComputed> = [
  "jobId",
  "phase",
  "secondaryPhase",
  "createTime",
  "startTime",
  "duration",
  "flavorName",
  "tasks",
  "location",
];
