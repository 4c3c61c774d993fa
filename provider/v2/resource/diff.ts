/**
 * `diff`'s rules for v2 jobs, as pure functions over plain values. v2 jobs have no versions: only
 * the description changes in place (`PUT`); every other change of the job replaces it, deleting the
 * old one first when the name stays (the service holds a name until the job is removed). `waitFor`,
 * `timeouts`, `stopBeforeDelete` and `endpoint` are the provider's, not the job's: their change is
 * an update of the state alone.
 */
import { containsUnknown, isUnknown } from "../../shared/resource/check";
import { deepEqual } from "../../shared/resource/values";

type Bag = Record<string, unknown>;

export interface JobDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Changed top-level keys (for tests and messages). */
  changed: string[];
}

/** Default values applied before comparing, so that an explicit default is no change. */
const DEFAULTS: Bag = { description: "", workspaceId: "0", kind: "job", waitFor: "accepted", stopBeforeDelete: true };

/** Keys whose change replaces the job. */
const REPLACING = ["jobName", "workspaceId", "annotations", "kind", "algorithm", "spec", "region", "projectId", "profile"] as const;
/** Keys whose change is an in-place update (the description) or of the state only (the rest). */
const UPDATING = ["description", "waitFor", "timeouts", "stopBeforeDelete", "endpoint"] as const;

function valueOf(bag: Bag, key: string): unknown {
  const v = bag[key];
  return v === undefined || v === null ? DEFAULTS[key] : v;
}

/** Compares the stored state (`olds`: inputs plus outputs) with the new inputs. */
export function diffInputs(olds: Bag, news: Bag): JobDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const key of [...REPLACING, ...UPDATING]) {
    // An adopted job's name is the job's: a declaration without one does not change it.
    if (key === "jobName" && news["jobName"] === undefined && news["adoptJobId"] !== undefined) continue;
    const after = valueOf(news, key);
    if (!containsUnknown(after) && deepEqual(valueOf(olds, key), after)) continue;
    changed.push(key);
    if ((REPLACING as readonly string[]).includes(key)) replaces.push(key);
  }
  const adopt = news["adoptJobId"];
  if (adopt !== undefined && adopt !== null && (isUnknown(adopt) || adopt !== olds["jobId"])) {
    changed.push("adoptJobId");
    replaces.push("adoptJobId");
  }
  const newName = news["jobName"];
  const sameName = !isUnknown(newName) && newName === olds["jobName"];
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && sameName, changed };
}
