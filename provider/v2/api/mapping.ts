/**
 * The one place that crosses between the v2 wire (`wire.ts`, snake_case) and the caller's types
 * (`types.ts`, camelCase). Requests carry only what the caller set (no `null`, no empty
 * placeholders). Answers are read defensively (docs/api-v2.md, "What the client relies on"): unknown
 * phases are kept as strings, missing fields get their documented empty value, numbers that arrive as
 * strings become numbers, ids stay strings, `environments` may be an object or an array of maps, and
 * unknown keys of the echoed `algorithm` and `spec` are kept (camelCased). An answer without a job id
 * or that is not an object raises `WireFormatError`.
 */
import { isLosslessNumber } from "lossless-json";
import { WireFormatError } from "../../shared/api/wire-format";
import type { Algorithm, CreateJobRequest, EngineSpec, FlavorSpec, Job, LogPreview, SearchPage, SearchQuery, Spec } from "./types";
import type {
  WireAlgorithm,
  WireCreateJobRequest,
  WireEnginesResponse,
  WireFlavorsResponse,
  WireJob,
  WireSearchRequest,
  WireSearchResponse,
  WireSpec,
} from "./wire";

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** Removes keys whose value is undefined, so that nothing unset is sent. */
function compact<T extends object>(o: T): T {
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
  return o;
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** A finite number from a JSON number, a lossless number or a numeric string; undefined otherwise. */
export function toNumber(value: unknown): number | undefined {
  let n: number;
  if (isLosslessNumber(value)) n = Number(value.value);
  else if (typeof value === "number") n = value;
  else if (typeof value === "string" && value.trim() !== "") n = Number(value.trim());
  else return undefined;
  return Number.isFinite(n) ? n : undefined;
}

/** A string, or a number's exact text (an id sent as a number stays exact). */
function toStr(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return undefined;
}

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Keys whose maps hold the user's own names (environment variables): never renamed. */
const VERBATIM_KEYS = new Set(["environments", "annotations"]);

/**
 * A wire value with camelCase keys, numbers as numbers (an integer beyond 2^53 as its exact text),
 * `null` dropped; `environments` normalised to one map.
 */
function camelize(value: unknown): unknown {
  if (isLosslessNumber(value)) {
    const n = Number(value.value);
    return Number.isSafeInteger(n) || !Number.isInteger(n) ? n : value.value;
  }
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(camelize);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (key === "environments") out[key] = environmentsOf(v);
    else if (VERBATIM_KEYS.has(key)) out[key] = stringMap(v);
    else out[snakeToCamel(key)] = camelize(v);
  }
  return out;
}

/** A map of strings from an object (values stringified; non-scalars dropped). */
function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    const s = toStr(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/**
 * `environments` as one map: the reference documents an array of maps, the Terraform peer reads an
 * object; both are accepted, and an array's maps are merged in order.
 */
export function environmentsOf(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const item of value) {
      if (!isObject(item)) continue;
      // `[{"name": "K", "value": "V"}]` is also a plausible array-of-maps shape.
      const keys = Object.keys(item);
      if (keys.length === 2 && keys.includes("name") && keys.includes("value") && typeof item["name"] === "string") {
        const v = toStr(item["value"]);
        if (v !== undefined) out[item["name"]] = v;
        continue;
      }
      Object.assign(out, stringMap(item));
    }
    return out;
  }
  return stringMap(value);
}

// ---------------------------------------------------------------------------------------------
// Requests

/** The create body: `kind` defaults to `job`; only what is set is sent. */
export function toWireCreateJob(request: CreateJobRequest): WireCreateJobRequest {
  const m = request.metadata;
  const body: WireCreateJobRequest = {
    kind: request.kind ?? "job",
    metadata: compact({
      name: m.name,
      description: m.description,
      workspace_id: m.workspaceId,
      annotations: m.annotations === undefined ? undefined : { ...m.annotations },
    }),
    algorithm: toWireAlgorithm(request.algorithm),
  };
  if (request.spec !== undefined) body.spec = toWireSpec(request.spec);
  return body;
}

export function toWireAlgorithm(a: Algorithm): WireAlgorithm {
  const e = a.engine;
  return compact({
    id: a.id,
    subscription_id: a.subscriptionId,
    item_version_id: a.itemVersionId,
    code_dir: a.codeDir,
    boot_file: a.bootFile,
    command: a.command,
    engine:
      e === undefined
        ? undefined
        : compact({
            engine_id: e.engineId,
            engine_name: e.engineName,
            engine_version: e.engineVersion,
            image_url: e.imageUrl,
            install_sys_packages: e.installSysPackages,
          }),
    parameters: a.parameters?.map((p) => compact({ name: p.name, value: p.value, description: p.description })),
    // A channel without its remote (which check refuses) is sent without one for the service to refuse, never a TypeError here.
    inputs: a.inputs?.map((i) =>
      compact({
        name: i.name,
        description: i.description,
        local_dir: i.localDir,
        remote: compact({
          obs: i.remote?.obs === undefined ? undefined : { obs_url: i.remote.obs.obsUrl },
          dataset: i.remote?.dataset === undefined ? undefined : { id: i.remote.dataset.id, version_id: i.remote.dataset.versionId },
        }),
      }),
    ),
    outputs: a.outputs?.map((o) =>
      compact({
        name: o.name,
        description: o.description,
        local_dir: o.localDir,
        remote: { obs: { obs_url: o.remote?.obs?.obsUrl as string } },
      }),
    ),
    environments: a.environments === undefined ? undefined : { ...a.environments },
    local_code_dir: a.localCodeDir,
    working_dir: a.workingDir,
  });
}

export function toWireSpec(s: Spec): WireSpec {
  const r = s.resource;
  return compact({
    resource: compact({ flavor_id: r.flavorId, node_count: r.nodeCount, pool_id: r.poolId }),
    volumes: s.volumes?.map((v) =>
      compact({
        nfs:
          v.nfs === undefined
            ? undefined
            : compact({ nfs_server_path: v.nfs.nfsServerPath, local_path: v.nfs.localPath, read_only: v.nfs.readOnly }),
        pfs: v.pfs === undefined ? undefined : { pfs_path: v.pfs.pfsPath, local_path: v.pfs.localPath },
        obs: v.obs === undefined ? undefined : { obs_path: v.obs.obsPath, local_path: v.obs.localPath },
      }),
    ),
    log_export_path:
      s.logExportPath === undefined ? undefined : compact({ obs_url: s.logExportPath.obsUrl, host_path: s.logExportPath.hostPath }),
    auto_stop: s.autoStop === undefined ? undefined : { time_unit: s.autoStop.timeUnit, duration: s.autoStop.duration },
  });
}

/** Most jobs one search page may hold (§3.2). */
export const MAX_SEARCH_LIMIT = 50;

/** The search body: `offset` is a page index, `limit` 1–50 (default 50). */
export function toWireSearch(query: SearchQuery): WireSearchRequest {
  return compact({
    offset: query.offset ?? 0,
    limit: query.limit ?? MAX_SEARCH_LIMIT,
    sort_by: query.sortBy,
    order: query.order,
    filters: query.filters?.map((f) => ({ key: f.key, operator: f.operator, value: [...f.value] })),
    workspace_id: query.workspaceId,
  });
}

// ---------------------------------------------------------------------------------------------
// Answers

/** A Job object answer (create, details, terminate, search item). */
export function fromWireJob(body: unknown): Job {
  if (!isObject(body)) throw new WireFormatError("the answer is not a JSON object (a training job was expected)");
  const w = body as WireJob;
  const meta: Obj = isObject(w.metadata) ? w.metadata : {};
  const id = toStr(meta["id"]);
  if (id === undefined || id === "")
    throw new WireFormatError(`the job has no metadata.id (got ${JSON.stringify(meta["id"]) ?? "nothing"})`);
  const status: Obj = isObject(w.status) ? w.status : {};
  const algorithm = (isObject(w.algorithm) ? camelize(w.algorithm) : {}) as Job["algorithm"];
  const spec = (isObject(w.spec) ? camelize(w.spec) : {}) as Obj;
  if (!isObject(spec["resource"])) spec["resource"] = {};
  const job: Job = {
    id,
    kind: toStr(w.kind) ?? "job",
    name: toStr(meta["name"]) ?? "",
    description: toStr(meta["description"]) ?? "",
    workspaceId: toStr(meta["workspace_id"]) ?? "0",
    createTime: toNumber(meta["create_time"]) ?? 0,
    phase: toStr(status["phase"]) ?? "",
    duration: toNumber(status["duration"]) ?? 0,
    algorithm,
    spec: spec as Job["spec"],
  };
  const userName = toStr(meta["user_name"]);
  if (userName !== undefined) job.userName = userName;
  if (isObject(meta["annotations"])) job.annotations = stringMap(meta["annotations"]);
  const secondary = toStr(status["secondary_phase"]);
  if (secondary !== undefined) job.secondaryPhase = secondary;
  const startTime = toNumber(status["start_time"]);
  if (startTime !== undefined) job.startTime = startTime;
  if (Array.isArray(status["tasks"])) job.tasks = status["tasks"].map(toStr).filter((t): t is string => t !== undefined);
  if (Array.isArray(status["task_statuses"])) {
    job.taskStatuses = status["task_statuses"].filter(isObject).map((t) => {
      const entry: { task: string; exitCode?: number; message?: string } = { task: toStr(t["task"]) ?? "" };
      const exitCode = toNumber(t["exit_code"]);
      if (exitCode !== undefined) entry.exitCode = exitCode;
      const message = toStr(t["message"]);
      if (message !== undefined) entry.message = message;
      return entry;
    });
  }
  return job;
}

export function fromWireSearch(body: unknown, asked: { offset: number; limit: number }): SearchPage {
  if (!isObject(body)) throw new WireFormatError("the search answer is not a JSON object");
  const w = body as WireSearchResponse;
  if (w.items !== undefined && w.items !== null && !Array.isArray(w.items))
    throw new WireFormatError("the search answer's items is not a list");
  const page: SearchPage = {
    limit: toNumber(w.limit) ?? asked.limit,
    offset: toNumber(w.offset) ?? asked.offset,
    items: (w.items ?? []).map(fromWireJob),
  };
  const total = toNumber(w.total);
  if (total !== undefined) page.total = total;
  const count = toNumber(w.count);
  if (count !== undefined) page.count = count;
  return page;
}

export function fromWireFlavors(body: unknown): FlavorSpec[] {
  if (!isObject(body)) throw new WireFormatError("the flavour answer is not a JSON object");
  const w = body as WireFlavorsResponse;
  return (Array.isArray(w.flavors) ? w.flavors : []).filter(isObject).map((f) => ({
    flavorId: toStr(f.flavor_id) ?? "",
    flavorName: toStr(f.flavor_name) ?? "",
    flavorType: toStr(f.flavor_type) ?? "",
    maxNum: toNumber(f.max_num) ?? toNumber(isObject(f.flavor_info) ? f.flavor_info["max_num"] : undefined) ?? 1,
  }));
}

export function fromWireEngines(body: unknown): EngineSpec[] {
  if (!isObject(body)) throw new WireFormatError("the engine answer is not a JSON object");
  const w = body as WireEnginesResponse;
  return (Array.isArray(w.items) ? w.items : []).filter(isObject).map((e) => ({
    engineId: toStr(e.engine_id) ?? "",
    engineName: toStr(e.engine_name) ?? "",
    engineVersion: toStr(e.engine_version) ?? "",
  }));
}

/** The log preview answer `{content, current_size, full_size}` (`context` before 2022, docs/api-v2.md §7). */
export function fromWireLogPreview(body: unknown): LogPreview {
  if (!isObject(body)) throw new WireFormatError("the log preview answer is not a JSON object");
  const w = body as Record<string, unknown>;
  const content = toStr(w["content"]) ?? toStr(w["context"]) ?? "";
  return { content, currentSize: toNumber(w["current_size"]) ?? content.length, fullSize: toNumber(w["full_size"]) ?? content.length };
}
