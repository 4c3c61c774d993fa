/**
 * `diff`'s rules, as pure functions over plain values: what changed, which of it replaces the job,
 * and whether the old job must go first.
 */
import { isUnknown, containsUnknown } from "./validate";
import type { TrainingJobConfig } from "./inputs";
import { deepEqual } from "../../shared/resource/values";

export { deepEqual, normalise } from "../../shared/resource/values";

type Bag = Record<string, unknown>;

export interface JobDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Changed top-level keys (for tests and messages). */
  changed: string[];
}

/** Default values applied before comparing, so that an explicit default is no change. */
const DEFAULTS: Bag = { description: "", workspaceId: "0", waitFor: "submitted", stopBeforeDelete: true };

/** Keys that are compared; anything else (outputs, `__provider`, the hidden `progressUrn`) is ignored. */
const INPUT_KEYS = [
  "jobName",
  "description",
  "workspaceId",
  "config",
  "waitFor",
  "timeouts",
  "stopBeforeDelete",
  "region",
  "projectId",
  "endpoint",
  "profile",
  "adoptJobId",
] as const;

function valueOf(bag: Bag, key: string): unknown {
  const v = bag[key];
  return v === undefined || v === null ? DEFAULTS[key] : v;
}

/**
 * Compares the stored state (`olds`: inputs plus outputs) with the new inputs.
 * - description, waitFor, timeouts, stopBeforeDelete, endpoint: in-place update;
 * - config: in-place update that creates a new version, except `config.volumes` (a new version
 *   cannot carry volumes), which replaces;
 * - jobName, workspaceId, region, projectId, profile: replace, deleting first when the name stays the same;
 * - adoptJobId: replaces only when it names another job than the one in the state.
 */
export function diffInputs(olds: Bag, news: Bag): JobDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const key of INPUT_KEYS) {
    const before = valueOf(olds, key);
    const after = valueOf(news, key);
    if (key === "adoptJobId") {
      if (after !== undefined && (isUnknown(after) || after !== olds["jobId"])) {
        changed.push(key);
        replaces.push(key);
      }
      continue;
    }
    if (!containsUnknown(after) && deepEqual(before, after)) continue;
    changed.push(key);
    if (key === "jobName" || key === "workspaceId" || key === "region" || key === "projectId" || key === "profile") replaces.push(key);
    if (key === "config" && !isUnknown(after)) {
      const oldVolumes = (before as TrainingJobConfig | undefined)?.volumes;
      const newVolumes = (after as Bag | undefined)?.["volumes"];
      if (containsUnknown(newVolumes) || !deepEqual(oldVolumes, newVolumes)) replaces.push("config.volumes");
    }
  }
  const newName = news["jobName"];
  const sameName = !isUnknown(newName) && newName === olds["jobName"];
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && sameName,
    changed,
  };
}
