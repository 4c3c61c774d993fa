/**
 * Wire shapes of the answers (snake_case), built from the records and their state at one instant,
 * with the fields and values the reference and the live example show (docs/api-v1.md §3.3, §3.4).
 * Ids stay BigInt here; the JSON serialiser writes them exactly.
 */
import { JobStatus } from "../provider/v1/api/status";
import { EmulatorBehaviour } from "./behaviour";
import { Catalogue, publicPoolFor } from "./catalogue";
import { VersionState } from "./lifecycle";
import { JobRecord, StoredConfig, VersionRecord } from "./model";

export interface VersionSnapshot {
  version: VersionRecord;
  state: VersionState;
}

/**
 * What version details say about the flavour and the pool. A public-pool job names the service's
 * public pool (`pool_type` SYSTEM_DEFINED), as the live example does; a dedicated one its own pool.
 */
function flavour(catalogue: Catalogue, v: VersionRecord) {
  const c = v.config;
  const spec = c.spec_id === null ? undefined : catalogue.specs.find((s) => s.spec_id === c.spec_id);
  const pool = c.pool_id === null ? undefined : catalogue.pools.find((p) => p.pool_id === c.pool_id);
  const code = c.flavor_code ?? spec?.spec_code ?? pool?.flavors?.[0] ?? null;
  const hardware = spec ?? (code === null ? undefined : catalogue.specs.find((s) => s.spec_code === code));
  const publicPool = pool === undefined && spec !== undefined ? publicPoolFor(catalogue, spec.spec_code) : undefined;
  return {
    spec_code: code,
    flavor_code: code,
    core: hardware?.core ?? pool?.core ?? null,
    cpu: hardware?.cpu ?? pool?.cpu ?? null,
    gpu_num: hardware?.gpu_num ?? pool?.gpu_num ?? 0,
    gpu_type: hardware?.gpu_type ?? pool?.gpu_type ?? "",
    pool_id: pool?.pool_id ?? publicPool?.pool_id ?? c.pool_id,
    pool_name: pool?.pool_name ?? publicPool?.pool_name ?? null,
    pool_type: pool === undefined ? "SYSTEM_DEFINED" : "USER_DEFINED",
    max_num: pool?.max_num ?? spec?.max_num ?? null,
    storage: hardware?.storage ?? "",
    no_resource: hardware?.no_resource ?? false,
  };
}

type Flavour = ReturnType<typeof flavour>;

function engine(catalogue: Catalogue, v: VersionRecord) {
  const e = v.config.engine_id === null ? undefined : catalogue.engines.find((x) => x.engine_id === v.config.engine_id);
  return {
    engine_type: e?.engine_type ?? null,
    engine_name: e?.engine_name ?? null,
    engine_version: e?.engine_version ?? null,
  };
}

/** Deterministic metric values from the version id, so that answers are stable. */
function metricSeed(v: VersionRecord): number {
  return Number(v.versionId % 1000n) / 1000;
}

/**
 * Model metrics exist only for built-in algorithms; a custom-code or custom-image job answers
 * `"{}"`, as the live example's job did.
 */
function modelMetricList(snap: VersionSnapshot): string {
  if (snap.state.status !== JobStatus.COMPLETED || snap.version.config.model_id === null) return "{}";
  const s = metricSeed(snap.version);
  const round = (x: number) => Math.round(x * 10000) / 10000;
  const values = { recall: round(0.8 + s * 0.1), precision: round(0.82 + s * 0.1), accuracy: round(0.85 + s * 0.1) };
  return JSON.stringify({
    metric: [{ metric_values: values, reserved_data: {}, metric_meta: { class_name: 0, class_id: 0 } }],
    total_metric: {
      total_metric_meta: {},
      total_reserved_data: {},
      total_metric_values: { f1_score: round((values.recall + values.precision) / 2), ...values },
    },
  });
}

/** The series the live example's `system_metric_list` carries, each an array of numeric strings. */
export const SYSTEM_METRIC_SERIES = [
  "cpuUsage",
  "memUsage",
  "gpuUtil",
  "gpuMemUsage",
  "diskReadRate",
  "diskWriteRate",
  "recvBytesRate",
  "sendBytesRate",
] as const;

/** `system_metric_list`: every series (empty before the run starts) and the sampling `interval`. */
function systemMetrics(snap: VersionSnapshot): Record<string, string[] | number> {
  const started = snap.state.startTime !== undefined;
  const s = metricSeed(snap.version);
  const out: Record<string, string[] | number> = {};
  SYSTEM_METRIC_SERIES.forEach((name, i) => {
    out[name] = started ? ["0", (i + 0.5 + s).toFixed(2)] : [];
  });
  out["interval"] = 1;
  return out;
}

/** The real service's undocumented keys, with the values the live example shows. */
function extras(f: Flavour): Record<string, unknown> {
  return {
    model_outputs: [],
    error_result: null,
    user_frame_image: null,
    task_summary: {},
    max_num: f.max_num,
    is_zombie: null,
    flavor_code: f.flavor_code,
    outputs: null,
    algorithm_id: null,
    pool_type: f.pool_type,
    autosearch_config: null,
    inputs: null,
    retrain_model_id: null,
    pod_version: null,
    storage: f.storage,
    no_resource: f.no_resource,
    npu_info: null,
    job_type: 1,
  };
}

/** NAS fields: the ones sent in `config`, else those of an NFS volume; `nas_type` defaults to "efs" (live example). */
function nas(v: VersionRecord) {
  const c = v.config;
  const nfs = c.volumes?.find((x) => x.nfs)?.nfs;
  return {
    nas_mount_path: c.nas_mount_path ?? nfs?.dest_path ?? null,
    nas_share_addr: c.nas_share_addr ?? nfs?.src_path ?? null,
    nas_type: c.nas_type ?? (nfs ? "nfs" : "efs"),
  };
}

/** Drops null and undefined members (records of older state files may hold them). */
function members<T extends object>(item: T): Partial<T> {
  return Object.fromEntries(Object.entries(item).filter(([, x]) => x !== null && x !== undefined)) as Partial<T>;
}

/** `data_url` as the live service fills it: the flat field, else the first OBS item of `data_source`. */
function dataUrl(c: StoredConfig): string | null {
  if (c.data_url !== null) return c.data_url;
  const obs = c.data_source?.find((d) => typeof d.data_url === "string" && d.data_url !== "");
  return obs?.data_url ?? null;
}

/** Fields common to version details and list-versions items. */
function versionFields(catalogue: Catalogue, job: JobRecord, snap: VersionSnapshot, f: Flavour) {
  const v = snap.version;
  const c = v.config;
  return {
    version_id: v.versionId,
    version_name: v.versionName,
    pre_version_id: v.preVersionId,
    ...engine(catalogue, v),
    engine_id: c.engine_id,
    status: snap.state.status,
    app_url: c.app_url,
    boot_file_url: c.boot_file_url,
    create_time: v.createTime,
    start_time: snap.state.startTime ?? null,
    duration: snap.state.durationMs,
    parameter: c.parameter.map(members),
    spec_id: c.spec_id,
    core: f.core,
    cpu: f.cpu,
    gpu_num: f.gpu_num,
    gpu_type: f.gpu_type,
    worker_server_num: c.worker_server_num,
    data_url: dataUrl(c),
    train_url: c.train_url,
    log_url: c.log_url,
    dataset_id: c.dataset_id,
    dataset_version_id: c.dataset_version_id,
    dataset_name: null,
    dataset_version_name: null,
    data_source: c.data_source === null ? null : c.data_source.map(members),
    model_id: c.model_id,
    model_metric_list: modelMetricList(snap),
    user_image_url: c.user_image_url,
    user_command: c.user_command,
    resource_id: job.resourceId,
    volumes: c.volumes,
    pool_id: f.pool_id,
    pool_name: f.pool_name,
    ...nas(v),
  };
}

export function versionDetailsView(catalogue: Catalogue, behaviour: EmulatorBehaviour, job: JobRecord, snap: VersionSnapshot) {
  const f = flavour(catalogue, snap.version);
  return {
    is_success: true,
    job_id: job.jobId,
    job_name: job.jobName,
    job_desc: job.jobDesc,
    ...versionFields(catalogue, job, snap, f),
    spec_code: f.spec_code,
    system_metric_list: systemMetrics(snap),
    ...(behaviour.extraFields ? { ...extras(f), gpu: null } : {}),
  };
}

export function versionListItemView(catalogue: Catalogue, behaviour: EmulatorBehaviour, job: JobRecord, snap: VersionSnapshot) {
  const f = flavour(catalogue, snap.version);
  return {
    ...versionFields(catalogue, job, snap, f),
    gpu: f.gpu_num > 0,
    system_metric_list: JSON.stringify(systemMetrics(snap)),
    ...(behaviour.extraFields ? extras(f) : {}),
  };
}

export function jobSummaryView(job: JobRecord, latest: VersionSnapshot | undefined, status: number) {
  return {
    job_id: job.jobId,
    job_name: job.jobName,
    version_id: latest?.version.versionId ?? null,
    status,
    create_time: job.createTime,
    duration: latest?.state.durationMs ?? 0,
    job_desc: job.jobDesc,
    version_count: job.versions.length,
  };
}
