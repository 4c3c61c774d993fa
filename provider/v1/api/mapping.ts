/**
 * The one place that crosses between the snake_case wire (`wire.ts`) and the camelCase types
 * (`types.ts`). Responses are normalised leniently: numbers that arrive as strings become numbers,
 * job and version ids become exact decimal strings, `null` becomes undefined, unknown keys are
 * ignored. A response that lacks an id or is not an object raises `WireFormatError`. Section
 * numbers (§) refer to docs/api-v1.md.
 */
import { isLosslessNumber } from "lossless-json";
import { WireFormatError } from "../../shared/api/wire-format";
import { longOut } from "../../shared/api/json";
import type {
  CreateJobRequest,
  CreateJobResult,
  CreateVersionRequest,
  CreateVersionResult,
  DataSourceItem,
  EngineSpec,
  Flavor,
  JobConfig,
  JobSummary,
  ListJobsQuery,
  ListJobsResult,
  ListVersionsResult,
  LogQuery,
  LogResult,
  Parameter,
  ResourceSpec,
  VersionDetails,
  Volume,
} from "./types";
import type {
  WireCreateJobRequest,
  WireCreateJobResponse,
  WireCreateVersionRequest,
  WireCreateVersionResponse,
  WireEngine,
  WireJobConfig,
  WireJobSummary,
  WireListJobsQuery,
  WireListJobsResponse,
  WireListVersionsResponse,
  WireLogFileNamesResponse,
  WireLogsQuery,
  WireLogsResponse,
  WireResourceSpec,
  WireVersion,
} from "./wire";

export { WireFormatError } from "../../shared/api/wire-format";

// ---------------------------------------------------------------------------------------------
// Scalar coercions

/** The exact text of a JSON number or numeric string; undefined for null/absent/other. */
function numberText(value: unknown): string | undefined {
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value.trim()))) return value.trim();
  return undefined;
}

/** A number (Int, Long that fits, timestamp), from a JSON number or a numeric string. */
export function toNumber(value: unknown): number | undefined {
  const text = numberText(value);
  return text === undefined ? undefined : Number(text);
}

/**
 * An exact decimal id string: never goes through a double, so 19-digit ids keep every digit. Ids are
 * positive integers: `-5`, `0` or `1.5` are not ids.
 */
export function toId(value: unknown): string | undefined {
  const text = numberText(value);
  if (text === undefined) return undefined;
  let id: string | undefined;
  if (/^\d+$/.test(text)) id = text.replace(/^0+(?=\d)/, "");
  else {
    // An id written as e.g. 1.0e3 by some serialiser: only accept it when it is an exact integer.
    const n = Number(text);
    id = Number.isSafeInteger(n) ? String(n) : undefined;
  }
  return id !== undefined && /^[1-9]\d*$/.test(id) ? id : undefined;
}

function requireId(value: unknown, field: string): string {
  const id = toId(value);
  if (id === undefined) throw new WireFormatError(`the response has no valid ${field} (got ${describe(value)})`);
  return id;
}

function toStr(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  const text = numberText(value);
  if (text !== undefined) return text;
  if (typeof value === "boolean") return String(value);
  return undefined;
}

function toBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (isLosslessNumber(value)) return value.value;
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/** Decodes a field that is a JSON document either as an object or encoded as a string (§8.3). */
export function decodeEmbeddedJson(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string") return toPlain(value);
  if (value.trim() === "") return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** Turns lossless numbers back into plain numbers (for free-form documents such as metrics). */
function toPlain(value: unknown): unknown {
  if (isLosslessNumber(value)) return Number(value.value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Removes keys whose value is undefined, so optional outputs are absent rather than `undefined`. */
function compact<T extends object>(o: T): T {
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
  return o;
}

// ---------------------------------------------------------------------------------------------
// Envelope

/** The envelope is read by shared code (both versions' errors); re-exported for v1's callers. */
export { readEnvelope, type Envelope } from "../../shared/api/envelope";

// ---------------------------------------------------------------------------------------------
// Requests

function toWireConfigFields(config: Omit<JobConfig, "createVersion" | "volumes">): Omit<WireJobConfig, "create_version" | "volumes"> {
  return compact({
    worker_server_num: config.workerServerNum,
    app_url: config.appUrl,
    boot_file_url: config.bootFileUrl,
    engine_id: config.engineId,
    model_id: config.modelId,
    parameter: config.parameters?.map((p) => compact({ label: p.label, value: p.value })),
    data_url: config.dataUrl,
    dataset_id: config.datasetId,
    dataset_version_id: config.datasetVersionId,
    data_source: config.dataSource?.map((d) =>
      compact({ type: d.type, data_url: d.dataUrl, dataset_id: d.datasetId, dataset_version: d.datasetVersion }),
    ),
    spec_id: config.specId,
    flavor: config.flavor && { code: config.flavor.code },
    pool_id: config.poolId,
    train_url: config.trainUrl,
    log_url: config.logUrl,
    user_image_url: config.userImageUrl,
    user_command: config.userCommand,
    nas_share_addr: config.nasShareAddr,
    nas_mount_path: config.nasMountPath,
    nas_type: config.nasType,
  });
}

export function toWireJobConfig(config: JobConfig): WireJobConfig {
  return compact({
    ...toWireConfigFields(config),
    volumes: config.volumes?.map((v) =>
      compact({
        nfs: v.nfs && compact({ id: v.nfs.id, src_path: v.nfs.srcPath, dest_path: v.nfs.destPath, read_only: v.nfs.readOnly }),
        host_path: v.hostPath && compact({ src_path: v.hostPath.srcPath, dest_path: v.hostPath.destPath, read_only: v.hostPath.readOnly }),
      }),
    ),
    create_version: config.createVersion,
  });
}

export function toWireCreateJob(request: CreateJobRequest): WireCreateJobRequest {
  return compact({
    job_name: request.jobName,
    job_desc: request.jobDesc,
    workspace_id: request.workspaceId,
    config: toWireJobConfig(request.config),
  });
}

export function toWireCreateVersion(request: CreateVersionRequest): WireCreateVersionRequest {
  const { preVersionId, ...rest } = request.config;
  return compact({
    job_desc: request.jobDesc,
    config: { ...toWireConfigFields(rest), pre_version_id: longOut(preVersionId) },
  });
}

export function toWireListJobsQuery(query: ListJobsQuery = {}): WireListJobsQuery {
  return compact({
    status: query.status === undefined ? undefined : String(query.status),
    per_page: query.perPage === undefined ? undefined : String(query.perPage),
    page: query.page === undefined ? undefined : String(query.page),
    sortBy: query.sortBy,
    order: query.order,
    search_content: query.searchContent,
    workspace_id: query.workspaceId,
  });
}

export function toWireLogsQuery(query: LogQuery): WireLogsQuery {
  return compact({
    log_file: query.logFile,
    lines: query.lines === undefined ? undefined : String(query.lines),
    base_line: query.baseLine,
    order: query.order,
  });
}

// ---------------------------------------------------------------------------------------------
// Responses

function requireObject(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new WireFormatError("the response body is not a JSON object");
  return body;
}

export function fromWireCreateJob(body: unknown): CreateJobResult {
  const b = requireObject(body) as WireCreateJobResponse;
  return compact({
    jobId: requireId(b.job_id, "job_id"),
    jobName: toStr(b.job_name) ?? "",
    status: toNumber(b.status) ?? 0,
    createTime: toNumber(b.create_time) ?? 0,
    versionId: requireId(b.version_id, "version_id"),
    versionName: toStr(b.version_name) ?? "",
    resourceId: toStr(b.resource_id),
  });
}

export function fromWireJobSummary(item: unknown): JobSummary {
  const j = requireObject(item) as WireJobSummary;
  return {
    jobId: requireId(j.job_id, "jobs[].job_id"),
    jobName: toStr(j.job_name) ?? "",
    versionId: toId(j.version_id) ?? "",
    status: toNumber(j.status) ?? 0,
    createTime: toNumber(j.create_time) ?? 0,
    duration: toNumber(j.duration) ?? 0,
    jobDesc: toStr(j.job_desc) ?? "",
    versionCount: toNumber(j.version_count) ?? 0,
  };
}

export function fromWireListJobs(body: unknown): ListJobsResult {
  const b = requireObject(body) as WireListJobsResponse;
  const jobs = asArray(b.jobs).map(fromWireJobSummary);
  return compact({
    // Absent stays absent: a scan must not take one page's length for the total.
    jobTotalCount: toNumber(b.job_total_count),
    jobCountLimit: toNumber(b.job_count_limit),
    quotas: toNumber(b.quotas),
    jobs,
  });
}

/** Parameter items as sent: a member that is absent or null stays absent (both are optional). */
function fromWireParameters(value: unknown): Parameter[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map((p) => compact({ label: toStr(p["label"]), value: toStr(p["value"]) }));
}

function fromWireDataSource(value: unknown): DataSourceItem[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map((d) => {
    const type = toStr(d["type"]);
    return compact({
      type: type === "obs" || type === "dataset" ? type : undefined,
      dataUrl: toStr(d["data_url"]),
      datasetId: toStr(d["dataset_id"]),
      datasetVersion: toStr(d["dataset_version"]),
    });
  });
}

function fromWireVolumes(value: unknown): Volume[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map((v) => {
    const nfs = v["nfs"];
    const hostPath = v["host_path"];
    return compact({
      nfs: isObject(nfs)
        ? compact({
            id: toStr(nfs["id"]) ?? "",
            srcPath: toStr(nfs["src_path"]) ?? "",
            destPath: toStr(nfs["dest_path"]) ?? "",
            readOnly: toBool(nfs["read_only"]),
          })
        : undefined,
      hostPath: isObject(hostPath)
        ? compact({
            srcPath: toStr(hostPath["src_path"]) ?? "",
            destPath: toStr(hostPath["dest_path"]) ?? "",
            readOnly: toBool(hostPath["read_only"]),
          })
        : undefined,
    });
  });
}

/** `flavor_code` in the shape of the create request's `flavor`; undefined when null or empty. */
function flavorOf(value: unknown): Flavor | undefined {
  const code = toStr(value);
  return code === undefined || code === "" ? undefined : { code };
}

/** Version details (§3.3), or one item of the versions list (§3.4) with the job's id given. */
export function fromWireVersion(body: unknown, jobIdFallback?: string): VersionDetails {
  const v = requireObject(body) as WireVersion;
  const jobId = toId(v.job_id) ?? jobIdFallback;
  if (jobId === undefined) throw new WireFormatError(`the response has no valid job_id (got ${describe(v.job_id)})`);
  return compact({
    jobId,
    versionId: requireId(v.version_id, "version_id"),
    jobName: toStr(v.job_name),
    jobDesc: toStr(v.job_desc),
    versionName: toStr(v.version_name) ?? "",
    preVersionId: toId(v.pre_version_id),
    status: toNumber(v.status) ?? 0,
    createTime: toNumber(v.create_time) ?? 0,
    startTime: toNumber(v.start_time),
    duration: toNumber(v.duration) ?? 0,
    engineId: toNumber(v.engine_id),
    engineName: toStr(v.engine_name),
    engineVersion: toStr(v.engine_version),
    engineType: toNumber(v.engine_type),
    specId: toNumber(v.spec_id),
    specCode: toStr(v.spec_code),
    flavor: flavorOf(v.flavor_code),
    workerServerNum: toNumber(v.worker_server_num),
    appUrl: toStr(v.app_url),
    bootFileUrl: toStr(v.boot_file_url),
    dataUrl: toStr(v.data_url),
    trainUrl: toStr(v.train_url),
    logUrl: toStr(v.log_url),
    datasetId: toStr(v.dataset_id),
    datasetVersionId: toStr(v.dataset_version_id),
    dataSource: fromWireDataSource(v.data_source),
    modelId: toNumber(v.model_id),
    parameters: fromWireParameters(v.parameter),
    userImageUrl: toStr(v.user_image_url),
    userCommand: toStr(v.user_command),
    resourceId: toStr(v.resource_id),
    poolId: toStr(v.pool_id),
    poolName: toStr(v.pool_name),
    poolType: toStr(v.pool_type),
    volumes: fromWireVolumes(v.volumes),
    nasShareAddr: toStr(v.nas_share_addr),
    nasMountPath: toStr(v.nas_mount_path),
    nasType: toStr(v.nas_type),
    modelMetricList: decodeEmbeddedJson(v.model_metric_list),
    systemMetricList: decodeEmbeddedJson(v.system_metric_list),
  });
}

export function fromWireListVersions(body: unknown, jobIdFallback: string): ListVersionsResult {
  const b = requireObject(body) as WireListVersionsResponse;
  const jobId = toId(b.job_id) ?? jobIdFallback;
  const versions = asArray(b.versions).map((v) => fromWireVersion(v, jobId));
  return {
    jobId,
    jobName: toStr(b.job_name) ?? "",
    jobDesc: toStr(b.job_desc) ?? "",
    versionCount: toNumber(b.version_count) ?? versions.length,
    versions,
  };
}

export function fromWireCreateVersion(body: unknown, jobIdFallback: string): CreateVersionResult {
  const b = requireObject(body) as WireCreateVersionResponse;
  return {
    jobId: toId(b.job_id) ?? jobIdFallback,
    jobName: toStr(b.job_name) ?? "",
    status: toNumber(b.status) ?? 0,
    createTime: toNumber(b.create_time) ?? 0,
    versionId: requireId(b.version_id, "version_id"),
    versionName: toStr(b.version_name) ?? "",
  };
}

export function fromWireResourceSpec(item: unknown): ResourceSpec {
  const s = requireObject(item) as WireResourceSpec;
  return {
    specId: toNumber(s.spec_id) ?? 0,
    core: toStr(s.core) ?? "",
    cpu: toStr(s.cpu) ?? "",
    gpuNum: toNumber(s.gpu_num) ?? 0,
    gpuType: toStr(s.gpu_type) ?? "",
    specCode: toStr(s.spec_code) ?? "",
    maxNum: toNumber(s.max_num) ?? 0,
    unitNum: toNumber(s.unit_num) ?? 0,
    storage: toStr(s.storage) ?? "",
    interfaceType: toNumber(s.interface_type) ?? 0,
    noResource: toBool(s.no_resource) ?? false,
  };
}

export function fromWireResourceSpecs(body: unknown): ResourceSpec[] {
  return asArray(requireObject(body)["specs"]).map(fromWireResourceSpec);
}

export function fromWireEngine(item: unknown): EngineSpec {
  const e = requireObject(item) as WireEngine;
  return {
    engineType: toNumber(e.engine_type) ?? 0,
    engineId: toNumber(e.engine_id) ?? 0,
    engineName: toStr(e.engine_name) ?? "",
    engineVersion: toStr(e.engine_version) ?? "",
  };
}

export function fromWireEngines(body: unknown): EngineSpec[] {
  return asArray(requireObject(body)["engines"]).map(fromWireEngine);
}

export function fromWireLogFileNames(body: unknown): string[] {
  const list = (requireObject(body) as WireLogFileNamesResponse).log_file_list;
  if (typeof list === "string") {
    const decoded = decodeEmbeddedJson(list);
    if (Array.isArray(decoded)) return decoded.map((x) => String(x));
    return list === "" ? [] : [list];
  }
  return asArray(list)
    .map((x) => toStr(x) ?? "")
    .filter((x) => x !== "");
}

export function fromWireLogs(body: unknown): LogResult {
  const b = requireObject(body) as WireLogsResponse;
  const content = toStr(b.content) ?? "";
  return {
    content,
    lines: toNumber(b.lines) ?? (content === "" ? 0 : content.split("\n").length),
    startLine: toStr(b.start_line) ?? "",
    endLine: toStr(b.end_line) ?? "",
  };
}
