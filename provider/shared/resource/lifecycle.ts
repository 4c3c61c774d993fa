/**
 * The pieces of a provider's lifecycle that do not depend on the API version: where a job lives
 * (the per-resource overrides of the provider configuration), the step timeouts, and the errors a
 * step ends with.
 */
import { ModelArtsError } from "../api/errors";
import { MAX_TIMER_MS } from "../api/timer-limit";
import { containsUnknown } from "./check";
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

/** Where a target resolves to under the provider configuration: what identifies the service and project. */
export interface ResolvedPlace {
  /** The ModelArts endpoint URL the job's requests go to. */
  endpoint: string;
  /** The region, when the configuration names one. */
  region?: string;
  /** The project id. */
  projectId: string;
}

/**
 * Where a job lives, resolved when it was created and recorded in its outputs (`location`): read,
 * refresh, update and delete go there, whatever the stack's configuration says later. Never a secret.
 */
export interface JobLocation extends ResolvedPlace {
  /** The workspace id. */
  workspaceId: string;
  /** The credentials profile that manages the job (its name). */
  profile?: string;
}

/** The output that records a job's {@link JobLocation}. */
export const LOCATION_KEY = "location";

/** The location a job's state records, if it records one (states written before it do not). */
export function locationOf(props: Record<string, unknown>): JobLocation | undefined {
  const l = props[LOCATION_KEY] as Partial<JobLocation> | undefined;
  if (!l || typeof l !== "object" || typeof l.endpoint !== "string" || typeof l.projectId !== "string") return undefined;
  return l as JobLocation;
}

/** The location to record for a job of this target and workspace. */
export function locationFor(place: ResolvedPlace, target: JobTarget, workspaceId: string): JobLocation {
  return {
    endpoint: place.endpoint,
    ...(place.region !== undefined ? { region: place.region } : {}),
    projectId: place.projectId,
    workspaceId,
    ...(target.profile !== undefined ? { profile: target.profile } : {}),
  };
}

/**
 * The target of a job in the state: its recorded location when there is one (so the stack's
 * configuration can no longer send its calls elsewhere), else its overrides (an older state).
 */
export function recordedTarget(props: Record<string, unknown>): JobTarget {
  const location = locationOf(props);
  if (!location) return targetOf(props);
  return {
    endpoint: location.endpoint,
    projectId: location.projectId,
    ...(location.region !== undefined ? { region: location.region } : {}),
    ...(location.profile !== undefined ? { profile: location.profile } : {}),
  };
}

/** `https://Host:443/path/` → `host` (with a non-default port): what tells two endpoints apart. */
function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host.toLowerCase();
  } catch {
    return endpoint.trim().toLowerCase();
  }
}

/**
 * What moves a recorded job to another place under the current configuration: the project, or the
 * endpoint's host (a region change shows there). A change of the endpoint's spelling (scheme case,
 * default port, trailing slash) or of credentials moves nothing. The keys are shown by the preview
 * as the reason for the replacement.
 */
export function movedBy(recorded: JobLocation, current: ResolvedPlace): string[] {
  const moved: string[] = [];
  if (recorded.projectId !== current.projectId) moved.push("projectId");
  if (hostOf(recorded.endpoint) !== hostOf(current.endpoint)) moved.push("endpoint");
  return moved;
}

/**
 * What `diff` adds for a recorded job that the current configuration would look for elsewhere: the
 * keys of {@link movedBy}, each forcing a replacement (the new job is made where the configuration
 * now points, the old one deleted where it lives). Nothing for a state without a location, while the
 * target is unknown, when the profile changes (its own replacement), or when the configuration
 * cannot be resolved (`check` reports that).
 */
export function relocation(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  locate: (target: JobTarget) => ResolvedPlace,
): string[] {
  const recorded = locationOf(olds);
  const target = targetOf(news);
  if (!recorded || containsUnknown(news["profile"]) || containsUnknown(target) || target.profile !== recorded.profile) return [];
  let current: ResolvedPlace;
  try {
    current = locate(target);
  } catch {
    return [];
  }
  return movedBy(recorded, current);
}

/** What `diff` answers the engine. */
export interface DiffAnswer {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * The inputs' diff of either version, plus a replacement when the configuration now points away from
 * where the job lives ({@link relocation}), said on the job's row with the reason.
 */
export function diffWithRelocation(
  inputsDiff: DiffAnswer,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  locate: (target: JobTarget) => ResolvedPlace,
  progress: (line: string) => void,
): DiffAnswer {
  const moved = relocation(olds, news, locate);
  if (moved.length > 0) {
    const was = locationOf(olds)!;
    progress(
      `training job ${String(olds["jobId"])} lives in project ${was.projectId} at ${was.endpoint}; the configuration now points ` +
        `elsewhere (${moved.join(", ")}): it is replaced there, and deleted where it lives`,
    );
  }
  return {
    changes: inputsDiff.changes || moved.length > 0,
    replaces: [...new Set([...inputsDiff.replaces, ...moved])],
    deleteBeforeReplace: inputsDiff.deleteBeforeReplace,
  };
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
