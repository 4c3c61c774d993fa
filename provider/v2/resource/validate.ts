/**
 * `check`'s rules for v2 jobs: every rule of the v2 create API (docs/api-v2.md §5), applied before
 * any call is made, reported as `{property, reason}` with the property path
 * (`algorithm.engine.engineId`, `spec.resource.nodeCount`). Values still unknown during a preview are
 * skipped; keys that no shape knows are refused with a hint. Lengths count characters (code points).
 * What needs the service's catalogues (a flavour's `max_num`, an engine's existence) is checked by
 * `catalogue-check.ts`.
 */
import type {
  Algorithm,
  AutoStop,
  Engine,
  Input,
  InputRemote,
  LogExportPath,
  Output,
  Parameter,
  Resource,
  Spec,
  Volume,
} from "../api/types";
import {
  characterCount,
  lengthRule,
  Checker,
  checkProviderInputs,
  containsUnknown,
  isSet,
  isUnknown,
  keysOf,
  type CheckFailure,
} from "../../shared/resource/check";
import { TRAINING_JOB_INPUT_KEYS, WAIT_FOR_VALUES } from "./inputs";

export { UNKNOWN, containsUnknown, isUnknown, validateProfile, type CheckFailure } from "../../shared/resource/check";

export const JOB_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** `"0"` (the default workspace) or a 32-character workspace id (docs/api-v2.md §5). */
export const WORKSPACE_PATTERN = /^(0|[0-9a-f]{32})$/;
/** The service's job ids: hyphenated UUIDs (docs/api-v2.md §2). */
export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** OBS paths, written `/bucket/dir/` or `obs://bucket/dir/`. */
const OBS_PATH = /^(obs:\/\/|\/)[^/\s]+(\/|$)/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DESCRIPTION = 256;
const MAX_ENVIRONMENTS = 100;
const MAX_ENV_VALUE = 4096;
/** The SDK's job kinds; OTC documents the first two (docs/api-v2.md §5). */
export const KINDS = ["job", "visualization_job", "federated_pool_job", "edge_job", "hetero_job", "mrs_job", "autosearch_job", "diag_job"];
const RESERVED_CODE_DIRS = ["/home/ma-user/modelarts", "/home/ma-user/modelarts-dev", "/home/ma-user/infer"];
const POOL_FLAVOR_PREFIX = "modelarts.pool.visual.";

const ALGORITHM_KEYS = keysOf<Algorithm>({
  id: true,
  subscriptionId: true,
  itemVersionId: true,
  codeDir: true,
  bootFile: true,
  command: true,
  engine: true,
  parameters: true,
  inputs: true,
  outputs: true,
  environments: true,
  localCodeDir: true,
  workingDir: true,
});
const ENGINE_KEYS = keysOf<Engine>({ engineId: true, engineName: true, engineVersion: true, imageUrl: true, installSysPackages: true });
const PARAMETER_KEYS = keysOf<Parameter>({ name: true, value: true, description: true });
const INPUT_KEYS = keysOf<Input>({ name: true, description: true, localDir: true, remote: true });
const OUTPUT_KEYS = keysOf<Output>({ name: true, description: true, localDir: true, remote: true });
const REMOTE_KEYS = keysOf<InputRemote>({ obs: true, dataset: true });
const SPEC_KEYS = keysOf<Spec>({ resource: true, volumes: true, logExportPath: true, autoStop: true });
const RESOURCE_KEYS = keysOf<Resource>({ flavorId: true, nodeCount: true, poolId: true });
const VOLUME_KEYS = keysOf<Volume>({ nfs: true, pfs: true, obs: true });
const VOLUME_MEMBER_KEYS: Record<keyof Volume, { keys: readonly string[]; required: string[] }> = {
  nfs: { keys: ["nfsServerPath", "localPath", "readOnly"], required: ["nfsServerPath", "localPath"] },
  pfs: { keys: ["pfsPath", "localPath"], required: ["pfsPath", "localPath"] },
  obs: { keys: ["obsPath", "localPath"], required: ["obsPath", "localPath"] },
};
const LOG_KEYS = keysOf<LogExportPath>({ obsUrl: true, hostPath: true });
const AUTO_STOP_KEYS = keysOf<AutoStop>({ timeUnit: true, duration: true });

type Bag = Record<string, unknown>;

class V2Checker extends Checker {
  obsPath(bag: Bag, key: string, path: string): void {
    if (!this.has(bag, key, path, "string")) return;
    const v = bag[key] as string;
    if (!OBS_PATH.test(v)) this.fail(path, `must be an OBS path such as "/bucket/dir/" or "obs://bucket/dir/", got "${v}"`);
  }
  absolute(bag: Bag, key: string, path: string, example: string): void {
    if (!this.has(bag, key, path, "string")) return;
    const v = bag[key] as string;
    if (!v.startsWith("/")) this.fail(path, `must be an absolute path such as "${example}", got "${v}"`);
  }
  /** An object member, type-checked; its known keys checked against `keys`. */
  object(bag: Bag, key: string, path: string, keys?: readonly string[]): Bag | undefined {
    if (!this.has(bag, key, path, "object")) return undefined;
    const inner = bag[key] as Bag;
    if (keys) this.knownKeys(inner, keys, `${path}.`);
    return inner;
  }
  /** Each known element of a list member, as a bag; non-objects reported. */
  each(bag: Bag, key: string, path: string, visit: (item: Bag, path: string) => void): void {
    if (!this.has(bag, key, path, "array")) return;
    (bag[key] as unknown[]).forEach((item, i) => {
      const at = `${path}[${i}]`;
      if (isUnknown(item)) return;
      if (!item || typeof item !== "object" || Array.isArray(item)) return this.fail(at, "must be an object");
      visit(item as Bag, at);
    });
  }
}

/** Validates v2 resource inputs (after autonaming). Returns every failure found. */
export function validateInputs(inputs: Bag): CheckFailure[] {
  const c = new V2Checker();
  c.knownKeys(inputs, TRAINING_JOB_INPUT_KEYS, "", { keys: ALGORITHM_KEYS, prefix: "algorithm." });
  if (c.has(inputs, "jobName", "jobName", "string")) {
    const name = inputs["jobName"] as string;
    if (!JOB_NAME_PATTERN.test(name))
      c.fail("jobName", `must be 1-64 characters of letters, digits, "_" and "-", got "${name}" (${name.length} characters)`);
  }
  if (c.has(inputs, "description", "description", "string")) {
    const length = characterCount(inputs["description"] as string);
    if (length > MAX_DESCRIPTION) c.fail("description", `${lengthRule(MAX_DESCRIPTION)}, got ${length}`);
  }
  if (c.has(inputs, "workspaceId", "workspaceId", "string") && !WORKSPACE_PATTERN.test(inputs["workspaceId"] as string)) {
    c.fail("workspaceId", `must be "0" (the default workspace) or a 32-character workspace id, got "${String(inputs["workspaceId"])}"`);
  }
  const annotations = c.object(inputs, "annotations", "annotations");
  if (annotations) {
    for (const [key, value] of Object.entries(annotations)) {
      if (value !== undefined && !isUnknown(value) && typeof value !== "string")
        c.fail(`annotations.${key}`, `must be a string, got ${typeof value}`);
    }
  }
  if (c.has(inputs, "kind", "kind", "string") && !KINDS.includes(inputs["kind"] as string)) {
    c.fail("kind", `must be one of ${KINDS.map((k) => `"${k}"`).join(", ")}, got "${String(inputs["kind"])}"`);
  }
  checkProviderInputs(c, inputs, WAIT_FOR_VALUES);
  if (c.has(inputs, "adoptJobId", "adoptJobId", "string") && !JOB_ID_PATTERN.test(inputs["adoptJobId"] as string)) {
    c.fail(
      "adoptJobId",
      `must be a v2 job id (a UUID such as "425b7087-83de-49ed-9e40-5bb642be956f"), got "${String(inputs["adoptJobId"])}"`,
    );
  }
  if (c.required(inputs, "algorithm", "algorithm", "what runs")) {
    const algorithm = c.object(inputs, "algorithm", "algorithm");
    if (algorithm) validateAlgorithm(c, algorithm);
  }
  if (c.required(inputs, "spec", "spec", "the resources, at least spec.resource")) {
    const spec = c.object(inputs, "spec", "spec", SPEC_KEYS);
    if (spec) validateSpec(c, spec);
  }
  return c.failures;
}

function validateAlgorithm(c: V2Checker, a: Bag): void {
  c.knownKeys(a, ALGORITHM_KEYS, "algorithm.", { keys: TRAINING_JOB_INPUT_KEYS, prefix: "" });
  for (const key of ["id", "subscriptionId", "itemVersionId", "command"]) c.nonEmpty(a, key, `algorithm.${key}`);
  c.obsPath(a, "codeDir", "algorithm.codeDir");
  c.obsPath(a, "bootFile", "algorithm.bootFile");

  if (isSet(a, "subscriptionId") !== isSet(a, "itemVersionId")) {
    c.fail(
      isSet(a, "subscriptionId") ? "algorithm.itemVersionId" : "algorithm.subscriptionId",
      "algorithm.subscriptionId and algorithm.itemVersionId go together",
    );
  }
  if (isSet(a, "id") && isSet(a, "subscriptionId")) {
    c.fail("algorithm.subscriptionId", "name the algorithm one way: algorithm.id or algorithm.subscriptionId with itemVersionId, not both");
  }
  const code = isSet(a, "codeDir");
  const boot = isSet(a, "bootFile");
  if (code !== boot) c.fail(code ? "algorithm.bootFile" : "algorithm.codeDir", "algorithm.codeDir and algorithm.bootFile go together");
  if (code && boot && !containsUnknown([a["codeDir"], a["bootFile"]])) {
    const dir = String(a["codeDir"]);
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    const file = String(a["bootFile"]);
    if (!file.startsWith(prefix) || file.length === prefix.length)
      c.fail("algorithm.bootFile", `must be a file inside algorithm.codeDir ("${dir}"), got "${file}"`);
  }

  const engine = c.object(a, "engine", "algorithm.engine", ENGINE_KEYS);
  const preset = engine !== undefined && (isSet(engine, "engineId") || isSet(engine, "engineName") || isSet(engine, "engineVersion"));
  const image = engine !== undefined && isSet(engine, "imageUrl");
  if (engine) validateEngine(c, engine);
  if (isUnknown(a["engine"])) return;
  const byAlgorithm = isSet(a, "id") || isSet(a, "subscriptionId");
  if (!byAlgorithm) {
    if (code && !preset && !image)
      c.fail(
        "algorithm.engine",
        "is required with algorithm.codeDir: a preset engine (engineId, or engineName with engineVersion) or imageUrl",
      );
    if (image && !preset && !isSet(a, "command"))
      c.fail("algorithm.command", "is required with a custom image (algorithm.engine.imageUrl)");
    if (isSet(a, "command") && !image && !code)
      c.fail(
        "algorithm.engine.imageUrl",
        "is required with algorithm.command (a custom image), unless the code comes from algorithm.codeDir",
      );
    if (!code && !image)
      c.fail(
        "algorithm",
        "say what runs: algorithm.id; algorithm.subscriptionId with itemVersionId; algorithm.codeDir with bootFile and an engine; " +
          "or a custom image (algorithm.engine.imageUrl) with algorithm.command",
      );
  }

  if (c.has(a, "localCodeDir", "algorithm.localCodeDir", "string")) {
    const text = a["localCodeDir"] as string;
    const dir = text.replace(/\/+$/, "");
    if (!dir.startsWith("/home/"))
      c.fail("algorithm.localCodeDir", `must be a folder under /home, such as "/home/work/code", got "${text}"`);
    else if (dir === "/home/ma-user" || RESERVED_CODE_DIRS.some((r) => dir === r || dir.startsWith(`${r}/`)))
      c.fail(
        "algorithm.localCodeDir",
        `must not be /home/ma-user or inside its reserved folders (${RESERVED_CODE_DIRS.join(", ")}), got "${text}"`,
      );
  }
  c.absolute(a, "workingDir", "algorithm.workingDir", "/home/ma-user/work");

  const env = c.object(a, "environments", "algorithm.environments");
  if (env) {
    const entries = Object.entries(env).filter(([, v]) => v !== undefined && v !== null);
    if (entries.length > MAX_ENVIRONMENTS)
      c.fail("algorithm.environments", `must hold at most ${MAX_ENVIRONMENTS} variables, got ${entries.length}`);
    for (const [name, value] of entries) {
      const path = `algorithm.environments.${name}`;
      if (!ENV_NAME.test(name)) c.fail(path, `is not a variable name: use letters, digits and "_", not starting with a digit`);
      if (isUnknown(value)) continue;
      if (typeof value !== "string") c.fail(path, `must be a string, got ${typeof value}`);
      else if (value.includes("$")) c.fail(path, `must not contain "$", got "${value}"`);
      else if (characterCount(value) > MAX_ENV_VALUE) c.fail(path, `${lengthRule(MAX_ENV_VALUE)}, got ${characterCount(value)}`);
    }
  }

  c.each(a, "parameters", "algorithm.parameters", (p, path) => {
    c.knownKeys(p, PARAMETER_KEYS, `${path}.`);
    if (c.required(p, "name", `${path}.name`)) c.nonEmpty(p, "name", `${path}.name`);
    c.has(p, "value", `${path}.value`, "string");
    c.has(p, "description", `${path}.description`, "string");
  });
  c.each(a, "inputs", "algorithm.inputs", (item, path) => validateChannel(c, item, path, "input"));
  c.each(a, "outputs", "algorithm.outputs", (item, path) => validateChannel(c, item, path, "output"));
}

/** The engine is named exactly one way: `engineId`, `engineName` with `engineVersion`, or `imageUrl` (a preset name and version may come with an image). */
function validateEngine(c: V2Checker, e: Bag): void {
  for (const key of ["engineId", "engineName", "engineVersion", "imageUrl"]) c.nonEmpty(e, key, `algorithm.engine.${key}`);
  c.has(e, "installSysPackages", "algorithm.engine.installSysPackages", "boolean");
  const id = isSet(e, "engineId");
  const name = isSet(e, "engineName");
  const version = isSet(e, "engineVersion");
  const image = isSet(e, "imageUrl");
  if (id && (name || version || image)) {
    c.fail(
      "algorithm.engine.engineId",
      "name the engine one way: engineId, or engineName with engineVersion, or imageUrl (a custom image), not engineId with the others",
    );
  }
  if (name !== version)
    c.fail(name ? "algorithm.engine.engineVersion" : "algorithm.engine.engineName", "engineName and engineVersion go together");
  if (!id && !name && !version && !image)
    c.fail("algorithm.engine", "must name an engine: engineId, engineName with engineVersion, or imageUrl");
}

function validateChannel(c: V2Checker, item: Bag, path: string, kind: "input" | "output"): void {
  c.knownKeys(item, kind === "input" ? INPUT_KEYS : OUTPUT_KEYS, `${path}.`);
  if (c.required(item, "name", `${path}.name`)) c.nonEmpty(item, "name", `${path}.name`);
  c.has(item, "description", `${path}.description`, "string");
  c.absolute(item, "localDir", `${path}.localDir`, "/home/ma-user/data");
  if (!c.required(item, "remote", `${path}.remote`, kind === "input" ? "remote.obs.obsUrl or remote.dataset" : "remote.obs.obsUrl")) return;
  const remote = c.object(item, "remote", `${path}.remote`, kind === "input" ? REMOTE_KEYS : ["obs"]);
  if (!remote) return;
  const obs = isSet(remote, "obs");
  const dataset = isSet(remote, "dataset");
  if (kind === "output" && !obs) return c.fail(`${path}.remote.obs`, "is required: an output goes to OBS");
  if (obs === dataset) return c.fail(`${path}.remote`, "must have exactly one of obs (an OBS URL) or dataset (id and versionId)");
  if (obs) {
    const o = c.object(remote, "obs", `${path}.remote.obs`, ["obsUrl"]);
    if (o && c.required(o, "obsUrl", `${path}.remote.obs.obsUrl`)) c.obsPath(o, "obsUrl", `${path}.remote.obs.obsUrl`);
  } else {
    const d = c.object(remote, "dataset", `${path}.remote.dataset`, ["id", "versionId"]);
    if (d) {
      for (const key of ["id", "versionId"]) {
        if (c.required(d, key, `${path}.remote.dataset.${key}`)) c.nonEmpty(d, key, `${path}.remote.dataset.${key}`);
      }
    }
  }
}

function validateSpec(c: V2Checker, spec: Bag): void {
  if (c.required(spec, "resource", "spec.resource", "spec.resource.flavorId, or spec.resource.poolId for a dedicated pool")) {
    const r = c.object(spec, "resource", "spec.resource", RESOURCE_KEYS);
    if (r) {
      c.nonEmpty(r, "flavorId", "spec.resource.flavorId");
      c.nonEmpty(r, "poolId", "spec.resource.poolId");
      c.positiveInt(r, "nodeCount", "spec.resource.nodeCount");
      if (!isSet(r, "poolId") && !isSet(r, "flavorId"))
        c.fail(
          "spec.resource.flavorId",
          'is required outside a dedicated pool (a public flavour such as "modelarts.vm.cpu.8u"), or set spec.resource.poolId',
        );
      if (
        isSet(r, "poolId") &&
        typeof r["flavorId"] === "string" &&
        !isUnknown(r["flavorId"]) &&
        !(r["flavorId"] as string).startsWith(POOL_FLAVOR_PREFIX)
      )
        c.fail(
          "spec.resource.flavorId",
          `in a dedicated pool (spec.resource.poolId) must be a card-count flavour "${POOL_FLAVOR_PREFIX}*", got "${String(r["flavorId"])}"`,
        );
    }
  }
  c.each(spec, "volumes", "spec.volumes", (v, path) => {
    c.knownKeys(v, VOLUME_KEYS, `${path}.`);
    const kinds = (Object.keys(VOLUME_MEMBER_KEYS) as Array<keyof Volume>).filter((k) => isSet(v, k));
    if (kinds.length !== 1) return c.fail(path, "must have exactly one of nfs, pfs or obs");
    const kind = kinds[0]!;
    const inner = c.object(v, kind, `${path}.${kind}`, VOLUME_MEMBER_KEYS[kind].keys);
    if (!inner) return;
    for (const key of VOLUME_MEMBER_KEYS[kind].required) {
      if (c.required(inner, key, `${path}.${kind}.${key}`)) c.nonEmpty(inner, key, `${path}.${kind}.${key}`);
    }
    c.absolute(inner, "localPath", `${path}.${kind}.localPath`, "/home/ma-user/nfs");
    if (kind === "obs") c.obsPath(inner, "obsPath", `${path}.obs.obsPath`);
    c.has(inner, "readOnly", `${path}.${kind}.readOnly`, "boolean");
  });
  const log = c.object(spec, "logExportPath", "spec.logExportPath", LOG_KEYS);
  if (log) {
    if (!isSet(log, "obsUrl") && !isSet(log, "hostPath"))
      c.fail("spec.logExportPath", "must have obsUrl or hostPath (or leave spec.logExportPath out)");
    c.obsPath(log, "obsUrl", "spec.logExportPath.obsUrl");
    c.absolute(log, "hostPath", "spec.logExportPath.hostPath", "/var/log/job");
  }
  const stop = c.object(spec, "autoStop", "spec.autoStop", AUTO_STOP_KEYS);
  if (stop) {
    if (
      c.required(stop, "timeUnit", "spec.autoStop.timeUnit") &&
      c.has(stop, "timeUnit", "spec.autoStop.timeUnit", "string") &&
      stop["timeUnit"] !== "HOURS"
    )
      c.fail("spec.autoStop.timeUnit", `must be "HOURS", got "${String(stop["timeUnit"])}"`);
    if (c.required(stop, "duration", "spec.autoStop.duration", "whole hours")) c.positiveInt(stop, "duration", "spec.autoStop.duration");
  }
}
