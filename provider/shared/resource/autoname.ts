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
