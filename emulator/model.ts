/** The records the store keeps: jobs with their versions, as the emulator sees them. */
import { FailStage, ForcedStatus, StageDurations, StopEvent, VersionPlan } from "./lifecycle";

/** A `parameter` item as sent: both members are optional (docs/api-v1.md §3.1). */
export interface ParameterWire {
  label?: string;
  value?: string;
}

/** A `data_source` item with only the members the request gave (the service adds no null keys). */
export interface DataSourceWire {
  type?: string;
  data_url?: string;
  dataset_id?: string;
  dataset_version?: string;
}

export interface VolumeWire {
  nfs?: { id: string; src_path: string; dest_path: string; read_only: boolean };
  host_path?: { src_path: string; dest_path: string; read_only: boolean };
}

/** A version's configuration, normalised, in wire (snake_case) form; unset fields are null. */
export interface StoredConfig {
  worker_server_num: number;
  app_url: string | null;
  boot_file_url: string | null;
  engine_id: number | null;
  model_id: number | null;
  parameter: ParameterWire[];
  data_url: string | null;
  dataset_id: string | null;
  dataset_version_id: string | null;
  data_source: DataSourceWire[] | null;
  /** Set for public-pool jobs, also when the flavour came as `flavor.code`. */
  spec_id: number | null;
  pool_id: string | null;
  /** The flavour's code: given as `flavor.code`, or the code of `spec_id` or of the pool's flavour. */
  flavor_code?: string | null;
  train_url: string | null;
  log_url: string | null;
  user_image_url: string | null;
  user_command: string | null;
  volumes: VolumeWire[] | null;
  nas_share_addr?: string | null;
  nas_mount_path?: string | null;
  nas_type?: string | null;
}

/** Per-job behaviour, from a scenario rule or a control-API patch. */
export interface JobOverrides {
  jobDurationMs?: number;
  durations?: Partial<StageDurations>;
  failAt?: FailStage;
  deleteDelayMs?: number;
  killMs?: number;
  /** "fail": every delete of this job ends in DELETE_FAILED (6). */
  deleteOutcome?: "succeed" | "fail";
  /** The first N delete attempts end in DELETE_FAILED (6). */
  deleteFailures?: number;
}

export interface VersionRecord {
  versionId: bigint;
  versionName: string;
  preVersionId: bigint | null;
  createTime: number;
  config: StoredConfig;
  plan: VersionPlan;
  stop?: StopEvent;
  forced?: ForcedStatus;
  /** Asynchronous version deletion: visible until `goneAt`. */
  deletion?: { requestedAt: number; goneAt: number };
}

export interface DeletionState {
  requestedAt: number;
  /** The job disappears (or turns DELETE_FAILED) at this instant. */
  goneAt: number;
  outcome: "succeed" | "fail";
}

export interface JobRecord {
  projectId: string;
  jobId: bigint;
  jobName: string;
  jobDesc: string;
  workspaceId: string;
  createTime: number;
  resourceId: string;
  /** Oldest first. */
  versions: VersionRecord[];
  /** Versions created so far (names `V0001`, `V0002`, ...). */
  versionSeq: number;
  overrides: JobOverrides;
  /** Delete attempts still to fail (from `deleteFailures`). */
  deleteFailuresLeft: number;
  deletion?: DeletionState;
  /** Set when a deletion ended in DELETE_FAILED (6); cleared by a new DELETE. */
  deleteFailedAt?: number;
  /** Id of the scenario rule that matched at creation, if any. */
  ruleId?: string;
}

export type DeletionPhase = "none" | "pending" | "failed" | "gone";

/** Where a job's deletion stands at `t` (pure). */
export function deletionPhase(job: JobRecord, t: number): DeletionPhase {
  if (job.deletion) {
    if (t < job.deletion.goneAt) return "pending";
    return job.deletion.outcome === "fail" ? "failed" : "gone";
  }
  return job.deleteFailedAt !== undefined && job.deleteFailedAt <= t ? "failed" : "none";
}
