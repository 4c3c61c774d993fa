/**
 * Caller-facing (camelCase) types of the ModelArts v1 training-job API. The snake_case wire types
 * live in `wire.ts`, and `mapping.ts` is the one place that crosses between them.
 *
 * Job and version ids are decimal strings: they are Longs on the wire and must never lose digits.
 */

import type { AccountPace } from "../../shared/api/pace";
import type { Deadline } from "../../shared/api/retry";

/** A run argument (`config.parameter[]` on the wire). */
export interface Parameter {
  /** Optional, as the reference marks it (docs/api-v1.md §3.1). */
  label?: string;
  /** Optional, as the reference marks it. */
  value?: string;
}

/** Flavour selected by its code (`config.flavor` on the wire), e.g. `{ code: "modelarts.vm.cpu.8u" }`. */
export interface Flavor {
  /** A `spec_code` from `GET /v1/{project_id}/job/resource-specs`, or a flavour of the dedicated pool given by `poolId`. */
  code: string;
}

/** One `config.data_source[]` item: either an OBS item (`dataUrl`) or a dataset item. */
export interface DataSourceItem {
  type?: "obs" | "dataset";
  dataUrl?: string;
  datasetId?: string;
  /** Note: `dataset_version` on the wire (not `..._id`). */
  datasetVersion?: string;
}

export interface NfsVolume {
  /** SFS Turbo id. */
  id: string;
  /** Share address, e.g. `192.168.8.150:/`. */
  srcPath: string;
  /** Mount path inside the job. */
  destPath: string;
  /** @default false */
  readOnly?: boolean;
}

export interface HostPathVolume {
  srcPath: string;
  destPath: string;
  /** @default false */
  readOnly?: boolean;
}

/** One `config.volumes[]` item: exactly one of `nfs` or `hostPath`. */
export interface Volume {
  nfs?: NfsVolume;
  hostPath?: HostPathVolume;
}

/** The create API's `config`, camelCase (also the `config` input of the TrainingJob resource). */
export interface JobConfig {
  /** Number of nodes; at most the flavour's `max_num`. */
  workerServerNum: number;
  /** OBS code directory, e.g. `/bucket/app/`. Only together with `bootFileUrl`. */
  appUrl?: string;
  /** Boot script inside `appUrl`, e.g. `/bucket/app/train.py`. Only together with `appUrl`. */
  bootFileUrl?: string;
  /** AI engine id (look it up: engine ids differ per deployment). Needed unless `modelId` is set. */
  engineId?: number;
  /** Built-in algorithm id; with it, `appUrl`, `bootFileUrl` and `engineId` may be omitted. */
  modelId?: number;
  /** Run arguments (the API's `parameter` list); environment variables for custom images. */
  parameters?: Parameter[];
  /** OBS data directory. Exactly one of `dataUrl`, `datasetId`+`datasetVersionId` or `dataSource`. */
  dataUrl?: string;
  /** ModelArts dataset id; only together with `datasetVersionId`. */
  datasetId?: string;
  /** ModelArts dataset version id; only together with `datasetId`. */
  datasetVersionId?: string;
  /** Data sources (OBS or dataset items). */
  dataSource?: DataSourceItem[];
  /**
   * Public-pool flavour id. The flavour is chosen in one of four ways: `specId` alone, `flavor`
   * alone (public pool), `flavor` with `poolId`, or `poolId` alone (dedicated pool).
   */
  specId?: number;
  /** Flavour by code, e.g. `{ code: "modelarts.vm.cpu.8u" }`: alone (public pool) or with `poolId`. Not with `specId`. */
  flavor?: Flavor;
  /** Dedicated resource pool id, alone or with `flavor`. Not with `specId`. */
  poolId?: string;
  /** OBS output directory. Required to create a version (so for a config change of a resource). */
  trainUrl?: string;
  /** OBS log directory. */
  logUrl?: string;
  /** SWR image of a custom-image job; needs `userCommand`. */
  userImageUrl?: string;
  /** Container start command of a custom-image job. */
  userCommand?: string;
  /** NFS or host-path volumes (dedicated pools). A new version cannot carry them: a change replaces a resource. */
  volumes?: Volume[];
  /** NAS share address, e.g. `192.168.8.150:/`. */
  nasShareAddr?: string;
  /** Where the NAS share is mounted in the job, e.g. `/home/work/nas`. */
  nasMountPath?: string;
  /** NAS type: `"nfs"` (the reference) or `"efs"` (what the live service reports by default). */
  nasType?: string;
  /** Create the first version with the job. @default true */
  createVersion?: boolean;
}

/** Every key of {@link JobConfig} that the service echoes in version details. */
export const JOB_CONFIG_KEYS = [
  "workerServerNum",
  "appUrl",
  "bootFileUrl",
  "engineId",
  "modelId",
  "parameters",
  "dataUrl",
  "datasetId",
  "datasetVersionId",
  "dataSource",
  "specId",
  "flavor",
  "poolId",
  "trainUrl",
  "logUrl",
  "userImageUrl",
  "userCommand",
  "volumes",
  "nasShareAddr",
  "nasMountPath",
  "nasType",
] as const satisfies ReadonlyArray<keyof JobConfig & keyof VersionDetails>;

export interface CreateJobRequest {
  jobName: string;
  jobDesc?: string;
  workspaceId?: string;
  config: JobConfig;
}

export interface CreateJobResult {
  jobId: string;
  jobName: string;
  status: number;
  /** Epoch milliseconds. */
  createTime: number;
  versionId: string;
  versionName: string;
  resourceId?: string;
}

export type JobSortKey = "job_name" | "job_desc" | "status" | "duration" | "version_count" | "create_time";

export interface ListJobsQuery {
  status?: number;
  /** 1..1000, default 10. */
  perPage?: number;
  /** 1..65535, default 1. */
  page?: number;
  sortBy?: JobSortKey;
  order?: "asc" | "desc";
  /** Substring of the job name, 0..64 chars. */
  searchContent?: string;
  workspaceId?: string;
}

export interface JobSummary {
  jobId: string;
  jobName: string;
  /** The latest version's id. */
  versionId: string;
  /** The latest version's status. */
  status: number;
  createTime: number;
  /** Milliseconds. */
  duration: number;
  jobDesc: string;
  versionCount: number;
}

export interface ListJobsResult {
  /** `job_total_count`: the jobs matching the query; undefined when the service did not report it. */
  jobTotalCount?: number;
  jobCountLimit?: number;
  quotas?: number;
  jobs: JobSummary[];
}

export interface VersionDetails {
  jobId: string;
  versionId: string;
  jobName?: string;
  jobDesc?: string;
  versionName: string;
  preVersionId?: string;
  status: number;
  createTime: number;
  startTime?: number;
  /** Milliseconds. */
  duration: number;
  engineId?: number;
  engineName?: string;
  engineVersion?: string;
  engineType?: number;
  specId?: number;
  specCode?: string;
  /** `flavor_code`, in the create request's shape. */
  flavor?: Flavor;
  workerServerNum?: number;
  appUrl?: string;
  bootFileUrl?: string;
  dataUrl?: string;
  trainUrl?: string;
  logUrl?: string;
  datasetId?: string;
  datasetVersionId?: string;
  dataSource?: DataSourceItem[];
  modelId?: number;
  parameters?: Parameter[];
  userImageUrl?: string;
  userCommand?: string;
  resourceId?: string;
  /** Also reported for public pools (the service's own pool behind the flavour). */
  poolId?: string;
  poolName?: string;
  /** Undocumented: `SYSTEM_DEFINED` for the service's public pools (live example). */
  poolType?: string;
  volumes?: Volume[];
  nasShareAddr?: string;
  nasMountPath?: string;
  nasType?: string;
  /** `model_metric_list`, decoded from its JSON-string form; undefined when absent or not JSON. */
  modelMetricList?: unknown;
  /** `system_metric_list` (an object in details, a JSON string in the list), decoded. */
  systemMetricList?: unknown;
}

export interface ListVersionsQuery {
  /** 1..1000, default 10. */
  perPage?: number;
  /** 0 = unpaged (the API's default). */
  page?: number;
}

export interface ListVersionsResult {
  jobId: string;
  jobName: string;
  jobDesc: string;
  versionCount: number;
  versions: VersionDetails[];
}

export interface CreateVersionRequest {
  jobDesc?: string;
  /** `createVersion` and `volumes` are not accepted by this call. */
  config: Omit<JobConfig, "createVersion" | "volumes"> & { preVersionId: string };
}

export interface CreateVersionResult {
  jobId: string;
  jobName: string;
  status: number;
  createTime: number;
  versionId: string;
  versionName: string;
}

export interface ResourceSpec {
  specId: number;
  core: string;
  cpu: string;
  gpuNum: number;
  gpuType: string;
  specCode: string;
  maxNum: number;
  unitNum: number;
  storage: string;
  interfaceType: number;
  noResource: boolean;
}

export interface EngineSpec {
  engineType: number;
  engineId: number;
  engineName: string;
  engineVersion: string;
}

export interface LogQuery {
  logFile: string;
  /** 0..500, default 50. */
  lines?: number;
  /** A position from a previous answer; kept as text (19 digits). */
  baseLine?: string;
  order?: "asc" | "desc";
}

export interface LogResult {
  content: string;
  lines: number;
  startLine: string;
  endLine: string;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout, in milliseconds. */
  timeoutMs?: number;
  /** The end of the step this call belongs to: no attempt or retry starts after it (see `Deadline`). */
  deadline?: Deadline;
}

/**
 * The typed surface of the v1 training-job API that the provider uses. `ModelArtsClient`
 * implements it over HTTP; every method rejects with a `ModelArtsError` subclass.
 */
export interface ModelArtsApi {
  readonly projectId: string;
  /** The account's shared pace (`provider/shared/api/pace.ts`), when the client has one: waits show its pauses. */
  readonly pace?: AccountPace;
  /**
   * Creates a job. Never re-sent blindly: after an ambiguous failure the client looks the job up by
   * exact name and adopts it if the service created it.
   */
  createJob(request: CreateJobRequest, options?: CallOptions): Promise<CreateJobResult>;
  listJobs(query?: ListJobsQuery, options?: CallOptions): Promise<ListJobsResult>;
  /**
   * Walks every page of `listJobs` (per_page 1000 unless given) and returns all jobs, or rejects with
   * `IncompleteListError` when the pages do not provably cover every matching job (a total beyond
   * what paging can reach, pages that contradict each other or the total): never a partial list.
   */
  listAllJobs(query?: Omit<ListJobsQuery, "page">, options?: CallOptions): Promise<JobSummary[]>;
  /** Finds a job by exact name (substring search, then exact match over all pages). */
  findJobByName(jobName: string, options?: CallOptions & { workspaceId?: string }): Promise<JobSummary | undefined>;
  getVersion(jobId: string, versionId: string, options?: CallOptions): Promise<VersionDetails>;
  listVersions(jobId: string, query?: ListVersionsQuery, options?: CallOptions): Promise<ListVersionsResult>;
  createVersion(jobId: string, request: CreateVersionRequest, options?: CallOptions): Promise<CreateVersionResult>;
  updateDescription(jobId: string, jobDesc: string, options?: CallOptions): Promise<void>;
  stopVersion(jobId: string, versionId: string, options?: CallOptions): Promise<void>;
  deleteVersion(jobId: string, versionId: string, options?: CallOptions): Promise<void>;
  deleteJob(jobId: string, options?: CallOptions): Promise<void>;
  listResourceSpecs(query?: { jobType?: "train" | "inference"; engineId?: number }, options?: CallOptions): Promise<ResourceSpec[]>;
  listEngines(query?: { jobType?: "train" | "inference" }, options?: CallOptions): Promise<EngineSpec[]>;
  logFileNames(jobId: string, versionId: string, options?: CallOptions): Promise<string[]>;
  logs(jobId: string, versionId: string, query: LogQuery, options?: CallOptions): Promise<LogResult>;
}
