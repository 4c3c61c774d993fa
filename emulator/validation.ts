/**
 * Request validation for create-job and create-version, in this order (docs/api-v1.md §3.1,
 * "Validation order"): name → description → flavour → code → data → custom image → the other
 * fields. Name uniqueness is checked last, by the service. Every error names the field.
 */
import { parseLong } from "./json";
import { Catalogue, EngineEntry } from "./catalogue";
import { ApiFault, Faults } from "./errors";
import { DataSourceWire, ParameterWire, StoredConfig, VolumeWire } from "./model";

export const JOB_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_DESC = 256;
/** Characters the old service refused in OBS paths (ModelArts.2608 in an earlier table). */
const OBS_FORBIDDEN = /['{}[\] ]/;

export interface ValidationContext {
  catalogue: Catalogue;
  lenient: boolean;
}

export interface CreateJobInput {
  jobName: string;
  jobDesc: string;
  workspaceId: string;
  createVersion: boolean;
  config: StoredConfig;
}

export interface CreateVersionInput {
  jobDesc: string | undefined;
  preVersionId: bigint;
  config: StoredConfig;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Absent and JSON null are the same thing to the service. */
function present(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

/** Characters as the service (Java) counts them: UTF-16 units, so an emoji is two. */
function characters(text: string): number {
  return text.length;
}

function optString(o: Obj, key: string, field: string, max?: number): string | null {
  if (!present(o, key)) return null;
  const v = o[key];
  if (typeof v !== "string") throw Faults.invalidArgument(field, `must be a string, got ${typeof v}`);
  if (max !== undefined && characters(v) > max)
    throw Faults.invalidArgument(field, `must be at most ${max} characters, got ${characters(v)}`);
  return v;
}

/** Integers may arrive as numbers or numeric strings (the service's JSON mapper coerces them). */
function optInt(o: Obj, key: string, field: string): number | null {
  if (!present(o, key)) return null;
  const v = o[key];
  const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n))
    throw Faults.invalidArgument(field, `must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

function optBool(o: Obj, key: string, field: string): boolean | null {
  if (!present(o, key)) return null;
  const v = o[key];
  if (typeof v !== "boolean") throw Faults.invalidArgument(field, `must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function obsPath(value: string | null, field: string): void {
  if (value === null) return;
  if (!value.startsWith("/") || value.length < 2) throw Faults.obsPath(field, `must be an OBS path such as /bucket/dir/, got "${value}"`);
  if (OBS_FORBIDDEN.test(value)) throw Faults.obsPath(field, `contains a forbidden character (' { } [ ] or space)`);
  if (value.includes("//")) throw Faults.obsPath(field, "contains an empty path segment (//)");
}

export function checkJobName(body: Obj): string {
  if (!present(body, "job_name")) throw Faults.invalidArgument("job_name", "is required");
  const name = body.job_name;
  if (typeof name !== "string") throw Faults.invalidArgument("job_name", "must be a string");
  if (name.length < 1 || name.length > 64) throw Faults.invalidArgument("job_name", `must be 1 to 64 characters, got ${name.length}`);
  if (!JOB_NAME_PATTERN.test(name)) throw Faults.invalidArgument("job_name", "may contain only letters, digits, _ and -");
  return name;
}

function checkDesc(body: Obj, required: boolean): string | undefined {
  if (!present(body, "job_desc")) {
    if (required) throw Faults.invalidArgument("job_desc", "is required");
    return undefined;
  }
  return optString(body, "job_desc", "job_desc", MAX_DESC) ?? undefined;
}

interface FlavourResult {
  specId: number | null;
  poolId: string | null;
  flavorCode: string | null;
}

/** `config.flavor`: absent, or an object with a non-empty string `code`. */
function flavorCode(config: Obj): string | null {
  if (!present(config, "flavor")) return null;
  const flavor = config.flavor;
  if (!isObject(flavor)) throw Faults.invalidArgument("config.flavor", "must be an object {code}");
  const code = flavor.code;
  if (typeof code !== "string" || code.trim() === "") throw Faults.invalidArgument("config.flavor.code", "must be a non-empty string");
  return code;
}

/**
 * The flavour, in one of four forms (docs/api-v1.md §3.1): `spec_id` alone or `flavor.code` alone
 * (public pool), `pool_id` alone or with `flavor.code` (dedicated pool). `spec_id` excludes the
 * other two unless lenient (the reference's samples send `spec_id` with `pool_id`).
 */
function checkFlavour(config: Obj, ctx: ValidationContext): FlavourResult {
  const workers = optInt(config, "worker_server_num", "config.worker_server_num");
  if (workers === null) throw Faults.invalidArgument("config.worker_server_num", "is required");
  if (workers < 1) throw Faults.invalidArgument("config.worker_server_num", `must be at least 1, got ${workers}`);
  const specId = optInt(config, "spec_id", "config.spec_id");
  const code = flavorCode(config);
  // Clients that send every field write `"pool_id": ""` for a public-pool job (docs/api-v1.md §3.1).
  const poolId = optString(config, "pool_id", "config.pool_id") || null;
  if (specId !== null && poolId !== null && !ctx.lenient) {
    throw Faults.invalidArgument("config.spec_id", "spec_id (public pool) and pool_id (dedicated pool) are mutually exclusive");
  }
  if (specId !== null && code !== null && !ctx.lenient) {
    throw Faults.invalidArgument("config.flavor", "spec_id and flavor.code both select a flavor: send one of them");
  }
  if (specId === null && code === null && poolId === null) {
    throw Faults.invalidArgument("config.spec_id", "one of spec_id or flavor.code (public pool) or pool_id (dedicated pool) is required");
  }
  if (specId !== null || (code !== null && poolId === null)) {
    const spec =
      specId !== null ? ctx.catalogue.specs.find((s) => s.spec_id === specId) : ctx.catalogue.specs.find((s) => s.spec_code === code);
    if (!spec) throw specId !== null ? Faults.specNotFound(String(specId)) : Faults.flavorCodeNotFound(code as string);
    if (code !== null && code !== spec.spec_code)
      throw Faults.invalidArgument("config.flavor.code", `${code} is not the flavor of spec_id ${spec.spec_id} (${spec.spec_code})`);
    if (workers > spec.max_num) throw Faults.tooManyNodes(workers, spec.max_num, spec.spec_code);
    if (spec.no_resource) throw Faults.noResource(spec.spec_code);
    return { specId: spec.spec_id, poolId, flavorCode: spec.spec_code };
  }
  const pool = ctx.catalogue.pools.find((p) => p.pool_id === poolId);
  if (!pool) throw Faults.poolNotFound(poolId as string);
  // A dedicated pool offers its own flavours and, as the emulator does not model its hardware, every public one.
  const offered = pool.flavors ?? [];
  if (code !== null && !offered.includes(code) && !ctx.catalogue.specs.some((s) => s.spec_code === code))
    throw Faults.flavorNotInPool(code, pool.pool_id);
  if (workers > pool.max_num) throw Faults.tooManyNodes(workers, pool.max_num, pool.pool_name);
  return { specId: null, poolId, flavorCode: code ?? offered[0] ?? null };
}

interface CodeResult {
  appUrl: string | null;
  bootFileUrl: string | null;
  engineId: number | null;
  modelId: number | null;
}

function findEngine(ctx: ValidationContext, id: number): EngineEntry {
  const engine = ctx.catalogue.engines.find((e) => e.engine_id === id);
  if (!engine) throw Faults.engineNotFound(String(id));
  return engine;
}

function checkCode(config: Obj, ctx: ValidationContext): CodeResult {
  const modelId = optInt(config, "model_id", "config.model_id");
  const appUrl = optString(config, "app_url", "config.app_url");
  const bootFileUrl = optString(config, "boot_file_url", "config.boot_file_url");
  const engineId = optInt(config, "engine_id", "config.engine_id");
  const customImage = present(config, "user_image_url");
  if (modelId !== null) {
    const model = ctx.catalogue.algorithms.find((a) => a.model_id === modelId);
    if (!model) throw Faults.modelNotFound(String(modelId));
    if ((appUrl !== null || bootFileUrl !== null) && !ctx.lenient) {
      throw Faults.invalidArgument("config.model_id", "a built-in algorithm (model_id) excludes app_url and boot_file_url");
    }
    const engine = findEngine(ctx, engineId ?? model.engine_id);
    if (appUrl !== null || bootFileUrl !== null) checkCodePaths(appUrl, bootFileUrl);
    return { appUrl, bootFileUrl, engineId: engine.engine_id, modelId };
  }
  if (customImage) {
    // A custom image brings its own code; app_url/boot_file_url are optional, but go together.
    if (appUrl !== null || bootFileUrl !== null) checkCodePaths(appUrl, bootFileUrl);
    if (engineId !== null) findEngine(ctx, engineId);
    return { appUrl, bootFileUrl, engineId, modelId: null };
  }
  checkCodePaths(appUrl, bootFileUrl);
  const engine = findEngine(ctx, engineId ?? 1);
  return { appUrl, bootFileUrl, engineId: engine.engine_id, modelId: null };
}

function checkCodePaths(appUrl: string | null, bootFileUrl: string | null): void {
  if (appUrl === null) throw Faults.invalidArgument("config.app_url", "is required together with boot_file_url (unless model_id is given)");
  if (bootFileUrl === null)
    throw Faults.invalidArgument("config.boot_file_url", "is required together with app_url (unless model_id is given)");
  obsPath(appUrl, "config.app_url");
  obsPath(bootFileUrl, "config.boot_file_url");
  const dir = appUrl.endsWith("/") ? appUrl : appUrl + "/";
  if (!bootFileUrl.startsWith(dir) || bootFileUrl.length === dir.length) {
    throw Faults.bootFile(`must be a file inside app_url ${appUrl}, got ${bootFileUrl}`);
  }
}

interface DataResult {
  dataUrl: string | null;
  datasetId: string | null;
  datasetVersionId: string | null;
  dataSource: DataSourceWire[] | null;
}

function checkData(config: Obj, ctx: ValidationContext): DataResult {
  const dataUrl = optString(config, "data_url", "config.data_url");
  const datasetId = optString(config, "dataset_id", "config.dataset_id");
  const datasetVersionId = optString(config, "dataset_version_id", "config.dataset_version_id");
  const hasSource = present(config, "data_source");
  const sources = [dataUrl !== null, datasetId !== null || datasetVersionId !== null, hasSource].filter(Boolean).length;
  if (sources === 0) {
    throw Faults.invalidArgument(
      "config.data_url",
      "one data source is required: data_url, dataset_id with dataset_version_id, or data_source",
    );
  }
  if (sources > 1 && !ctx.lenient) {
    throw Faults.invalidArgument(
      hasSource ? "config.data_source" : "config.dataset_id",
      "data_url, dataset_id/dataset_version_id and data_source are mutually exclusive",
    );
  }
  if (datasetId !== null && datasetVersionId === null)
    throw Faults.invalidArgument("config.dataset_version_id", "is required together with dataset_id");
  if (datasetVersionId !== null && datasetId === null)
    throw Faults.invalidArgument("config.dataset_id", "is required together with dataset_version_id");
  obsPath(dataUrl, "config.data_url");
  let dataSource: DataSourceWire[] | null = null;
  if (hasSource) {
    const raw = config.data_source;
    if (!Array.isArray(raw) || raw.length === 0) throw Faults.invalidArgument("config.data_source", "must be a non-empty array");
    dataSource = raw.map((item, i) => checkDataSourceItem(item, `config.data_source[${i}]`));
  }
  return { dataUrl, datasetId, datasetVersionId, dataSource };
}

function checkDataSourceItem(item: unknown, field: string): DataSourceWire {
  if (!isObject(item)) throw Faults.invalidArgument(field, "must be an object");
  const type = optString(item, "type", `${field}.type`);
  if (type !== null && type !== "obs" && type !== "dataset")
    throw Faults.invalidArgument(`${field}.type`, `must be "obs" or "dataset", got "${type}"`);
  const dataUrl = optString(item, "data_url", `${field}.data_url`);
  const datasetId = optString(item, "dataset_id", `${field}.dataset_id`);
  const datasetVersion = optString(item, "dataset_version", `${field}.dataset_version`);
  const isDataset = datasetId !== null || datasetVersion !== null;
  if (isDataset && dataUrl !== null)
    throw Faults.invalidArgument(`${field}.data_url`, "an item is either an OBS item (data_url) or a dataset item, not both");
  if (isDataset || type === "dataset") {
    if (datasetId === null) throw Faults.invalidArgument(`${field}.dataset_id`, "is required for a dataset item");
    if (datasetVersion === null) throw Faults.invalidArgument(`${field}.dataset_version`, "is required together with dataset_id");
    if (type === "obs") throw Faults.invalidArgument(`${field}.type`, 'must be "dataset" for a dataset item');
  } else {
    if (dataUrl === null) throw Faults.invalidArgument(`${field}.data_url`, "is required (or dataset_id with dataset_version)");
    obsPath(dataUrl, `${field}.data_url`);
  }
  // Only the members the request gave: the live service echoes items without added null keys.
  const out: DataSourceWire = {};
  if (type !== null) out.type = type;
  if (dataUrl !== null) out.data_url = dataUrl;
  if (datasetId !== null) out.dataset_id = datasetId;
  if (datasetVersion !== null) out.dataset_version = datasetVersion;
  return out;
}

function checkCustomImage(config: Obj): { userImageUrl: string | null; userCommand: string | null } {
  const userImageUrl = optString(config, "user_image_url", "config.user_image_url");
  const userCommand = optString(config, "user_command", "config.user_command");
  if (userImageUrl !== null && userCommand === null) throw Faults.customImage("user_command");
  if (userCommand !== null && userImageUrl === null) throw Faults.customImage("user_image_url");
  if (userImageUrl !== null && userImageUrl.trim() === "") throw Faults.customImage("user_image_url");
  if (userCommand !== null && userCommand.trim() === "") throw Faults.customImage("user_command");
  return { userImageUrl, userCommand };
}

/** Both `label` and `value` are optional (docs/api-v1.md §3.1); a member that is sent must be text. */
function checkParameters(config: Obj): ParameterWire[] {
  if (!present(config, "parameter")) return [];
  const raw = config.parameter;
  if (!Array.isArray(raw)) throw Faults.invalidArgument("config.parameter", "must be an array of {label, value}");
  return raw.map((item, i) => {
    const field = `config.parameter[${i}]`;
    if (!isObject(item)) throw Faults.invalidArgument(field, "must be an object {label, value}");
    const out: ParameterWire = {};
    const label = optString(item, "label", `${field}.label`);
    if (label !== null) out.label = label;
    const value = item.value;
    // The service's mapper turns numbers and booleans into strings.
    if (typeof value === "number" || typeof value === "boolean") out.value = String(value);
    else if (typeof value === "string") out.value = value;
    else if (present(item, "value")) throw Faults.invalidArgument(`${field}.value`, "must be a string");
    return out;
  });
}

interface NasResult {
  shareAddr: string | null;
  mountPath: string | null;
  type: string | null;
}

/** The NAS fields a production client sends in `config` (docs/api-v1.md §3.1): optional text, mount path absolute. */
function checkNas(config: Obj): NasResult {
  const shareAddr = optString(config, "nas_share_addr", "config.nas_share_addr");
  const mountPath = optString(config, "nas_mount_path", "config.nas_mount_path");
  const type = optString(config, "nas_type", "config.nas_type");
  if (mountPath !== null && mountPath !== "" && !mountPath.startsWith("/"))
    throw Faults.invalidArgument("config.nas_mount_path", `must be an absolute path such as /home/work/nas, got "${mountPath}"`);
  return { shareAddr, mountPath, type };
}

function checkVolumes(config: Obj, poolId: string | null): VolumeWire[] | null {
  if (!present(config, "volumes")) return null;
  const raw = config.volumes;
  if (!Array.isArray(raw)) throw Faults.invalidArgument("config.volumes", "must be an array");
  return raw.map((item, i) => {
    const field = `config.volumes[${i}]`;
    if (!isObject(item)) throw Faults.invalidArgument(field, "must be an object with nfs or host_path");
    const hasNfs = present(item, "nfs");
    const hasHost = present(item, "host_path");
    if (hasNfs === hasHost) throw Faults.invalidArgument(field, "needs exactly one of nfs or host_path");
    if (hasNfs) {
      const nfs = item.nfs;
      if (!isObject(nfs)) throw Faults.invalidArgument(`${field}.nfs`, "must be an object");
      return {
        nfs: {
          id: requiredString(nfs, "id", `${field}.nfs.id`),
          src_path: requiredString(nfs, "src_path", `${field}.nfs.src_path`),
          dest_path: requiredString(nfs, "dest_path", `${field}.nfs.dest_path`),
          read_only: optBool(nfs, "read_only", `${field}.nfs.read_only`) ?? false,
        },
      };
    }
    const host = item.host_path;
    if (!isObject(host)) throw Faults.invalidArgument(`${field}.host_path`, "must be an object");
    if (poolId === null)
      throw Faults.invalidArgument(`${field}.host_path`, "host_path volumes are only allowed in a dedicated pool (pool_id)");
    return {
      host_path: {
        src_path: requiredString(host, "src_path", `${field}.host_path.src_path`),
        dest_path: requiredString(host, "dest_path", `${field}.host_path.dest_path`),
        read_only: optBool(host, "read_only", `${field}.host_path.read_only`) ?? false,
      },
    };
  });
}

function requiredString(o: Obj, key: string, field: string): string {
  const v = optString(o, key, field);
  if (v === null || v === "") throw Faults.invalidArgument(field, "is required");
  return v;
}

/** The checks shared by create-job and create-version, in order, producing the stored config. */
function checkConfig(config: Obj, ctx: ValidationContext, trainUrlRequired: boolean, allowVolumes: boolean): StoredConfig {
  const flavour = checkFlavour(config, ctx);
  const code = checkCode(config, ctx);
  const data = checkData(config, ctx);
  const image = checkCustomImage(config);
  const parameter = checkParameters(config);
  const nas = checkNas(config);
  const trainUrl = optString(config, "train_url", "config.train_url");
  if (trainUrl === null && trainUrlRequired) throw Faults.invalidArgument("config.train_url", "is required when creating a version");
  obsPath(trainUrl, "config.train_url");
  // An empty log_url means none: clients that send every field write "" (docs/api-v1.md §3.1).
  const logUrl = optString(config, "log_url", "config.log_url") || null;
  obsPath(logUrl, "config.log_url");
  let volumes: VolumeWire[] | null = null;
  if (allowVolumes) volumes = checkVolumes(config, flavour.poolId);
  else if (present(config, "volumes") && !ctx.lenient)
    throw Faults.invalidArgument("config.volumes", "is not accepted when creating a version");
  return {
    worker_server_num: optInt(config, "worker_server_num", "config.worker_server_num") as number,
    app_url: code.appUrl,
    boot_file_url: code.bootFileUrl,
    engine_id: code.engineId,
    model_id: code.modelId,
    parameter,
    data_url: data.dataUrl,
    dataset_id: data.datasetId,
    dataset_version_id: data.datasetVersionId,
    data_source: data.dataSource,
    spec_id: flavour.specId,
    pool_id: flavour.poolId,
    flavor_code: flavour.flavorCode,
    train_url: trainUrl,
    log_url: logUrl,
    user_image_url: image.userImageUrl,
    user_command: image.userCommand,
    volumes,
    nas_share_addr: nas.shareAddr,
    nas_mount_path: nas.mountPath,
    nas_type: nas.type,
  };
}

function bodyObject(body: unknown): Obj {
  if (!isObject(body)) throw Faults.invalidArgument("body", "must be a JSON object");
  return body;
}

function configObject(body: Obj): Obj {
  if (!present(body, "config")) throw Faults.invalidArgument("config", "is required");
  if (!isObject(body.config)) throw Faults.invalidArgument("config", "must be an object");
  return body.config;
}

/** Validates a create-job body (name uniqueness excepted). Throws `ApiFault`. */
export function validateCreateJob(body: unknown, ctx: ValidationContext): CreateJobInput {
  const o = bodyObject(body);
  const jobName = checkJobName(o);
  const jobDesc = checkDesc(o, false) ?? "";
  const workspaceId = optString(o, "workspace_id", "workspace_id") ?? "0";
  const config = configObject(o);
  const stored = checkConfig(config, ctx, false, true);
  const createVersion = optBool(config, "create_version", "config.create_version") ?? true;
  return { jobName, jobDesc, workspaceId, createVersion, config: stored };
}

/** Validates a create-version body. `pre_version_id` is checked against the job by the service. */
export function validateCreateVersion(body: unknown, ctx: ValidationContext): CreateVersionInput {
  const o = bodyObject(body);
  const jobDesc = checkDesc(o, false);
  const config = configObject(o);
  if (!present(config, "pre_version_id")) throw Faults.invalidArgument("config.pre_version_id", "is required when creating a version");
  const raw = config.pre_version_id;
  const pre = parseLong(raw);
  if (pre === undefined) throw Faults.invalidArgument("config.pre_version_id", `must be a Long, got ${JSON.stringify(raw)}`);
  if (present(config, "create_version") && !ctx.lenient)
    throw Faults.invalidArgument("config.create_version", "is not accepted when creating a version");
  const stored = checkConfig(config, ctx, true, false);
  return { jobDesc, preVersionId: pre, config: stored };
}

/** Validates the body of PUT (change description). */
export function validateDescription(body: unknown): string {
  const o = bodyObject(body);
  return checkDesc(o, true) as string;
}

export function isApiFault(e: unknown): e is ApiFault {
  return e instanceof ApiFault;
}
