/**
 * The pieces of a provider's lifecycle that do not depend on the API version: where a job lives
 * (the per-resource overrides of the provider configuration), the step timeouts, and the errors a
 * step ends with.
 */
import { ModelArtsError } from "../api/errors";
import { MAX_TIMER_MS } from "../api/timer-limit";
import { parseDuration } from "./duration";

/** The key of the serialized provider in the engine's property bags. */
export const PROVIDER_KEY = "__provider";
/** Each step's timeout when `timeouts` does not set it. */
export const DEFAULT_TIMEOUT_MS = 20 * 60_000;
/**
 * How long a read (`pulumi refresh`, `TrainingJob.get`) may take, retries and the read-after-create
 * grace included: the engine gives reads no timeout input, so it is fixed. A read ends within it
 * plus one request timeout (modelarts:requestTimeout), whatever the retry settings.
 */
export const READ_TIMEOUT_MS = 2 * 60_000;

/** Where a job lives: the per-resource overrides of the provider configuration. */
export interface JobTarget {
  region?: string;
  projectId?: string;
  endpoint?: string;
  /** A named credentials profile of the provider configuration (`modelarts:profiles.<name>`). */
  profile?: string;
}

/** The job's target from its inputs or state: the overrides that are set. */
export function targetOf(bag: Record<string, unknown>): JobTarget {
  const target: JobTarget = {};
  for (const key of ["region", "projectId", "endpoint", "profile"] as const) {
    const v = bag[key];
    if (typeof v === "string" && v.length > 0) target[key] = v;
  }
  return target;
}

/**
 * How long a step may take: `timeouts.<step>`, else the default. `check` refuses a timeout no timer
 * can hold; one recorded before that rule (delete and refresh run without `check`) is cut to the limit.
 */
export function timeoutOf(
  inputs: { timeouts?: { create?: string; update?: string; delete?: string } },
  kind: "create" | "update" | "delete",
): number {
  const text = inputs.timeouts?.[kind];
  return Math.min((text && parseDuration(text)) || DEFAULT_TIMEOUT_MS, MAX_TIMER_MS);
}

/** A wait ended in a failed (or, for v1, stopped) state. */
export class JobFailedError extends ModelArtsError {
  override readonly name = "JobFailedError";
}
/** The job's removal was not confirmed within `timeouts.delete`: it stays in the stack. */
export class DeleteTimeoutError extends ModelArtsError {
  override readonly name = "DeleteTimeoutError";
}
/** `adoptJobId` names a job that does not exist or does not match the declaration. */
export class AdoptError extends ModelArtsError {
  override readonly name = "AdoptError";
}
/** `TrainingJob.get` names a job that the service does not know. */
export class GetError extends ModelArtsError {
  override readonly name = "GetError";
}
