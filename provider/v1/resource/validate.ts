/**
 * `check`'s rules: every rule of the create API (docs/api-v1.md §3.1), applied before any
 * call is made, reported as `{property, reason}` with the property path. Values that are still
 * unknown during a preview are skipped; keys that no shape knows are refused with a hint. Lengths
 * count characters (code points), not UTF-16 units.
 */
import { JOB_CONFIG_KEYS, type DataSourceItem, type HostPathVolume, type NfsVolume, type Parameter, type Volume } from "../api/types";
import { TRAINING_JOB_INPUT_KEYS } from "./inputs";

import {
  characterCount,
  lengthRule,
  checkProviderInputs,
  Checker as SharedChecker,
  containsUnknown,
  isUnknown,
  keysOf,
  type CheckFailure,
} from "../../shared/resource/check";

export { UNKNOWN, characterCount, containsUnknown, isUnknown, validateProfile, type CheckFailure } from "../../shared/resource/check";

export const JOB_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const OBS_FORBIDDEN = /['{}[\]\s]/;
const WAIT_FOR = ["submitted", "running", "completed"];
const MAX_DESCRIPTION = 256;

// The keys of the nested shapes, as records over their interfaces: the compiler keeps them exact.
const PARAMETER_KEYS = keysOf<Parameter>({ label: true, value: true });
const DATA_SOURCE_KEYS = keysOf<DataSourceItem>({ type: true, dataUrl: true, datasetId: true, datasetVersion: true });
const VOLUME_KEYS = keysOf<Volume>({ nfs: true, hostPath: true });
const NFS_KEYS = keysOf<NfsVolume>({ id: true, srcPath: true, destPath: true, readOnly: true });
const HOST_PATH_KEYS = keysOf<HostPathVolume>({ srcPath: true, destPath: true, readOnly: true });

type Bag = Record<string, unknown>;

/** The shared checker, plus v1's OBS path form (always `/bucket/dir/`). */
class Checker extends SharedChecker {
  obsPath(bag: Bag, key: string, path: string): void {
    if (!this.has(bag, key, path, "string")) return;
    const v = bag[key] as string;
    if (!v.startsWith("/")) this.fail(path, `must be an OBS path starting with "/" (e.g. "/bucket/dir/"), got "${v}"`);
    else if (OBS_FORBIDDEN.test(v)) this.fail(path, `must not contain spaces or any of ' { } [ ], got "${v}"`);
  }
}

/** Config keys the resource accepts: the API's config shape, without `createVersion` (see below). */
const CONFIG_KEYS: readonly string[] = JOB_CONFIG_KEYS;

/** Present in the bag (known or unknown). */
function set(bag: Bag, key: string): boolean {
  return bag[key] !== undefined && bag[key] !== null;
}

/** Validates resource inputs (after autonaming). Returns every failure found. */
export function validateInputs(inputs: Bag): CheckFailure[] {
  const c = new Checker();
  c.knownKeys(inputs, TRAINING_JOB_INPUT_KEYS, "", { keys: [...CONFIG_KEYS, "createVersion"], prefix: "config." });
  if (c.has(inputs, "jobName", "jobName", "string")) {
    const name = inputs["jobName"] as string;
    if (!JOB_NAME_PATTERN.test(name)) {
      c.fail("jobName", `must be 1-64 characters of letters, digits, "_" and "-", got "${name}" (${name.length} characters)`);
    }
  }
  if (c.has(inputs, "description", "description", "string")) {
    const length = characterCount(inputs["description"] as string);
    if (length > MAX_DESCRIPTION) c.fail("description", `${lengthRule(MAX_DESCRIPTION)}, got ${length}`);
  }
  c.nonEmpty(inputs, "workspaceId", "workspaceId");
  checkProviderInputs(c, inputs, WAIT_FOR);
  if (c.has(inputs, "adoptJobId", "adoptJobId", "string") && !/^\d{1,20}$/.test(inputs["adoptJobId"] as string)) {
    c.fail("adoptJobId", `must be a job id (digits), got "${String(inputs["adoptJobId"])}"`);
  }
  if (inputs["config"] === undefined || inputs["config"] === null) c.fail("config", "is required");
  else if (c.has(inputs, "config", "config", "object")) validateConfig(c, inputs["config"] as Bag);
  return c.failures;
}

function validateConfig(c: Checker, config: Bag): void {
  c.knownKeys(Object.fromEntries(Object.entries(config).filter(([key]) => key !== "createVersion")), CONFIG_KEYS, "config.", {
    keys: TRAINING_JOB_INPUT_KEYS,
    prefix: "",
  });
  // A job without a version has nothing to wait for, stop or derive the next version from, and the
  // service's answer for it is undocumented (version_id null): the resource always creates one.
  if (set(config, "createVersion")) {
    c.fail(
      "config.createVersion",
      "is not supported: a TrainingJob always creates its first version with the job (the API's default); remove config.createVersion",
    );
  }
  if (!set(config, "workerServerNum")) c.fail("config.workerServerNum", "is required (the number of nodes)");
  c.positiveInt(config, "workerServerNum", "config.workerServerNum");
  c.positiveInt(config, "engineId", "config.engineId");
  c.positiveInt(config, "modelId", "config.modelId");
  for (const key of ["appUrl", "bootFileUrl", "dataUrl", "trainUrl", "logUrl"]) c.obsPath(config, key, `config.${key}`);
  c.nonEmpty(config, "datasetId", "config.datasetId");
  c.nonEmpty(config, "datasetVersionId", "config.datasetVersionId");
  c.nonEmpty(config, "userImageUrl", "config.userImageUrl");
  c.nonEmpty(config, "userCommand", "config.userCommand");

  validateFlavour(c, config);
  validateNas(c, config);

  // Code: modelId, or appUrl together with bootFileUrl.
  const app = set(config, "appUrl");
  const boot = set(config, "bootFileUrl");
  if (app !== boot)
    c.fail(app ? "config.bootFileUrl" : "config.appUrl", "config.appUrl and config.bootFileUrl go together: set both or neither");
  if (!set(config, "modelId") && !app && !boot) {
    c.fail("config.appUrl", "code is required: set config.appUrl and config.bootFileUrl, or config.modelId for a built-in algorithm");
  }
  if (set(config, "modelId") && (app || boot)) {
    c.fail(
      "config.modelId",
      "a built-in algorithm (config.modelId) brings its own code: set either config.modelId or config.appUrl with config.bootFileUrl, not both",
    );
  }
  if (app && boot && !containsUnknown([config["appUrl"], config["bootFileUrl"]])) {
    const appUrl = String(config["appUrl"]);
    const prefix = appUrl.endsWith("/") ? appUrl : `${appUrl}/`;
    const bootFile = String(config["bootFileUrl"]);
    if (!bootFile.startsWith(prefix) || bootFile.length === prefix.length) {
      c.fail("config.bootFileUrl", `must be a file inside config.appUrl ("${appUrl}"), got "${String(config["bootFileUrl"])}"`);
    }
  }

  // Custom image: image and command together.
  if (set(config, "userImageUrl") !== set(config, "userCommand")) {
    c.fail(
      set(config, "userImageUrl") ? "config.userCommand" : "config.userImageUrl",
      "config.userImageUrl and config.userCommand go together for a custom-image job",
    );
  }

  // Data: exactly one of dataUrl, datasetId+datasetVersionId, dataSource.
  const ds = set(config, "datasetId");
  const dsv = set(config, "datasetVersionId");
  if (ds !== dsv) c.fail(ds ? "config.datasetVersionId" : "config.datasetId", "config.datasetId and config.datasetVersionId go together");
  const sources = [
    set(config, "dataUrl") && "config.dataUrl",
    (ds || dsv) && "config.datasetId",
    set(config, "dataSource") && "config.dataSource",
  ].filter((s): s is string => typeof s === "string");
  if (sources.length === 0)
    c.fail(
      "config.dataUrl",
      "one data source is required: config.dataUrl, config.datasetId with config.datasetVersionId, or config.dataSource",
    );
  if (sources.length > 1) c.fail(sources[1]!, `only one data source may be set, got ${sources.join(" and ")}`);

  if (c.has(config, "dataSource", "config.dataSource", "array")) {
    const items = config["dataSource"] as unknown[];
    if (items.length === 0) c.fail("config.dataSource", "must not be empty");
    else items.forEach((item, i) => validateDataSource(c, item, `config.dataSource[${i}]`));
  }
  if (c.has(config, "parameters", "config.parameters", "array")) {
    (config["parameters"] as unknown[]).forEach((item, i) => {
      const path = `config.parameters[${i}]`;
      if (isUnknown(item)) return;
      if (!item || typeof item !== "object") return c.fail(path, "must be {label, value}");
      const p = item as Bag;
      c.knownKeys(p, PARAMETER_KEYS, `${path}.`);
      // Both members are optional in the API reference (docs/api-v1.md §3.1); a given one is text.
      c.has(p, "label", `${path}.label`, "string");
      c.has(p, "value", `${path}.value`, "string");
    });
  }
  if (c.has(config, "volumes", "config.volumes", "array")) {
    const publicPool = set(config, "specId") && !set(config, "poolId");
    (config["volumes"] as unknown[]).forEach((item, i) => validateVolume(c, item, `config.volumes[${i}]`, publicPool));
  }
}

/**
 * The flavour, in one of the four forms of the API (docs/api-v1.md §3.1): `specId` alone or
 * `flavor.code` alone (public pool), `poolId` alone or with `flavor.code` (dedicated pool).
 */
function validateFlavour(c: Checker, config: Bag): void {
  c.positiveInt(config, "specId", "config.specId");
  c.nonEmpty(config, "poolId", "config.poolId");
  if (c.has(config, "flavor", "config.flavor", "object")) {
    const flavor = config["flavor"] as Bag;
    for (const key of Object.keys(flavor)) if (key !== "code") c.fail(`config.flavor.${key}`, "is not a flavour field: use code");
    if (!set(flavor, "code")) c.fail("config.flavor.code", 'is required (a flavour code such as "modelarts.vm.cpu.8u")');
    else if (c.has(flavor, "code", "config.flavor.code", "string") && !/^\S+$/.test(flavor["code"] as string))
      c.fail("config.flavor.code", `must be a flavour code such as "modelarts.vm.cpu.8u", got "${String(flavor["code"])}"`);
  }
  const spec = set(config, "specId");
  const code = set(config, "flavor");
  const pool = set(config, "poolId");
  if (spec && pool)
    c.fail("config.poolId", "cannot be set together with config.specId: use specId for a public pool or poolId for a dedicated pool");
  if (spec && code)
    c.fail("config.flavor", "cannot be set together with config.specId: choose the flavour by specId or by flavor.code, not both");
  if (!spec && !code && !pool)
    c.fail(
      "config.specId",
      "one of config.specId or config.flavor.code (public pool flavour) or config.poolId (dedicated pool) is required",
    );
}

/** The NAS fields: text; the mount path, when given, absolute. */
function validateNas(c: Checker, config: Bag): void {
  c.has(config, "nasShareAddr", "config.nasShareAddr", "string");
  c.has(config, "nasType", "config.nasType", "string");
  if (c.has(config, "nasMountPath", "config.nasMountPath", "string")) {
    const path = config["nasMountPath"] as string;
    if (path !== "" && !path.startsWith("/"))
      c.fail("config.nasMountPath", `must be an absolute path such as "/home/work/nas", got "${path}"`);
  }
}

function validateDataSource(c: Checker, item: unknown, path: string): void {
  if (isUnknown(item)) return;
  if (!item || typeof item !== "object") return c.fail(path, "must be an object");
  const d = item as Bag;
  c.knownKeys(d, DATA_SOURCE_KEYS, `${path}.`);
  const type = d["type"];
  if (set(d, "type") && !isUnknown(type) && type !== "obs" && type !== "dataset")
    c.fail(`${path}.type`, `must be "obs" or "dataset", got "${String(type)}"`);
  const hasUrl = set(d, "dataUrl");
  const hasDataset = set(d, "datasetId") || set(d, "datasetVersion");
  if (hasUrl && hasDataset)
    c.fail(`${path}.dataUrl`, "an item is either an OBS item (dataUrl) or a dataset item (datasetId, datasetVersion), not both");
  else if (!hasUrl && !hasDataset) c.fail(path, "needs dataUrl (OBS) or datasetId with datasetVersion");
  else if (hasDataset && set(d, "datasetId") !== set(d, "datasetVersion"))
    c.fail(`${path}.datasetVersion`, "datasetId and datasetVersion go together");
  if (type === "obs" && hasDataset) c.fail(`${path}.type`, 'is "obs" but the item names a dataset');
  if (type === "dataset" && hasUrl) c.fail(`${path}.type`, 'is "dataset" but the item has a dataUrl');
  c.obsPath(d, "dataUrl", `${path}.dataUrl`);
}

function validateVolume(c: Checker, item: unknown, path: string, publicPool: boolean): void {
  if (isUnknown(item)) return;
  if (!item || typeof item !== "object") return c.fail(path, "must be an object with nfs or hostPath");
  const v = item as Bag;
  c.knownKeys(v, VOLUME_KEYS, `${path}.`);
  if (set(v, "nfs") === set(v, "hostPath")) return c.fail(path, "must have exactly one of nfs or hostPath");
  const kind = set(v, "nfs") ? "nfs" : "hostPath";
  if (kind === "hostPath" && publicPool) {
    c.fail(`${path}.hostPath`, "host-path volumes are only allowed in a dedicated pool (config.poolId), not with config.specId");
  }
  if (!c.has(v, kind, `${path}.${kind}`, "object")) return;
  const inner = v[kind] as Bag;
  c.knownKeys(inner, kind === "nfs" ? NFS_KEYS : HOST_PATH_KEYS, `${path}.${kind}.`);
  const required = kind === "nfs" ? ["id", "srcPath", "destPath"] : ["srcPath", "destPath"];
  for (const key of required) {
    if (!set(inner, key)) c.fail(`${path}.${kind}.${key}`, "is required");
    else c.nonEmpty(inner, key, `${path}.${kind}.${key}`);
  }
  c.has(inner, "readOnly", `${path}.${kind}.readOnly`, "boolean");
}
