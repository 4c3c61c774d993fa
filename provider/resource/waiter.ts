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
}

export const DEFAULT_POLL: PollSchedule = { firstMs: 1000, factor: 2, maxMs: 15_000 };

/** Validates a schedule up front, with the numbers in the message. */
export function checkSchedule(s: PollSchedule): PollSchedule {
  if (!(s.firstMs > 0) || !(s.factor >= 1) || !(s.maxMs >= s.firstMs)) {
    throw new RangeError(`invalid poll schedule: firstMs ${s.firstMs} must be > 0, factor ${s.factor} >= 1, maxMs ${s.maxMs} >= firstMs`);
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
 * `ModelArtsTimeoutError` carrying the last status when the deadline passes; the last sleep is cut
 * short at the deadline so the wait never overruns it by more than one probe.
 */
export async function pollUntil<T>(probe: () => Promise<PollStep<T>>, options: PollOptions): Promise<T> {
  const { clock, schedule } = options;
  const started = clock.now();
  const describe = options.describe ?? ((s: number) => String(s));
  let interval = schedule.firstMs;
  let lastStatus: number | undefined;
  let first = true;
  for (;;) {
    if (!first || !options.probeFirst) {
      const remaining = started + options.timeoutMs - clock.now();
      if (remaining <= 0) break;
      await clock.sleep(Math.min(interval, remaining));
      interval = Math.min(interval * schedule.factor, schedule.maxMs);
    }
    first = false;
    let step: PollStep<T>;
    try {
      step = await probe();
    } catch (error) {
      if (!options.tolerate?.(error)) throw error;
      options.progress?.(`${options.what}: no answer this time (${error instanceof Error ? error.message : String(error)}); polling again`);
      if (clock.now() - started >= options.timeoutMs) break;
      continue;
    }
    if (step.status !== undefined && step.status !== lastStatus) {
      options.progress?.(`${options.what}: ${describe(step.status)} after ${formatDuration(clock.now() - started)}`);
      lastStatus = step.status;
    }
    if (step.done) return step.value;
    if (clock.now() - started >= options.timeoutMs) break;
  }
  const last = lastStatus === undefined ? "" : `; last status ${describe(lastStatus)}`;
  throw new ModelArtsTimeoutError(
    `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.what}${last}`,
    options.what,
    lastStatus,
  );
}
