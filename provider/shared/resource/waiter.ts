/**
 * Waiting, expressed as data: a poll schedule (first interval, growth factor, cap) and a deadline,
 * with the clock injected so that tests run in milliseconds and never depend on wall-clock luck.
 */
import { ModelArtsTimeoutError } from "../api/errors";
import { formatDuration } from "./duration";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** How often to poll: `firstMs`, then multiplied by `factor` each time, never above `maxMs`. */
export interface PollSchedule {
  /** @default 1000 */
  firstMs: number;
  /** @default 2 */
  factor: number;
  /** @default 15000 */
  maxMs: number;
  /**
   * Adaptive spacing: once this share of the time already waited exceeds the interval, the next
   * scan waits that long instead (never more than `shareCapMs`), so that a long wait costs a
   * bounded share of its duration in delay and a bounded number of scans. Unset: no share.
   */
  share?: number;
  /** Cap of the adaptive interval, in ms. @default 15000 */
  shareCapMs?: number;
}

/** The wait before the next scan: the schedule's interval, or the share of the time waited when longer. */
export function spacing(schedule: PollSchedule, intervalMs: number, waitedMs: number): number {
  if (schedule.share === undefined) return intervalMs;
  return Math.max(intervalMs, Math.round(Math.min(schedule.share * Math.max(waitedMs, 0), schedule.shareCapMs ?? 15_000)));
}

export const DEFAULT_POLL: PollSchedule = { firstMs: 1000, factor: 2, maxMs: 15_000 };

/** Validates a schedule up front, with the numbers in the message. */
export function checkSchedule(s: PollSchedule): PollSchedule {
  if (!(s.firstMs > 0) || !(s.factor >= 1) || !(s.maxMs >= s.firstMs)) {
    throw new RangeError(`invalid poll schedule: firstMs ${s.firstMs} must be > 0, factor ${s.factor} >= 1, maxMs ${s.maxMs} >= firstMs`);
  }
  if (s.share !== undefined && !(s.share > 0 && s.share < 1))
    throw new RangeError(`invalid poll schedule: share ${s.share} must be between 0 and 1`);
  if (s.shareCapMs !== undefined && !(s.shareCapMs >= s.maxMs)) {
    throw new RangeError(`invalid poll schedule: shareCapMs ${s.shareCapMs} must be >= maxMs ${s.maxMs}`);
  }
  return s;
}

export interface PollStep<T> {
  done: boolean;
  value: T;
  /** Status to report in progress and timeout messages. */
  status?: number;
}

export interface PollOptions {
  schedule: PollSchedule;
  /** Overall deadline for the wait, in milliseconds from the start. */
  timeoutMs: number;
  clock: Clock;
  /** What is being waited for, for messages: `job 42 ("demo") to be deleted`. */
  what: string;
  /** Reports progress lines (status changes and elapsed time). */
  progress?: (line: string) => void;
  /** Describes a status for messages, e.g. `JOBSTAT_RUNNING (8)`. */
  describe?: (status: number) => string;
  /** Poll once at once, before the first interval. @default false */
  probeFirst?: boolean;
  /**
   * Probe failures that only mean "no answer this time" (e.g. a 503 after the client's retries):
   * reported, then polled again on the schedule instead of failing the wait.
   */
  tolerate?: (error: unknown) => boolean;
}

/**
 * Calls `probe` on the schedule until it reports `done`, and returns its value. Rejects with a
 * `ModelArtsTimeoutError` when the deadline passes, saying what the last poll observed: the last
 * status, or why it got no answer. The last sleep is cut short at the deadline and no poll starts
 * after it, so the wait ends within its timeout plus one poll (whose calls the caller bounds).
 */
export async function pollUntil<T>(probe: () => Promise<PollStep<T>>, options: PollOptions): Promise<T> {
  const { clock, schedule } = options;
  const started = clock.now();
  const describe = options.describe ?? ((s: number) => String(s));
  const remaining = () => started + options.timeoutMs - clock.now();
  let interval = schedule.firstMs;
  let lastStatus: number | undefined;
  let lastFailure: string | undefined;
  let first = true;
  for (;;) {
    if (!first || !options.probeFirst) {
      if (remaining() <= 0) break;
      await clock.sleep(Math.min(interval, remaining()));
      interval = Math.min(interval * schedule.factor, schedule.maxMs);
      if (remaining() <= 0) break;
    }
    first = false;
    let step: PollStep<T>;
    try {
      step = await probe();
    } catch (error) {
      if (!options.tolerate?.(error)) throw error;
      lastFailure = error instanceof Error ? error.message : String(error);
      options.progress?.(`${options.what}: no answer this time (${lastFailure}); polling again`);
      continue;
    }
    lastFailure = undefined;
    if (step.status !== undefined && step.status !== lastStatus) {
      options.progress?.(`${options.what}: ${describe(step.status)} after ${formatDuration(clock.now() - started)}`);
      lastStatus = step.status;
    }
    if (step.done) return step.value;
  }
  const seen =
    lastFailure !== undefined
      ? `; the last poll got no answer: ${lastFailure}${lastStatus === undefined ? "" : ` (the last status seen before was ${describe(lastStatus)})`}`
      : lastStatus === undefined
        ? ""
        : `; last status ${describe(lastStatus)}`;
  throw new ModelArtsTimeoutError(
    `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.what}${seen}`,
    options.what,
    lastStatus,
    lastFailure,
  );
}
