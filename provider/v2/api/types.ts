/**
 * Caller-facing (camelCase) types of the ModelArts v2 ("new-version") training-job API
 * (docs/api-v2.md). They are the create body's tree with camelCase keys, one to one: the resource's
 * `algorithm` and `spec` inputs are these types. The snake_case wire types live in `wire.ts`, and
 * `mapping.ts` is the one place that crosses between them.
 *
 * Job ids are the service's hyphenated UUIDs, kept as strings exactly as received.
 */
import type { AccountPace } from "../../shared/api/pace";
import type { Deadline } from "../../shared/api/retry";

/** Options every call accepts (the same as v1's). */
export interface CallOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout, in milliseconds. */
  timeoutMs?: number;
  /** The end of the step this call belongs to: no attempt or retry starts after it (see `Deadline`). */
  deadline?: Deadline;
}

/** How the job's engine is named: exactly one of `engineId`, `engineName` + `engineVersion`, or `imageUrl` (a preset name and version may come with an image). */
export interface Engine {
  /** A preset engine's id from the engine catalogue, e.g. `pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64`. */
  engineId?: string;
  /** A preset engine's name, e.g. `PyTorch`; needs `engineVersion`. */
  engineName?: string;
  /** A preset engine's version, e.g. `pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64`; needs `engineName`. */
  engineVersion?: string;
  /** A custom SWR image, `organisation/image:tag`; needs `algorithm.command`. */
  imageUrl?: string;
  /** Install the platform's MoXing in a custom image running a preset engine. @default false */
  installSysPackages?: boolean;
}

/** A run parameter, passed to the boot file or command as `--name=value`. */
export interface Parameter {
  name: string;
  value?: string;
  description?: string;
}

/** Where an input channel's data comes from: exactly one of `obs` or `dataset`. */
export interface InputRemote {
  /** An OBS folder or file, written `/bucket/path/` or `obs://bucket/path/`. */
  obs?: { obsUrl: string };
  /** A ModelArts dataset version. */
  dataset?: { id: string; versionId: string };
}

/** A data input channel. */
export interface Input {
  /** Channel name, e.g. `data_url`; the code receives its local path under this name. */
  name: string;
  description?: string;
  /** Path inside the container the data is downloaded to; chosen by the service when unset. */
  localDir?: string;
  remote: InputRemote;
}

/** An output channel, uploaded to OBS. */
export interface Output {
  name: string;
  description?: string;
  /** Path inside the container the code writes to; chosen by the service when unset. */
  localDir?: string;
  remote: { obs: { obsUrl: string } };
}

/**
 * What runs, in one of four ways: an algorithm `id`; `subscriptionId` with `itemVersionId`;
 * `codeDir` with `bootFile` (inside it) and a preset `engine`; or a custom image (`engine.imageUrl`)
 * with `command`.
 */
export interface Algorithm {
  /** An algorithm from ModelArts algorithm management (UUID). */
  id?: string;
  /** A subscribed algorithm; needs `itemVersionId`. */
  subscriptionId?: string;
  itemVersionId?: string;
  /** OBS folder of the code, e.g. `/bucket/mnist/code/`; needs `bootFile`. */
  codeDir?: string;
  /** The boot file, inside `codeDir`, e.g. `/bucket/mnist/code/train.py`. */
  bootFile?: string;
  /** The container's start command, for a custom image, e.g. `python train.py`. */
  command?: string;
  engine?: Engine;
  parameters?: Parameter[];
  inputs?: Input[];
  outputs?: Output[];
  /** Environment variables: at most 100; names of letters, digits and `_`, not starting with a digit; no `$` in values. */
  environments?: Record<string, string>;
  /** Where the code is downloaded in the container: under `/home`, outside the reserved `/home/ma-user/...` folders. */
  localCodeDir?: string;
  /** The working directory in the container (absolute). */
  workingDir?: string;
}

/** The compute the job runs on. */
export interface Resource {
  /** A public flavour id (the flavour catalogue), or a card-count flavour `modelarts.pool.visual.*` in a dedicated pool. */
  flavorId?: string;
  /** Number of nodes, at least 1 and at most the flavour's `max_num`. @default 1 */
  nodeCount?: number;
  /** A dedicated resource pool's id, e.g. `poolfaf38d76`. */
  poolId?: string;
}

/** A volume mounted in the job's containers: exactly one of `nfs`, `pfs` or `obs`. */
export interface Volume {
  nfs?: { nfsServerPath: string; localPath: string; readOnly?: boolean };
  pfs?: { pfsPath: string; localPath: string };
  obs?: { obsPath: string; localPath: string };
}

/** Where the job's logs are exported: at least one of the two. */
export interface LogExportPath {
  obsUrl?: string;
  hostPath?: string;
}

/** Stops the job after a run time. */
export interface AutoStop {
  timeUnit: "HOURS";
  /** Whole hours, at least 1. */
  duration: number;
}

/** The job's `spec`: resources and runtime options. */
export interface Spec {
  resource: Resource;
  volumes?: Volume[];
  logExportPath?: LogExportPath;
  autoStop?: AutoStop;
}

/** The create body (`POST /v2/{project_id}/training-jobs`), camelCase. */
export interface CreateJobRequest {
  /** @default "job" */
  kind?: string;
  metadata: {
    name: string;
    /** @default "" */
    description?: string;
    /** @default "0" */
    workspaceId?: string;
    annotations?: Record<string, string>;
  };
  algorithm: Algorithm;
  spec?: Spec;
}

/** The level-1 phases the reference documents; others may appear and are kept as strings. */
export type Phase = "Creating" | "Pending" | "Running" | "Completed" | "Failed" | "Terminating" | "Terminated" | "Abnormal";

/** A job as the service reports it (create, details, terminate and search answers share it). */
export interface Job {
  id: string;
  kind: string;
  name: string;
  description: string;
  workspaceId: string;
  /** Epoch milliseconds. */
  createTime: number;
  userName?: string;
  /** As reported; may hold keys the service added. Never compared with the declared ones. */
  annotations?: Record<string, string>;
  /** A documented {@link Phase} or whatever else the service answers. */
  phase: string;
  /** Informational only: the reference says its values may change without notice. */
  secondaryPhase?: string;
  /** Run time in milliseconds (0 before the start). */
  duration: number;
  /** Epoch milliseconds; 0 or absent before the start. */
  startTime?: number;
  /** Task names, e.g. `["worker-0"]`. */
  tasks?: string[];
  /** Per-task results, when the service reports them (the service's failure messages are here). */
  taskStatuses?: Array<{ task: string; exitCode?: number; message?: string }>;
  /** The algorithm echoed with the service's resolutions (engine fields, input `localDir`, output modes). */
  algorithm: Algorithm & Record<string, unknown>;
  /** The spec echoed, with `flavorName` and `flavorDetail` on public pools. */
  spec: Spec & { resource: Resource & { flavorName?: string; policy?: string } } & Record<string, unknown>;
}

/** A search filter (`filters[]`): `value` holds strings. */
export interface SearchFilter {
  key: string;
  operator: "between" | "like" | "in" | "not";
  value: string[];
}

export interface SearchQuery {
  /** Page index, 0 for the first page (not an item offset). */
  offset?: number;
  /** 1–50. @default 50 */
  limit?: number;
  sortBy?: string;
  order?: "asc" | "desc";
  filters?: SearchFilter[];
  /** The workspace to search. @default "0" */
  workspaceId?: string;
}

/** One search page. `total` and `count` are absent when the service does not report them. */
export interface SearchPage {
  /** All of the caller's jobs in the workspace (the reference's sample), not only the matching ones. */
  total?: number;
  /** Either every match or this page's items: the reference leaves it open, so `searchAllJobs` accepts both. */
  count?: number;
  limit: number;
  /** The page index answered. */
  offset: number;
  items: Job[];
}

/** A public training flavour of the region's catalogue. */
export interface FlavorSpec {
  /** What `spec.resource.flavorId` takes, e.g. `modelarts.vm.cpu.8u`. */
  flavorId: string;
  /** Its display name, e.g. `Computing CPU(8U) instance`. */
  flavorName: string;
  /** `CPU`, `GPU` or `Ascend`. */
  flavorType: string;
  /** The most nodes a job may use with it (`spec.resource.nodeCount`). */
  maxNum: number;
}

/** A preset training engine of the region's catalogue. */
export interface EngineSpec {
  /** What `algorithm.engine.engineId` takes. */
  engineId: string;
  /** What `algorithm.engine.engineName` takes, e.g. `PyTorch`. */
  engineName: string;
  /** What `algorithm.engine.engineVersion` takes, e.g. `pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64`. */
  engineVersion: string;
}

/**
 * The v2 client's surface. Errors are the shared ones (`provider/shared/api/errors.ts`): a job the
 * service does not know (HTTP 400 `ModelArts.2775`, or a 404 that is not a path error) is
 * `isNotFound`; every other failure keeps its HTTP status and ModelArts code.
 */
/** The tail of one task's log as the service previews it. */
export interface LogPreview {
  content: string;
  /** Bytes in `content` (the service previews at most 5 MB). */
  currentSize: number;
  /** Bytes in the whole log. */
  fullSize: number;
}

export interface ModelArtsV2Api {
  readonly projectId: string;
  readonly endpoint: string;
  /** The account's shared pace (`provider/shared/api/pace.ts`), when the client has one: waits show its pauses. */
  readonly pace?: AccountPace;
  /**
   * Creates a job (201). Never re-sent blindly: after an ambiguous failure the caller settles by
   * looking (the shared ownership rules), exactly as for v1.
   */
  createJob(request: CreateJobRequest, options?: CallOptions): Promise<Job>;
  getJob(jobId: string, options?: CallOptions): Promise<Job>;
  /** `PUT …/training-jobs/{id}` with `{description}` (200, no body). `""` clears it. */
  updateDescription(jobId: string, description: string, options?: CallOptions): Promise<void>;
  /** `POST …/actions` `{action_type: "terminate"}` (202); the answer's job when it has one. */
  terminateJob(jobId: string, options?: CallOptions): Promise<Job | undefined>;
  /** `DELETE` (202): the removal is asynchronous. */
  deleteJob(jobId: string, options?: CallOptions): Promise<void>;
  searchJobs(query?: SearchQuery, options?: CallOptions): Promise<SearchPage>;
  /**
   * Walks every page of `searchJobs` (limit 50) and returns all matching jobs, or rejects with
   * `IncompleteListError` when the pages do not provably cover every match: never a partial list.
   */
  searchAllJobs(query?: Omit<SearchQuery, "offset" | "limit">, options?: CallOptions, scan?: SearchScanOptions): Promise<Job[]>;
  listFlavors(query?: { flavorType?: "CPU" | "GPU" | "Ascend" }, options?: CallOptions): Promise<FlavorSpec[]>;
  listEngines(options?: CallOptions): Promise<EngineSpec[]>;
  /** `GET …/tasks/{task_id}/logs/preview`: the tail of one task's log. */
  logPreview(jobId: string, taskId: string, options?: CallOptions): Promise<LogPreview>;
}

/** How a search scan may end early. */
export interface SearchScanOptions {
  /**
   * Stops the scan as soon as the pages read hold what the caller looks for (a wait whose jobs are
   * all on the first page needs one call, not the empty page that proves the end): what it returns
   * is then proof of presence only, never of absence.
   */
  enough?: (seen: ReadonlyMap<string, Job>) => boolean;
}
