/**
 * How a create proves that a job is this resource's (docs/ownership.md), for
 * every API version. A job is taken into the state only with evidence beyond its name, evidence that
 * was in this stack's state before the create's first POST:
 * - an autonamed job's name is derived from the stack's identity (a random value kept in this
 *   stack's state, `stack-identity.ts`) and the resource name, so a job of that exact name in the
 *   job's workspace, with the exact configuration this create sends, is this resource's (the job an
 *   interrupted `pulumi up` left); where the version stamps jobs (v2 `metadata.annotations`), the job
 *   must also carry this resource's stamp;
 * - for a name the user chose: no job of that name was listed in the workspace when this create
 *   started, one of this create's POSTs had an ambiguous outcome, the job found was created at or
 *   after the moment this create started (less {@link CLOCK_SKEW_MS}), and it has the exact name and
 *   the configuration sent.
 * A job that carries another stack's stamp is never taken. Without that evidence the create fails
 * with an `OwnershipError` that names the job found and the one-step fix (`adoptJobId`); nothing is
 * adopted, changed or deleted. Every look-up persists through transient failures and the
 * read-after-create lag, within the create's deadline.
 *
 * What differs per version (how to look a name up, how to POST, how to compare a found job with the
 * request, how to read a stamp) comes in as callbacks: `provider/v1/resource/ownership.ts` and
 * `provider/v2/resource/`.
 */
import { isNameConflict } from "../api/error-factory";
import { isDeadlineRefusal, isTransient, isUnreachable, ModelArtsError, ModelArtsTimeoutError, nothingSent } from "../api/errors";
import type { Deadline } from "../api/retry";
import { formatDuration } from "./duration";
import type { Clock, PollSchedule } from "./waiter";

/** How long a job that the service accepted may stay invisible to the list (read-after-create lag). */
export const NOT_FOUND_GRACE_MS = 60_000;
/**
 * How far the service's clock may be behind this machine's: a job of an explicitly chosen name counts
 * as made by this create only if the service reports it created at or after this create's start
 * less this allowance. A job another stack created more than this before counts as theirs.
 */
export const CLOCK_SKEW_MS = 5_000;

/** The job found carries this resource's name but nothing proves it is this resource's. */
export class OwnershipError extends ModelArtsError {
  override readonly name = "OwnershipError";
}

/** What the messages need of a job found by name. */
export interface FoundJob {
  jobId: string;
  /** Epoch milliseconds (a number or a decimal string). */
  createTime: number | string;
}

/** The per-version part of a create: how to look, how to POST, how to compare. */
export interface OwnershipHooks<F, A> {
  /** The found job's id and create time, for messages. */
  identify(found: F): FoundJob;
  /** One complete look-up by exact name in the job's workspace (every page, or it rejects). */
  findByName(deadline: Deadline): Promise<F | undefined>;
  /** One POST of the create body. Never re-sent by the caller without a look-up in between. */
  post(deadline: Deadline): Promise<A>;
  /**
   * Compares a found job with what this create sends: the property paths that differ (`[]` when it is
   * exactly the configuration sent), and the job as the accepted answer. Transient failures may be
   * thrown; they are retried within the deadline.
   */
  compare(found: F, deadline: Deadline): Promise<{ differing: string[]; job: A }>;
  /** What the configuration is called in messages, e.g. `config` or `algorithm and spec`. */
  configNoun: string;
  /**
   * The found job's owner stamp, `undefined` when it carries none. Only for versions that stamp
   * their jobs (v2); together with `SubmitOptions.stamp`.
   */
  stampOf?(found: F): string | undefined;
}

export interface SubmitOptions<F, A> {
  jobName: string;
  workspaceId: string;
  projectId: string;
  /** True when the name was derived from the stack's seed and the resource name (autonamed). */
  derivedName: boolean;
  /** This resource's owner stamp, sent with the create (v2), when the version stamps its jobs. */
  stamp?: string;
  /** Absolute time (on `clock`) by which the create must have settled. */
  deadline: number;
  clock: Clock;
  /** Backoff between look-ups and re-sends. */
  poll: PollSchedule;
  progress: (line: string) => void;
  hooks: OwnershipHooks<F, A>;
  /** Treated as "not yet readable" while comparing (e.g. not-found during the read-after-create lag). */
  retryCompare?: (error: unknown) => boolean;
}

/** What the messages and deadlines need of a create. */
type Settling = Pick<SubmitOptions<unknown, unknown>, "jobName" | "workspaceId" | "projectId" | "derivedName" | "deadline" | "clock">;

/** What a create ended with: the job the service accepted, and whether an existing one was taken. */
export interface Submitted<A> {
  job: A;
  adopted: boolean;
}

/**
 * Creates the job, or finds the one this resource made before: looks before the first POST, never
 * re-sends it blindly, and after an ambiguous answer looks until the job is seen or provably absent.
 */
export async function submitJob<F, A>(o: SubmitOptions<F, A>): Promise<Submitted<A>> {
  const started = o.clock.now();
  const claim = (found: F, why: string) => claimAs(o, found, why, started);
  const lookups = new LookUp(o);
  const before = await lookups.find("look for an existing job before creating it");
  if (before !== undefined) {
    if (!o.derivedName) throw refusal(o, o.hooks.identify(before), "it existed before this create started");
    return { job: await claim(before, "its name is derived from this stack's identity and this resource"), adopted: true };
  }
  let ambiguous = false;
  let wait = o.poll.firstMs;
  for (;;) {
    try {
      return { job: await o.hooks.post(deadlineOf(o)), adopted: false };
    } catch (error) {
      if (isNameConflict(error)) {
        // The service holds the name: ours only if an earlier POST of ours may have made it.
        const found = await lookups.untilVisible(error);
        if (found === undefined) throw conflictUnseen(o, error);
        if (!ambiguous && !o.derivedName)
          throw refusal(o, o.hooks.identify(found), "it appeared after this create started, and no POST of this create made it");
        return { job: await claim(found, "no job of that name existed when this create started"), adopted: true };
      }
      if (!isTransient(error)) throw error;
      ambiguous = true;
      o.progress(`training job "${o.jobName}": the create's outcome is unknown (${firstLine(error)}); looking before sending it again`);
      const found = await lookups.find("look for the job after an ambiguous create", error);
      if (found !== undefined) return { job: await claim(found, "no job of that name existed when this create started"), adopted: true };
      const left = o.deadline - o.clock.now();
      if (left <= 0) throw undecided(o, error, lookups);
      await o.clock.sleep(Math.min(wait, left));
      wait = Math.min(wait * o.poll.factor, o.poll.maxMs);
    }
  }
}

/**
 * Adopts a job found by name once the evidence holds: its stamp (a derived name) or its create time
 * (a chosen name), then its configuration, which must be the one this create sends.
 */
async function claimAs<F, A>(o: SubmitOptions<F, A>, found: F, why: string, started: number): Promise<A> {
  const id = o.hooks.identify(found);
  const stamped = o.stamp !== undefined && o.hooks.stampOf !== undefined ? o.hooks.stampOf(found) : null;
  if (stamped !== null && stamped !== undefined && stamped !== o.stamp)
    throw refusal(o, id, "it carries another stack's or resource's owner stamp");
  if (o.derivedName) {
    if (stamped === undefined) throw refusal(o, id, "it does not carry this resource's owner stamp");
  } else {
    const created = Number(id.createTime);
    const since = started - CLOCK_SKEW_MS;
    if (!(Number.isFinite(created) && created >= since))
      throw refusal(
        o,
        id,
        `it was created before this create started at ${new Date(started).toISOString()} ` +
          `(allowing ${formatDuration(CLOCK_SKEW_MS)} of clock skew), so no POST of this create made it`,
      );
  }
  const { differing, job } = await compareSteadily(o, found);
  if (differing.length > 0)
    throw refusal(o, o.hooks.identify(found), `its ${o.hooks.configNoun} differs from this resource's (${differing.join(", ")})`);
  o.progress(
    `training job "${o.jobName}": found job ${id.jobId} in workspace "${o.workspaceId}" that this create made (${why}); taking it`,
  );
  return job;
}

async function compareSteadily<F, A>(o: SubmitOptions<F, A>, found: F): Promise<{ differing: string[]; job: A }> {
  for (let wait = o.poll.firstMs; ; wait = Math.min(wait * o.poll.factor, o.poll.maxMs)) {
    try {
      return await o.hooks.compare(found, deadlineOf(o));
    } catch (error) {
      const left = o.deadline - o.clock.now();
      if (!(isTransient(error) || o.retryCompare?.(error) === true) || left <= 0) throw error;
      await o.clock.sleep(Math.min(wait, left));
    }
  }
}

/** Look-ups by exact name in the job's workspace, each complete (every page), retried until the deadline. */
class LookUp<F, A> {
  /** What the last failed look-up met, for the message if time runs out. */
  lastFailure: string | undefined;
  constructor(private readonly o: SubmitOptions<F, A>) {}

  /** One complete look-up, repeated through transient failures until it answers or the deadline passes. */
  async find(what: string, cause?: unknown): Promise<F | undefined> {
    const o = this.o;
    let wait = o.poll.firstMs;
    for (;;) {
      try {
        return await o.hooks.findByName(deadlineOf(o));
      } catch (error) {
        // Before the first POST nothing was sent: an endpoint that is not ModelArts ends the create at once.
        if (cause === undefined && isUnreachable(error)) throw nothingSent(error);
        if (!isTransient(error)) throw error;
        // The client's refusal to start after the deadline is no answer: keep the last real one.
        if (!isDeadlineRefusal(error)) this.lastFailure = firstLine(error);
        const left = o.deadline - o.clock.now();
        if (left <= 0) {
          if (cause !== undefined) throw undecided(o, cause, this);
          throw new ModelArtsTimeoutError(
            `could not ${what} for training job "${o.jobName}" within the create's deadline: the list answered ${this.lastFailure}. ` +
              `Nothing was sent; run \`pulumi up\` again.`,
            what,
          );
        }
        await o.clock.sleep(Math.min(wait, left));
        wait = Math.min(wait * o.poll.factor, o.poll.maxMs);
      }
    }
  }

  /** After "name exists": looks until the job shows, allowing for the list lagging behind the create. */
  async untilVisible(conflict: unknown): Promise<F | undefined> {
    const o = this.o;
    const until = Math.min(o.deadline, o.clock.now() + NOT_FOUND_GRACE_MS);
    let wait = o.poll.firstMs;
    for (;;) {
      const found = await this.find("look for the job that holds the name", conflict);
      const left = until - o.clock.now();
      if (found !== undefined || left <= 0) return found;
      await o.clock.sleep(Math.min(wait, left));
      wait = Math.min(wait * o.poll.factor, o.poll.maxMs);
    }
  }
}

function where(o: Settling): string {
  return `workspace "${o.workspaceId}" of project ${o.projectId}`;
}

/** The error for a job of this name that nothing proves to be this resource's. */
function refusal(o: Settling, found: FoundJob, reason: string): OwnershipError {
  return new OwnershipError(
    `training job "${o.jobName}" already exists as job ${found.jobId} in workspace "${o.workspaceId}" ` +
      `(created ${isoOf(found.createTime)}), and this stack cannot prove it is its own: ${reason}. ` +
      `It may be left by an interrupted \`pulumi up\` of this stack. If it is this resource's, set adoptJobId: "${found.jobId}" ` +
      `on it and run \`pulumi up\` again; if it belongs to someone else, choose another jobName. Nothing was changed.`,
  );
}

/** "Name exists", but no job of that name shows in this workspace, even after the lag allowance. */
function conflictUnseen(o: Settling, error: unknown): OwnershipError {
  return new OwnershipError(
    `${firstLine(error)}. No job of that name is listed in ${where(o)} (looked for ${formatDuration(NOT_FOUND_GRACE_MS)}): ` +
      `the name is held by a job in another workspace, or one still being created or deleted. It may be left by an interrupted ` +
      `\`pulumi up\` of this stack: if so, set workspaceId to the job's workspace and adoptJobId to its id, and run \`pulumi up\` again; ` +
      `otherwise choose another jobName.`,
  );
}

/** The deadline passed while it was unknown whether the service made the job. */
function undecided(o: Settling, cause: unknown, lookups: { lastFailure: string | undefined }): OwnershipError {
  const fix = o.derivedName
    ? "The next `pulumi up` finds the job by its derived name and takes it into the stack."
    : `Run \`pulumi up\` again: if the job exists, the error names its id, to set as adoptJobId.`;
  return new OwnershipError(
    `the create of training job "${o.jobName}" may have been accepted (its answer was lost: ${firstLine(cause)}), ` +
      `and the look-ups in ${where(o)} could not settle it before the deadline` +
      `${lookups.lastFailure !== undefined ? ` (the list answered ${lookups.lastFailure})` : " (the job was not listed)"}. ${fix}`,
  );
}

function isoOf(createTime: number | string): string {
  const ms = Number(createTime);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : String(createTime);
}

/** The create's deadline for the client's calls: no attempt or retry of a look-up starts after it. */
function deadlineOf(o: Settling): Deadline {
  return { remainingMs: () => o.deadline - o.clock.now() };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}
