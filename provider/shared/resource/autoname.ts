/**
 * Autonaming, the same for every version: `name-abc1234`, the suffix derived from project, stack and
 * resource name so that preview and update agree on the name (random only without a seed).
 */
import { createHash, randomBytes } from "node:crypto";

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
 * while the prefix stays; `jobNameAutonamed` marks it.
 */
export function withAutoname(olds: Bag, news: Bag, randomSuffix: (seed: string | undefined) => string): Bag {
  const inputs: Bag = { ...news };
  if (inputs["jobName"] !== undefined || inputs["adoptJobId"] !== undefined) return inputs;
  const prefix = typeof inputs["autonamePrefix"] === "string" ? (inputs["autonamePrefix"] as string) : "job";
  const reusable = typeof olds["jobName"] === "string" && olds["autonamePrefix"] === prefix && olds["jobNameAutonamed"] === true;
  const seed = typeof inputs["autonameSeed"] === "string" ? `${inputs["autonameSeed"] as string}\n${prefix}` : undefined;
  inputs["jobName"] = reusable ? olds["jobName"] : autoname(prefix, randomSuffix(seed));
  inputs["jobNameAutonamed"] = true;
  return inputs;
}

/** True when the checked inputs' job name is the one `withAutoname` derives from project, stack and resource name. */
export function isDerivedName(
  checked: { jobName?: string; jobNameAutonamed?: boolean; autonameSeed?: unknown; autonamePrefix?: unknown },
  randomSuffix: (seed: string | undefined) => string,
): boolean {
  if (checked.jobNameAutonamed !== true || typeof checked.autonameSeed !== "string") return false;
  const prefix = typeof checked.autonamePrefix === "string" ? checked.autonamePrefix : "job";
  return checked.jobName === autoname(prefix, randomSuffix(`${checked.autonameSeed}\n${prefix}`));
}
