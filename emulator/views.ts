/**
 * Wire shapes of the answers (snake_case, as the digest documents them), built from the records
 * and their state at one instant. Ids stay BigInt here; the JSON serialiser writes them exactly.
 */
import { JobStatus } from "../provider/api/status";
import { EmulatorBehaviour } from "./behaviour";
import { Catalogue } from "./catalogue";
import { VersionState } from "./lifecycle";
import { JobRecord, VersionRecord } from "./model";

export interface VersionSnapshot {
  version: VersionRecord;
  state: VersionState;
}

function flavour(catalogue: Catalogue, v: VersionRecord) {
  const spec = v.config.spec_id === null ? undefined : catalogue.specs.find((s) => s.spec_id === v.config.spec_id);
  const pool = v.config.pool_id === null ? undefined : catalogue.pools.find((p) => p.pool_id === v.config.pool_id);
  const src = spec ?? pool;
  return {
    spec_code: spec?.spec_code ?? null,
    core: src?.core ?? null,
    cpu: src?.cpu ?? null,
    gpu_num: src?.gpu_num ?? 0,
    gpu_type: src?.gpu_type ?? "",
    pool_name: pool?.pool_name ?? null,
    max_num: src?.max_num ?? null,
  };
}

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

function modelMetricList(snap: VersionSnapshot): string {
  if (snap.state.status !== JobStatus.COMPLETED) return "{}";
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

function systemMetrics(snap: VersionSnapshot): Record<string, string[]> {
  const started = snap.state.startTime !== undefined;
  const s = metricSeed(snap.version);
  return started
    ? { cpuUsage: ["0", (3 + s).toFixed(2)], memUsage: ["0", (0.7 + s / 10).toFixed(2)], gpuUtil: ["0", (0.2 + s / 10).toFixed(2)] }
    : { cpuUsage: [], memUsage: [], gpuUtil: [] };
}

/** The real service's undocumented keys (walkthrough), mostly null. */
function extras(maxNum: number | null): Record<string, unknown> {
  return {
    model_outputs: null,
    error_result: null,
    user_frame_image: null,
    task_summary: null,
    max_num: maxNum,
    is_zombie: null,
    flavor_code: null,
    outputs: null,
    algorithm_id: null,
    pool_type: "SYSTEM_DEFINED",
    autosearch_config: null,
    inputs: null,
    retrain_model_id: null,
    pod_version: null,
    storage: null,
    no_resource: null,
    npu_info: null,
    job_type: null,
  };
}

function nas(v: VersionRecord) {
  const nfs = v.config.volumes?.find((x) => x.nfs)?.nfs;
  return {
    nas_mount_path: nfs?.dest_path ?? null,
    nas_share_addr: nfs?.src_path ?? null,
    nas_type: nfs ? "nfs" : null,
  };
}

/** Fields common to version details and list-versions items. */
function versionFields(catalogue: Catalogue, job: JobRecord, snap: VersionSnapshot) {
  const v = snap.version;
  const c = v.config;
  const f = flavour(catalogue, v);
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
    parameter: c.parameter,
    spec_id: c.spec_id,
    core: f.core,
    cpu: f.cpu,
    gpu_num: f.gpu_num,
    gpu_type: f.gpu_type,
    worker_server_num: c.worker_server_num,
    data_url: c.data_url,
    train_url: c.train_url,
    log_url: c.log_url,
    dataset_id: c.dataset_id,
    dataset_version_id: c.dataset_version_id,
    dataset_name: null,
    dataset_version_name: null,
    data_source: c.data_source,
    model_id: c.model_id,
    model_metric_list: modelMetricList(snap),
    user_image_url: c.user_image_url,
    user_command: c.user_command,
    resource_id: job.resourceId,
    volumes: c.volumes,
    pool_id: c.pool_id,
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
    ...versionFields(catalogue, job, snap),
    spec_code: f.spec_code,
    system_metric_list: systemMetrics(snap),
    ...(behaviour.extraFields ? { ...extras(f.max_num), gpu: null } : {}),
  };
}

export function versionListItemView(catalogue: Catalogue, behaviour: EmulatorBehaviour, job: JobRecord, snap: VersionSnapshot) {
  const f = flavour(catalogue, snap.version);
  return {
    ...versionFields(catalogue, job, snap),
    gpu: f.gpu_num > 0,
    system_metric_list: JSON.stringify({
      ...systemMetrics(snap),
      gpuMemUsage: [],
      diskReadRate: [],
      diskWriteRate: [],
      recvBytesRate: [],
      sendBytesRate: [],
      interval: 1,
    }),
    ...(behaviour.extraFields ? extras(f.max_num) : {}),
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
