/**
 * One poller per scope (endpoint, project, workspace) in the provider process, shared by every
 * pending wait of every resource: each tick one scan answers all the waiters of a scope, so the calls
 * of a destroy of N jobs grow with the time it takes, not with N times it.
 *
 * The tick is chosen from what is pending: every waiter has its own interval (fast while the answer
 * may come any second, slower for a long training run), and the scope scans when the first waiter is
 * due, answering all of them. A scan is given the nearest deadline of the waiters it serves and is
 * not started for a waiter whose deadline is nearer than the last scan took; a waiter whose deadline
 * passes is rejected with a `ModelArtsTimeoutError` saying what the last scan saw. Absence is only
 * ever concluded from a scan that resolved (the scope's `scan` rejects when its look was incomplete).
 */
import { AsyncResource } from "node:async_hooks";
import { CancelledError, DeadlineReachedError, isDeadlineRefusal, isUnreachable, ModelArtsTimeoutError } from "../api/errors";
import type { AccountPace, PauseNotice } from "../api/pace";
import { realSleep, type Deadline } from "../api/retry";
import { formatDuration } from "./duration";
import { stillFailing } from "./persist";
import { checkSchedule, spacing, type PollSchedule } from "./waiter";

/** A job a waiter waits on. */
export interface Pending {
  readonly id: string;
  /** Its name when known (lets a scan narrow its query, e.g. v1 `search_content`, v2 a `name` filter). */
  readonly name?: string;
}

/** Where jobs are looked for. Waiters whose scopes have equal keys share one poller and its scans. */
export interface Scope<T> {
  /**
   * e.g. `JSON.stringify(["v2", endpoint, projectId, workspaceId])`. It must name everything the
   * scan's answer depends on (credentials that see other jobs are another scope): the scan of the
   * first scope of a key serves every waiter of that key.
   */
  readonly key: string;
  /**
   * One complete look for the pending jobs: a map holding every pending job that exists, by id (a
   * job missing from the map is absent). Must reject, never resolve with a partial map, when the
   * look is incomplete (IncompleteListError, a failed page, ...).
   */
  scan(pending: readonly Pending[], options: { deadline: Deadline }): Promise<ReadonlyMap<string, T>>;
  /**
   * The pace of the scope's account: while the service's throttle pauses it, no scan starts, and
   * each waiter's row says so ("throttled by the service; next look in 8 s").
   */
  readonly pace?: Pick<AccountPace, "pauseRemainingMs" | "onPause">;
}

export type Verdict<R> = { done: true; value: R } | { done: false; status?: string };

export interface WatchOptions<T, R> {
  /** Decides from the job as the last complete scan saw it (`undefined`: not listed). May throw to fail this waiter only. */
  decide(job: T | undefined): Verdict<R>;
  /** This waiter's own deadline; the wait rejects with ModelArtsTimeoutError when it passes. */
  deadline: Deadline;
  /** For messages: `training job 42 ("demo") to be removed`. */
  what: string;
  /** Progress lines: on every status change, and what the heartbeat needs. */
  progress?: (line: string) => void;
  /** `near`: the answer may come any second (a removal, a stop): poll fast. `long`: a training run: poll slower. @default "near" */
  pace?: "near" | "long";
  /** Scan failures that only mean "no answer this time" (transient): keep waiting. Others fail every waiter of that scan. */
  tolerate?: (error: unknown) => boolean;
  /**
   * The first scan comes at most this long after joining (sooner if another waiter of the scope is
   * due first). A look-up that wants an answer at once sets it low; the window lets waiters that
   * join together share that first scan too. @default the pace's `firstMs`
   */
  firstMs?: number;
}

/** The clock a poller runs on: `sleep` may honour the signal (the real clock does) to wake early for a new waiter. */
export interface PollerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * True when sleeps are timers that run alongside each other (real time): then each waiter is
   * rejected at its deadline even while a scan it is not part of runs. Clocks whose sleeps advance
   * time at once (test clocks) leave it unset: deadlines are then checked around each scan, whose own
   * deadline is the nearest of the waiters it serves.
   */
  readonly concurrent?: boolean;
}

/** Each pace's interval between the end of a scan and the next scan a waiter needs. */
export interface Paces {
  /**
   * While the answer may come any second. Fast at first (a removal that takes seconds is seen within
   * a second), then spaced at 5 % of the time already waited, up to 15 s: the delay after the
   * cloud removed the job stays under a second for removals up to about 20 s and under 5 % beyond,
   * in about 55 scans for a 60 s removal and 110 for 600 s.
   * @default { firstMs: 250, factor: 1.5, maxMs: 600, share: 0.05, shareCapMs: 15000 }
   */
  near: PollSchedule;
  /** @default { firstMs: 1000, factor: 2, maxMs: 15000 } */
  long: PollSchedule;
}

export const DEFAULT_PACES: Readonly<Paces> = Object.freeze({
  near: Object.freeze({ firstMs: 250, factor: 1.5, maxMs: 600, share: 0.05, shareCapMs: 15_000 }),
  long: Object.freeze({ firstMs: 1000, factor: 2, maxMs: 15_000 }),
});

/** What a scope's poller has done, for tests and benchmarks. */
export interface ScopeStats {
  /** Scans started. */
  scans: number;
  /** Waiters waiting now. */
  waiting: number;
}

interface Waiter {
  readonly job: Pending;
  readonly options: WatchOptions<unknown, unknown>;
  readonly schedule: PollSchedule;
  readonly started: number;
  readonly timeoutMs: number;
  readonly progress: (line: string) => void;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** When this waiter next needs a scan (Infinity: no scan can answer it before its deadline). */
  dueAt: number;
  intervalMs: number;
  lastStatus?: string;
  lastFailure?: string;
  /** Since when the scans fail for want of an endpoint that answers. */
  failingSince?: number;
  /** Scans that answered this waiter (resolved or failed). */
  answered: number;
  /** Clears its deadline timer (concurrent clocks only). */
  cancelTimer?: () => void;
  /** Joined during a scan: takes the scope's next scan once that scan has planned it. */
  align?: boolean;
}

/** The poller of one scope: one loop, alive while waiters are pending. */
class ScopePoller {
  readonly waiters = new Set<Waiter>();
  scans = 0;
  private running = false;
  private scanning = false;
  /** How long the last complete scan took: a scan is not started for a waiter with less time left. */
  private lastScanMs = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly scope: Scope<unknown>,
    private readonly clock: PollerClock,
    private readonly root: AsyncResource,
    private readonly onIdle: () => void,
  ) {}

  add(waiter: Waiter): void {
    if (!this.waiters.has(waiter)) this.join(waiter);
    this.waiters.add(waiter);
    if (this.clock.concurrent && !waiter.cancelTimer) this.timeAt(waiter);
    if (!this.running) {
      this.running = true;
      // The loop runs in the context the Pollers were made in, not in the first waiter's (each
      // waiter's progress runs in its own, which routes it to that job's row).
      this.root.runInAsyncScope(() => void this.loop());
    } else {
      this.wake?.();
    }
  }

  private async loop(): Promise<void> {
    const unsubscribe = this.scope.pace?.onPause((notice) => this.paused(notice));
    try {
      while (this.waiters.size > 0) {
        const now = this.clock.now();
        this.expire();
        if (this.waiters.size === 0) break;
        const pause = this.scope.pace?.pauseRemainingMs() ?? 0;
        if (pause > 0) {
          for (const w of this.waiters) w.dueAt = Math.max(w.dueAt, now + pause);
        }
        const waiters = [...this.waiters];
        const dueAt = Math.min(...waiters.map((w) => w.dueAt));
        const nearest = Math.min(...waiters.map((w) => now + w.options.deadline.remainingMs()));
        const wakeAt = Math.min(dueAt, nearest);
        if (wakeAt > now) {
          await this.sleep(wakeAt - now);
          continue;
        }
        await this.scanOnce(waiters);
      }
    } finally {
      unsubscribe?.();
      this.running = false;
      // A waiter that joined while the loop was ending starts it again.
      if (this.waiters.size > 0) this.add([...this.waiters][0]!);
      else this.onIdle();
    }
  }

  /** The account was throttled: every waiter hears when the next look comes, and none comes before. */
  private paused(notice: PauseNotice): void {
    const seconds = Math.max(1, Math.ceil(notice.ms / 1000));
    for (const w of this.waiters) {
      w.progress(`${w.options.what}: throttled by the service; next look in ${seconds} s`);
    }
    this.wake?.();
  }

  /**
   * Fits a new waiter into the scope's schedule, so that arrivals do not add scans: it takes the
   * scan already planned when that comes within its pace's longest interval (it would wait that long
   * anyway), and the pace of the waiters of its pace already there. A waiter joining during a scan
   * is fitted once that scan has planned the next.
   */
  private join(waiter: Waiter): void {
    const peers = [...this.waiters].filter((w) => w.schedule === waiter.schedule);
    if (peers.length > 0) waiter.intervalMs = Math.min(...peers.map((w) => w.intervalMs));
    if (this.scanning) waiter.align = true;
    else this.fit(waiter);
  }

  private fit(waiter: Waiter): void {
    waiter.align = false;
    const planned = Math.min(...[...this.waiters].filter((w) => w !== waiter && !w.align).map((w) => w.dueAt));
    if (Number.isFinite(planned) && planned - waiter.started <= waiter.schedule.maxMs) waiter.dueAt = planned;
  }

  /** Rejects a waiter at its deadline, whatever the loop is doing then. */
  private timeAt(w: Waiter): void {
    const abort = new AbortController();
    w.cancelTimer = () => abort.abort();
    const remaining = w.options.deadline.remainingMs();
    void this.clock.sleep(Math.max(Math.ceil(remaining), 0), abort.signal).then(
      () => {
        if (this.waiters.has(w) && w.options.deadline.remainingMs() <= 0) this.settle(w, () => w.reject(timeoutOf(w)));
      },
      () => undefined,
    );
  }

  /** Sleeps `ms`, waking early when a waiter joins (on clocks that honour the signal). */
  private async sleep(ms: number): Promise<void> {
    const abort = new AbortController();
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    try {
      await Promise.race([this.clock.sleep(ms, abort.signal).catch(() => undefined), woken]);
    } finally {
      this.wake = undefined;
      abort.abort();
    }
  }

  /** Rejects every waiter whose deadline has passed. */
  private expire(): void {
    for (const w of this.waiters) if (w.options.deadline.remainingMs() <= 0) this.settle(w, () => w.reject(timeoutOf(w)));
  }

  private async scanOnce(waiters: Waiter[]): Promise<void> {
    // A waiter with less time left than a scan takes cannot be answered in time: it only waits out its deadline.
    const batch = waiters.filter((w) => w.options.deadline.remainingMs() > this.lastScanMs);
    for (const w of waiters) if (!batch.includes(w)) w.dueAt = Infinity;
    if (batch.length === 0) return;
    const deadline: Deadline = { remainingMs: () => Math.floor(Math.min(...batch.map((w) => w.options.deadline.remainingMs()))) };
    const started = this.clock.now();
    this.scans++;
    let found: ReadonlyMap<string, unknown> | undefined;
    let failure: unknown;
    this.scanning = true;
    try {
      found = await this.scope.scan(
        batch.map((w) => w.job),
        { deadline },
      );
    } catch (error) {
      failure = error;
    } finally {
      this.scanning = false;
    }
    const ended = this.clock.now();
    // Only a complete look says how long the next one takes (a failed one may have spent its retries).
    if (found !== undefined) this.lastScanMs = ended - started;
    for (const w of batch) {
      if (!this.waiters.has(w)) continue;
      if (found === undefined) this.failed(w, failure, ended);
      else this.answer(w, found.get(w.job.id), ended);
    }
    for (const w of this.waiters) if (w.align) this.fit(w);
  }

  private answer(w: Waiter, job: unknown, now: number): void {
    w.lastFailure = undefined;
    w.failingSince = undefined;
    w.answered++;
    let verdict: Verdict<unknown>;
    try {
      verdict = w.options.decide(job);
    } catch (error) {
      this.settle(w, () => w.reject(error));
      return;
    }
    if (verdict.done) {
      this.settle(w, () => w.resolve(verdict.value));
      return;
    }
    if (verdict.status !== undefined && verdict.status !== w.lastStatus) {
      w.lastStatus = verdict.status;
      w.progress(`${w.options.what}: ${verdict.status} after ${formatDuration(now - w.started)}`);
    }
    this.reschedule(w, now);
  }

  private failed(w: Waiter, error: unknown, now: number): void {
    if (w.options.deadline.remainingMs() <= 0) {
      // Cut short at this waiter's own deadline: it times out, saying what it saw before.
      if (!isDeadlineRefusal(error)) w.lastFailure = messageOf(error);
      this.settle(w, () => w.reject(timeoutOf(w)));
      return;
    }
    if (isDeadlineRefusal(error)) {
      // Cut short at another waiter's deadline: says nothing about the service; look again at once.
      w.dueAt = now;
      return;
    }
    if (!w.options.tolerate?.(error)) {
      this.settle(w, () => w.reject(error));
      return;
    }
    w.answered++;
    w.lastFailure = messageOf(error);
    if (isUnreachable(error)) {
      w.failingSince ??= now;
      w.progress(`${w.options.what}: ${stillFailing(error, now - w.failingSince, now + w.options.deadline.remainingMs())}`);
    } else {
      w.progress(`${w.options.what}: no answer this time (${w.lastFailure}); polling again`);
    }
    this.reschedule(w, now);
  }

  private reschedule(w: Waiter, now: number): void {
    w.dueAt = now + spacing(w.schedule, w.intervalMs, now - w.started);
    // Whole milliseconds: timers and the calls' abort signals take integers.
    w.intervalMs = Math.round(Math.min(w.intervalMs * w.schedule.factor, w.schedule.maxMs));
  }

  /** Rejects every waiter with a `CancelledError`; returns how many there were. */
  cancel(reason: string): number {
    const waiters = [...this.waiters];
    for (const w of waiters) {
      const seen = w.lastStatus !== undefined ? `; last status ${w.lastStatus}` : "";
      this.settle(w, () => w.reject(new CancelledError(`stopped waiting for ${w.options.what}: ${reason}${seen}`, w.options.what)));
    }
    this.wake?.();
    return waiters.length;
  }

  private settle(w: Waiter, outcome: () => void): void {
    if (!this.waiters.delete(w)) return;
    w.cancelTimer?.();
    outcome();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The timeout of a waiter, saying what the last scan observed (as `pollUntil` does). A waiter that
 * no scan answered learnt nothing about the service: its timeout is a `DeadlineReachedError`, so that
 * a caller repeating look-ups reports the last answer it did get (see `isDeadlineRefusal`).
 */
function timeoutOf(w: Waiter): ModelArtsTimeoutError {
  const seen =
    w.lastFailure !== undefined
      ? `; the last poll got no answer: ${w.lastFailure}${w.lastStatus === undefined ? "" : ` (the last status seen before was ${w.lastStatus})`}`
      : w.lastStatus !== undefined
        ? `; last status ${w.lastStatus}`
        : w.answered === 0
          ? "; no look-up finished before the deadline"
          : "";
  const message = `timed out after ${formatDuration(w.timeoutMs)} waiting for ${w.options.what}${seen}`;
  if (w.answered === 0 && w.lastFailure === undefined) return new DeadlineReachedError(message, w.options.what);
  return new ModelArtsTimeoutError(message, w.options.what, w.lastStatus, w.lastFailure);
}

/** One per provider process (tests make their own with an emulated clock). */
export class Pollers {
  private readonly scopes = new Map<string, ScopePoller>();
  private readonly paces: Paces;
  private readonly root = new AsyncResource("ModelArtsPoller");

  constructor(
    private readonly clock: PollerClock,
    paces: Partial<Paces> = {},
  ) {
    this.paces = { near: checkSchedule(paces.near ?? DEFAULT_PACES.near), long: checkSchedule(paces.long ?? DEFAULT_PACES.long) };
  }

  /**
   * Waits until `decide` says done from a complete scan of `scope`, sharing the scope's scans with
   * every other waiter of its key. The first scan comes `firstMs` after joining (or with the scan
   * another waiter is due for, if that is sooner).
   */
  watch<T, R>(scope: Scope<T>, job: Pending, options: WatchOptions<T, R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const schedule = this.paces[options.pace ?? "near"];
      const now = this.clock.now();
      const progress = options.progress ? AsyncResource.bind(options.progress) : () => undefined;
      const waiter: Waiter = {
        job,
        options: options as WatchOptions<unknown, unknown>,
        schedule,
        started: now,
        timeoutMs: Math.max(options.deadline.remainingMs(), 0),
        progress,
        resolve: resolve as (value: unknown) => void,
        reject,
        dueAt: now + Math.max(options.firstMs ?? schedule.firstMs, 0),
        intervalMs: Math.round(Math.min(schedule.firstMs * schedule.factor, schedule.maxMs)),
        answered: 0,
      };
      let poller = this.scopes.get(scope.key);
      if (!poller) {
        const created = new ScopePoller(scope as Scope<unknown>, this.clock, this.root, () => {
          if (this.scopes.get(scope.key) === created) this.scopes.delete(scope.key);
        });
        poller = created;
        this.scopes.set(scope.key, poller);
      }
      poller.add(waiter);
    });
  }

  /**
   * Ends every wait at once (a cancellation): each rejects with a `CancelledError` saying what it
   * waited for and the last status it saw. The hook a hosting calls when the engine cancels.
   */
  cancelAll(reason: string): number {
    let cancelled = 0;
    for (const poller of [...this.scopes.values()]) cancelled += poller.cancel(reason);
    return cancelled;
  }

  /** What the poller of a scope key has done so far (undefined once it is idle and gone). */
  stats(key: string): ScopeStats | undefined {
    const poller = this.scopes.get(key);
    return poller && { scans: poller.scans, waiting: poller.waiters.size };
  }
}

/**
 * How many scans one waiter alone on a scope makes in its first `ms` when scans take no time: its
 * schedule exactly as the poller runs it, for bounds in tests and benchmarks.
 */
export function scansWithin(ms: number, schedule: PollSchedule, firstMs = schedule.firstMs): number {
  let scans = 0;
  let interval = Math.round(Math.min(schedule.firstMs * schedule.factor, schedule.maxMs));
  for (let at = Math.max(firstMs, 0); at <= ms; scans++) {
    at += spacing(schedule, interval, at);
    interval = Math.round(Math.min(interval * schedule.factor, schedule.maxMs));
  }
  return scans;
}

/** Made when the module loads, so that its loops belong to no engine call's context. */
const shared = new Pollers({ now: () => Date.now(), sleep: realSleep, concurrent: true });

/** The process-wide instance on the real clock. */
export function processPollers(): Pollers {
  return shared;
}
