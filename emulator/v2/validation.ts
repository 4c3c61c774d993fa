/**
 * Validation of a v2 create body, in the reference's order (top level, metadata, algorithm with its
 * engine and channels, tasks against spec, spec.resource, log export path), each rule with the code
 * the error appendix gives it. Returns the body's parts typed, with the catalogue entries it names.
 */
import { EmulatorBehaviour } from "../behaviour";
import { V2Algorithm, V2Engine, V2Flavor, V2_ALGORITHMS, V2_ENGINES, V2_FLAVORS, V2_POOL_FLAVORS } from "./catalogue";
import { V2Faults } from "./errors";

type Obj = Record<string, unknown>;

export interface ValidCreate {
  kind: string;
  name: string;
  workspaceId: string;
  description: string;
  annotations: Record<string, string>;
  algorithm: Obj;
  spec: Obj;
  endpoints?: Obj;
  /** The preset engine named by id or by name and version (none for a pure custom image). */
  engine?: V2Engine;
  /** The algorithm named by `algorithm.id`. */
  knownAlgorithm?: V2Algorithm;
  /** The public flavour (none in a dedicated pool). */
  flavor?: V2Flavor;
  nodeCount: number;
}

const OTC_KINDS = ["job", "visualization_job"];
const SDK_KINDS = ["job", "federated_pool_job", "edge_job", "hetero_job", "mrs_job", "autosearch_job", "diag_job", "visualization_job"];
const TOP_KEYS = ["kind", "metadata", "algorithm", "tasks", "spec", "endpoints", "train_type", "ftjob_config"];
const METADATA_KEYS = ["name", "workspace_id", "description", "annotations", "training_experiment_reference"];
const ALGORITHM_KEYS = [
  "id",
  "name",
  "subscription_id",
  "item_version_id",
  "code_dir",
  "boot_file",
  "autosearch_config_path",
  "autosearch_framework_path",
  "command",
  "parameters",
  "policies",
  "inputs",
  "outputs",
  "engine",
  "local_code_dir",
  "working_dir",
  "environments",
  "summary",
];
const SPEC_KEYS = [
  "resource",
  "volumes",
  "log_export_path",
  "auto_stop",
  "schedule_policy",
  "notification",
  "runtime_type",
  "log_export_config",
  "custom_metrics",
  "output_model",
  "asset_model",
  "asset_id",
  "retention",
  "reserved_time",
];
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const WORKSPACE = /^(0|[0-9a-f]{32})$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN_CODE_DIRS = ["/home/ma-user/modelarts", "/home/ma-user/modelarts-dev", "/home/ma-user/infer"];

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const given = (v: unknown) => v !== undefined && v !== null && v !== "";

function object(v: unknown, field: string, required: boolean): Obj | undefined {
  if (v === undefined || v === null) {
    if (required) throw V2Faults.badParameter(field, "is required");
    return undefined;
  }
  if (!isObj(v)) throw V2Faults.badParameter(field, "must be an object");
  return v;
}

function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isStr(v)) throw V2Faults.badParameter(field, "must be a string");
  return v;
}

function knownKeys(o: Obj, keys: readonly string[], where: string, behaviour: EmulatorBehaviour): void {
  if (behaviour.v2UnknownFields !== "reject") return;
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw V2Faults.unknownField(where ? `${where}.${k}` : k);
}

/** OBS paths are written `/bucket/dir/` in requests and `obs://bucket/dir/` elsewhere: both are accepted. */
function obsPath(v: unknown, field: string): string {
  if (!isStr(v) || v === "") throw V2Faults.badParameter(field, "is required");
  if (!/^(obs:\/\/|\/)[^/\s]+(\/|$)/.test(v)) throw V2Faults.obsPath(field, v);
  return v;
}

function metadataOf(body: Obj, behaviour: EmulatorBehaviour) {
  const md = object(body.metadata, "metadata", true) as Obj;
  knownKeys(md, METADATA_KEYS, "metadata", behaviour);
  if (!isStr(md.name) || md.name === "") throw V2Faults.badParameter("metadata.name", "is required");
  if (!NAME.test(md.name)) throw V2Faults.badParameter("metadata.name", "must be 1-64 letters, digits, _ or -");
  const workspaceId = optionalString(md.workspace_id, "metadata.workspace_id") ?? "0";
  if (!WORKSPACE.test(workspaceId)) throw V2Faults.badParameter("metadata.workspace_id", 'must be "0" or a 32-character id');
  const description = optionalString(md.description, "metadata.description") ?? "";
  if (description.length > 256) throw V2Faults.badParameter("metadata.description", "must be at most 256 characters");
  const annotations: Record<string, string> = {};
  const ann = object(md.annotations, "metadata.annotations", false) ?? {};
  for (const [k, v] of Object.entries(ann)) {
    if (!isStr(v)) throw V2Faults.badParameter(`metadata.annotations.${k}`, "must be a string");
    annotations[k] = v;
  }
  return { name: md.name, workspaceId, description, annotations };
}

function engineOf(algorithm: Obj): { engine?: V2Engine; imageUrl?: string } {
  const e = object(algorithm.engine, "algorithm.engine", false);
  if (!e) return {};
  const id = optionalString(e.engine_id, "algorithm.engine.engine_id");
  const name = optionalString(e.engine_name, "algorithm.engine.engine_name");
  const version = optionalString(e.engine_version, "algorithm.engine.engine_version");
  const imageUrl = optionalString(e.image_url, "algorithm.engine.image_url");
  const ways = [given(id), given(name) || given(version), given(imageUrl) && !given(name)].filter(Boolean).length;
  if (ways !== 1)
    throw V2Faults.badParameter("algorithm.engine", "give exactly one of engine_id, engine_name with engine_version, or image_url");
  if (id) {
    const found = V2_ENGINES.find((x) => x.engine_id === id);
    if (!found) throw V2Faults.engineNotFound(id);
    return { engine: found };
  }
  if (given(name) || given(version)) {
    if (!given(name) || !given(version))
      throw V2Faults.badParameter("algorithm.engine", "engine_name and engine_version must be given together");
    const found = V2_ENGINES.find((x) => x.engine_name === name && x.engine_version === version);
    if (!found) throw V2Faults.engineNotFound(`${name} ${version}`);
    return imageUrl ? { engine: found, imageUrl } : { engine: found };
  }
  return imageUrl ? { imageUrl } : {};
}

function channels(list: unknown, field: "inputs" | "outputs"): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw V2Faults.channel(`algorithm.${field}`, "must be an array");
  list.forEach((item: unknown, i) => {
    const where = `algorithm.${field}[${i}]`;
    if (!isObj(item)) throw V2Faults.channel(where, "must be an object");
    if (!isStr(item.name) || item.name === "") throw V2Faults.channel(`${where}.name`, "is required");
    const remote = item.remote;
    if (!isObj(remote)) throw V2Faults.channel(`${where}.remote`, "is required");
    const sources = [remote.obs, remote.dataset].filter((x) => x !== undefined && x !== null);
    if (field === "outputs" && remote.dataset !== undefined) throw V2Faults.channel(`${where}.remote`, "an output goes to OBS only");
    if (sources.length !== 1) throw V2Faults.channel(`${where}.remote`, "give exactly one of obs and dataset");
    if (remote.obs !== undefined && remote.obs !== null) {
      if (!isObj(remote.obs)) throw V2Faults.channel(`${where}.remote.obs`, "must be an object");
      obsPath(remote.obs.obs_url, `${where}.remote.obs.obs_url`);
    } else {
      const ds = remote.dataset;
      if (!isObj(ds) || !isStr(ds.id) || !isStr(ds.version_id))
        throw V2Faults.channel(`${where}.remote.dataset`, "needs id and version_id");
    }
  });
}

function algorithmOf(body: Obj, behaviour: EmulatorBehaviour) {
  const algorithm = object(body.algorithm, "algorithm", false) ?? {};
  knownKeys(algorithm, ALGORITHM_KEYS, "algorithm", behaviour);
  const id = optionalString(algorithm.id, "algorithm.id");
  const subscription = optionalString(algorithm.subscription_id, "algorithm.subscription_id");
  const itemVersion = optionalString(algorithm.item_version_id, "algorithm.item_version_id");
  const codeDir = optionalString(algorithm.code_dir, "algorithm.code_dir");
  const bootFile = optionalString(algorithm.boot_file, "algorithm.boot_file");
  const command = optionalString(algorithm.command, "algorithm.command");
  if (given(subscription) !== given(itemVersion))
    throw V2Faults.badParameter("algorithm", "subscription_id and item_version_id must be given together");
  if (given(codeDir) && !given(bootFile)) throw V2Faults.bootFile("boot_file is required with code_dir");
  if (given(bootFile) && !given(codeDir)) throw V2Faults.codeDir("code_dir is required with boot_file");
  if (codeDir && bootFile && !bootFile.startsWith(codeDir)) throw V2Faults.bootFile(`${bootFile} is not inside code_dir ${codeDir}`);
  const { engine, imageUrl } = engineOf(algorithm);
  let knownAlgorithm: V2Algorithm | undefined;
  if (id) {
    knownAlgorithm = V2_ALGORITHMS.find((a) => a.id === id);
    if (!knownAlgorithm) throw V2Faults.algorithmNotFound();
  } else if (!subscription) {
    if (imageUrl && !engine && !given(command)) throw V2Faults.customImage("command");
    if (given(command) && !imageUrl && !codeDir) throw V2Faults.customImage("engine.image_url");
    if (codeDir && !engine && !imageUrl) throw V2Faults.badParameter("algorithm.engine", "is required with code_dir and boot_file");
    if (!codeDir && !imageUrl)
      throw V2Faults.badParameter(
        "algorithm",
        "give one of id, subscription_id with item_version_id, code_dir with boot_file and engine, or engine.image_url with command",
      );
  }
  const localCodeDir = optionalString(algorithm.local_code_dir, "algorithm.local_code_dir");
  if (localCodeDir !== undefined) {
    const dir = localCodeDir.replace(/\/+$/, "");
    if (!dir.startsWith("/home/")) throw V2Faults.localCodeDir("must be under /home");
    if (dir === "/home/ma-user" || FORBIDDEN_CODE_DIRS.some((f) => dir === f || dir.startsWith(f + "/")))
      throw V2Faults.localCodeDir(`${localCodeDir} is reserved`);
  }
  const workingDir = optionalString(algorithm.working_dir, "algorithm.working_dir");
  if (workingDir !== undefined && !workingDir.startsWith("/")) throw V2Faults.workingDir("must be an absolute path");
  const env = object(algorithm.environments, "algorithm.environments", false) ?? {};
  const entries = Object.entries(env);
  if (entries.length > 100) throw V2Faults.badParameter("algorithm.environments", "at most 100 variables");
  for (const [k, v] of entries) {
    if (!ENV_NAME.test(k) || k.length > 8192)
      throw V2Faults.badParameter(`algorithm.environments.${k}`, "names use letters, digits and _, starting with a letter or _");
    if (!isStr(v) || v.length > 4096 || v.includes("$"))
      throw V2Faults.badParameter(`algorithm.environments.${k}`, "values are strings of at most 4096 characters without $");
  }
  channels(algorithm.inputs, "inputs");
  channels(algorithm.outputs, "outputs");
  return { algorithm, ...(engine ? { engine } : {}), ...(knownAlgorithm ? { knownAlgorithm } : {}) };
}

function specOf(body: Obj, behaviour: EmulatorBehaviour) {
  const spec = object(body.spec, "spec", false) ?? {};
  knownKeys(spec, SPEC_KEYS, "spec", behaviour);
  if (body.spec !== undefined && Array.isArray(body.tasks) && body.tasks.length > 0)
    throw V2Faults.badParameter("tasks", "must be empty when spec is set");
  const resource = object(spec.resource, "spec.resource", false) ?? {};
  const flavorId = optionalString(resource.flavor_id, "spec.resource.flavor_id");
  const poolId = optionalString(resource.pool_id, "spec.resource.pool_id");
  const nodeCount = resource.node_count ?? 1;
  if (typeof nodeCount !== "number" || !Number.isInteger(nodeCount) || nodeCount < 1)
    throw V2Faults.badParameter("spec.resource.node_count", "must be an integer >= 1");
  let flavor: V2Flavor | undefined;
  if (!poolId) {
    if (!flavorId) throw V2Faults.badParameter("spec.resource.flavor_id", "is required outside a dedicated pool");
    flavor = V2_FLAVORS.find((f) => f.flavor_id === flavorId);
    if (!flavor) throw V2Faults.flavorNotFound(flavorId);
    if (nodeCount > flavor.max_num) throw V2Faults.tooManyNodes(nodeCount, flavor.max_num, flavorId);
  } else if (flavorId && !V2_POOL_FLAVORS.includes(flavorId)) {
    throw V2Faults.flavorNotFound(flavorId);
  }
  const log = object(spec.log_export_path, "spec.log_export_path", false);
  if (log) {
    const url = optionalString(log.obs_url, "spec.log_export_path.obs_url");
    if (url) obsPath(url, "spec.log_export_path.obs_url");
    optionalString(log.host_path, "spec.log_export_path.host_path");
  }
  return { spec, nodeCount, ...(flavor ? { flavor } : {}) };
}

/** Checks a create body (already parsed JSON) and returns its parts, or throws the reference's fault. */
export function validateCreate(body: unknown, behaviour: EmulatorBehaviour): ValidCreate {
  if (!isObj(body)) throw V2Faults.badParameter("body", "must be a JSON object");
  knownKeys(body, TOP_KEYS, "", behaviour);
  if (body.kind === undefined && behaviour.v2KindRequired) throw V2Faults.badParameter("kind", "is required");
  const kind = body.kind ?? "job";
  const kinds = behaviour.v2Kinds === "sdk" ? SDK_KINDS : OTC_KINDS;
  if (!isStr(kind) || !kinds.includes(kind)) throw V2Faults.badParameter("kind", `must be one of ${kinds.join(", ")}`);
  const metadata = metadataOf(body, behaviour);
  const algorithm = algorithmOf(body, behaviour);
  const spec = specOf(body, behaviour);
  const endpoints = object(body.endpoints, "endpoints", false);
  return { kind, ...metadata, ...algorithm, ...spec, ...(endpoints ? { endpoints } : {}) };
}
