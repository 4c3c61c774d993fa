/**
 * How the service's report of a job is read against what was declared (docs/api-v2.md §2): the
 * service echoes `algorithm` and `spec` with what it resolves filled in (the engine's other names,
 * an input's `localDir`, an output's `mode` and `period`, parameter constraints, `flavorName`,
 * `policy`, annotations of its own, `{}` for what was not set). Only what the user declared is
 * compared, and a missing echo is never drift: the declared value stands.
 */
import type { Algorithm, Job, Spec } from "../api/types";
import { deepEqual } from "../../shared/resource/values";

type Bag = Record<string, unknown>;

const isBag = (v: unknown): v is Bag => typeof v === "object" && v !== null && !Array.isArray(v);

/** `/bucket/dir/` and `obs://bucket/dir/` name the same OBS folder. */
function obsForm(value: string): string {
  return value.startsWith("obs://") ? value.slice("obs:/".length) : value;
}

function sameScalar(declared: unknown, live: unknown): boolean {
  if (declared === live) return true;
  if (typeof declared === "string" && typeof live === "string") return obsForm(declared) === obsForm(live);
  if ((typeof declared === "number" || typeof declared === "boolean") && typeof live === "string") return String(declared) === live;
  if (typeof declared === "string" && (typeof live === "number" || typeof live === "boolean")) return declared === String(live);
  return false;
}

/**
 * The declared value, with the live one wherever the service reports something else for a member
 * the user set: the view that `read` stores and that `diff` and adoption compare with the
 * declaration. Members only the service has are left out; members it does not echo keep the
 * declared value.
 */
export function declaredView(declared: unknown, live: unknown): unknown {
  if (live === undefined || live === null) return declared;
  if (isBag(declared)) {
    if (!isBag(live)) return live;
    const out: Bag = {};
    for (const [key, value] of Object.entries(declared)) {
      if (value === undefined || value === null) continue;
      out[key] = declaredView(value, live[key]);
    }
    return out;
  }
  if (Array.isArray(declared)) {
    if (!Array.isArray(live) || live.length !== declared.length) return live;
    return declared.map((item, i) => declaredView(item, live[i]));
  }
  return sameScalar(declared, live) ? declared : live;
}

/** The property paths (under `prefix`) where the live job differs from the declaration. */
export function differingPaths(declared: unknown, live: unknown, prefix: string): string[] {
  const view = declaredView(declared, live);
  if (deepEqual(view, declared)) return [];
  if (isBag(declared) && isBag(view)) {
    return Object.keys(declared).flatMap((key) => differingPaths(declared[key], (live as Bag)[key], `${prefix}.${key}`));
  }
  return [prefix];
}

const nonEmpty = (v: unknown): v is string => typeof v === "string" && v !== "";

/** The job's `algorithm` as a declaration that would create it: the service's resolutions left out. */
export function algorithmOf(job: Job): Algorithm {
  const live = job.algorithm as Bag;
  const out: Bag = {};
  for (const key of ["id", "subscriptionId", "itemVersionId", "codeDir", "bootFile", "command", "localCodeDir", "workingDir"]) {
    if (typeof live[key] === "string" && live[key] !== "") out[key] = live[key];
  }
  // An algorithm by id reports its code and engine: they come with the id, not from the declaration.
  if (out["id"] !== undefined || out["subscriptionId"] !== undefined) {
    delete out["codeDir"];
    delete out["bootFile"];
  }
  const engine = isBag(live["engine"]) ? live["engine"] : undefined;
  if (engine && out["id"] === undefined && out["subscriptionId"] === undefined) {
    const e: Bag = {};
    if (typeof engine["imageUrl"] === "string" && engine["imageUrl"] !== "") {
      e["imageUrl"] = engine["imageUrl"];
      if (typeof engine["engineName"] === "string" && typeof engine["engineVersion"] === "string") {
        e["engineName"] = engine["engineName"];
        e["engineVersion"] = engine["engineVersion"];
      }
    } else if (nonEmpty(engine["engineName"]) && nonEmpty(engine["engineVersion"])) {
      // By name and version when the service reports them (how programs and the examples name a
      // preset engine), so that an imported job previews no change against such a declaration.
      e["engineName"] = engine["engineName"];
      e["engineVersion"] = engine["engineVersion"];
    } else if (nonEmpty(engine["engineId"])) {
      e["engineId"] = engine["engineId"];
    }
    if (engine["installSysPackages"] === true) e["installSysPackages"] = true;
    if (Object.keys(e).length > 0) out["engine"] = e;
  }
  if (Array.isArray(live["parameters"]) && live["parameters"].length > 0) {
    out["parameters"] = (live["parameters"] as Bag[]).map((p) => pick(p, ["name", "value", "description"], true));
  }
  for (const key of ["inputs", "outputs"] as const) {
    if (!Array.isArray(live[key]) || (live[key] as unknown[]).length === 0) continue;
    out[key] = (live[key] as Bag[]).map((c) => {
      const channel = pick(c, ["name", "description"], true);
      const remote = isBag(c["remote"]) ? c["remote"] : {};
      channel["remote"] = isBag(remote["dataset"])
        ? { dataset: pick(remote["dataset"], ["id", "versionId"], false) }
        : { obs: pick(isBag(remote["obs"]) ? remote["obs"] : {}, ["obsUrl"], false) };
      return channel;
    });
  }
  if (isBag(live["environments"]) && Object.keys(live["environments"]).length > 0) out["environments"] = { ...live["environments"] };
  return out as unknown as Algorithm;
}

/** The job's `spec` as a declaration that would create it. */
export function specOf(job: Job): Spec {
  const live = job.spec as Bag;
  const resource = pick(isBag(live["resource"]) ? live["resource"] : {}, ["flavorId", "nodeCount", "poolId"], true);
  const out: Bag = { resource };
  if (Array.isArray(live["volumes"]) && live["volumes"].length > 0) out["volumes"] = live["volumes"];
  const log = isBag(live["logExportPath"]) ? pick(live["logExportPath"], ["obsUrl", "hostPath"], true) : {};
  if (Object.keys(log).length > 0) out["logExportPath"] = log;
  if (isBag(live["autoStop"]) && Object.keys(live["autoStop"]).length > 0) out["autoStop"] = live["autoStop"];
  return out as unknown as Spec;
}

/** The listed members that are set (`dropEmpty`: an empty string is unset too). */
function pick(bag: Bag, keys: readonly string[], dropEmpty: boolean): Bag {
  const out: Bag = {};
  for (const key of keys) {
    const v = bag[key];
    if (v === undefined || v === null || (dropEmpty && v === "")) continue;
    out[key] = v;
  }
  return out;
}
