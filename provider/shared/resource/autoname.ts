/**
 * Autonaming, the same for every version: `name-abc1234`, the suffix derived from the stack's
 * identity (`stack-identity.ts`; states written before it hold "project/stack") and the resource
 * name, so that preview and update agree on the name (random only without a seed).
 */
import { createHash, randomBytes } from "node:crypto";
import { isUnknown, UNKNOWN } from "./check";

/** 7 lower-case hex characters: from the seed's hash, or random without one. */
export function suffixFrom(seed: string | undefined): string {
  const source = seed === undefined ? randomBytes(8) : createHash("sha256").update(seed).digest();
  return source.toString("hex").slice(0, 7);
}

/** `name-abc1234`, with characters outside `[A-Za-z0-9_-]` replaced and the total kept within 64. */
export function autoname(prefix: string, suffix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 64 - suffix.length - 1) || "job";
  return `${clean}-${suffix}`;
}

type Bag = Record<string, unknown>;

/**
 * `check`'s autonaming, for every version: inputs without `jobName` (and not adopting) get one
 * derived from `autonameSeed` and `autonamePrefix` (the resource name), kept from the old inputs
 * while the prefix stays (a state written with an older seed keeps its name); `jobNameAutonamed`
 * marks it. While the seed is unknown (the first preview, before the identity exists) the name is
 * unknown too: a name derived from the engine's marker would not be the one the update makes.
 */
export function withAutoname(olds: Bag, news: Bag, randomSuffix: (seed: string | undefined) => string): Bag {
  const inputs: Bag = { ...news };
  if (inputs["jobName"] !== undefined || inputs["adoptJobId"] !== undefined) return inputs;
  const prefix = typeof inputs["autonamePrefix"] === "string" ? (inputs["autonamePrefix"] as string) : "job";
  const reusable = typeof olds["jobName"] === "string" && olds["autonamePrefix"] === prefix && olds["jobNameAutonamed"] === true;
  const seed = typeof inputs["autonameSeed"] === "string" ? `${inputs["autonameSeed"] as string}\n${prefix}` : undefined;
  inputs["jobName"] = reusable ? olds["jobName"] : isUnknown(inputs["autonameSeed"]) ? UNKNOWN : autoname(prefix, randomSuffix(seed));
  inputs["jobNameAutonamed"] = true;
  return inputs;
}

/** True when the checked inputs' job name is the one `withAutoname` derives from the stack's seed and the resource name. */
export function isDerivedName(
  checked: { jobName?: string; jobNameAutonamed?: boolean; autonameSeed?: unknown; autonamePrefix?: unknown },
  randomSuffix: (seed: string | undefined) => string,
): boolean {
  if (checked.jobNameAutonamed !== true || typeof checked.autonameSeed !== "string") return false;
  const prefix = typeof checked.autonamePrefix === "string" ? checked.autonamePrefix : "job";
  return checked.jobName === autoname(prefix, randomSuffix(`${checked.autonameSeed}\n${prefix}`));
}

/** The v2 annotation that stamps a job with the stack and resource that created it. */
export const OWNER_ANNOTATION = "pulumi-modelarts/owner";

/**
 * The owner stamp of a job: 32 hex characters of a hash of the stack's seed and the resource name.
 * Only this stack can compute it, and it does not reveal the seed.
 */
export function ownerStamp(seed: string, prefix: string): string {
  return createHash("sha256").update(`pulumi-modelarts owner\n${seed}\n${prefix}`).digest("hex").slice(0, 32);
}

/** The stamp of the checked inputs, when their seed is known. */
export function ownerStampOf(checked: { autonameSeed?: unknown; autonamePrefix?: unknown }): string | undefined {
  if (typeof checked.autonameSeed !== "string" || isUnknown(checked.autonameSeed)) return undefined;
  return ownerStamp(checked.autonameSeed, typeof checked.autonamePrefix === "string" ? checked.autonamePrefix : "job");
}
