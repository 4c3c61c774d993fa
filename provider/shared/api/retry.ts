/**
 * The retry policy as data: options with documented defaults, validated once with the numbers in
 * the message, and pure functions for the decisions (what is retryable, what is ambiguous for a
 * create, how long to wait). Time is injected (`now`, `sleep`, `random`) so tests control it.
 */
import { ConfigurationError } from "./errors";

/** How the backoff delay is randomised. */
export type Jitter = "full" | "equal" | "none";

export interface RetryOptions {
  /**
   * Attempts per call, the first one included (1 = never retry).
   * @default 5
   */
  maxAttempts?: number;
  /**
   * Backoff base: the n-th retry waits up to `baseDelayMs * 2^(n-1)` (before jitter), in milliseconds.
   * @default 500
   */
  baseDelayMs?: number;
  /**
   * Cap of one backoff delay, in milliseconds.
   * @default 20000
   */
  maxDelayMs?: number;
  /**
   * Total time budget of one call including its retries and waits, in milliseconds. No retry starts
   * whose wait would end after it.
   * @default 120000
   */
  maxElapsedMs?: number;
  /**
   * `full`: uniform in [0, d]; `equal`: uniform in [d/2, d]; `none`: exactly d.
   * @default "full"
   */
  jitter?: Jitter;
  /**
   * Longest `Retry-After` the client will wait for, in milliseconds; a longer one ends the retries
   * (the error is returned rather than waiting for less than the service asked).
   * @default 60000
   */
  retryAfterCapMs?: number;
  /**
   * HTTP statuses that are retried (for idempotent requests).
   * @default [429, 500, 502, 503, 504]
   */
  retryOnStatus?: readonly number[];
}

/** The clock a policy runs on; replaced in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits `ms` milliseconds; rejects with the signal's reason if it is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

/**
 * The end of a step (create, update, delete), measured on the caller's clock. Calls that get one
 * start no attempt and no retry after it, and cut their idempotent attempts short at it, so that a
 * step ends within its timeout plus at most one request timeout (a create POST is never cut short:
 * that would make its outcome ambiguous).
 */
export interface Deadline {
  /** Milliseconds left; zero or less once the deadline has passed. */
  remainingMs(): number;
}

/** A deadline `ms` from now on `now`'s clock. */
export function deadlineIn(ms: number, now: () => number): Deadline {
  const end = now() + ms;
  return { remainingMs: () => end - now() };
}

export const DEFAULT_RETRY_OPTIONS: Readonly<Required<RetryOptions>> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxElapsedMs: 120_000,
  jitter: "full",
  retryAfterCapMs: 60_000,
  retryOnStatus: Object.freeze([429, 500, 502, 503, 504]),
});

/** A resolved, validated policy with its clock. */
export interface RetryPolicy extends Readonly<Required<RetryOptions>>, Readonly<Clock> {}

/** The longest time retries may take in all (24 hours). */
export const MAX_RETRY_ELAPSED_MS = 86_400_000;

/** Sleeps on a real timer, cancellable by a signal. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export const REAL_CLOCK: Clock = Object.freeze({ now: () => Date.now(), sleep: realSleep, random: () => Math.random() });

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`retry option ${name} must be an integer from ${min} to ${max}; got ${value}`);
  }
}

/** Applies the defaults and validates the options; throws `ConfigurationError` naming the bad value. */
export function resolveRetryPolicy(options: RetryOptions = {}, clock: Partial<Clock> = {}): RetryPolicy {
  const o = { ...DEFAULT_RETRY_OPTIONS, ...stripUndefined(options) };
  checkInteger("maxAttempts", o.maxAttempts, 1, 100);
  checkInteger("baseDelayMs", o.baseDelayMs, 0, 3_600_000);
  checkInteger("maxDelayMs", o.maxDelayMs, 0, 3_600_000);
  checkInteger("maxElapsedMs", o.maxElapsedMs, 0, MAX_RETRY_ELAPSED_MS);
  checkInteger("retryAfterCapMs", o.retryAfterCapMs, 0, 3_600_000);
  if (o.maxDelayMs < o.baseDelayMs) {
    throw new ConfigurationError(`retry option maxDelayMs (${o.maxDelayMs}) must not be below baseDelayMs (${o.baseDelayMs})`);
  }
  if (!["full", "equal", "none"].includes(o.jitter)) {
    throw new ConfigurationError(`retry option jitter must be "full", "equal" or "none"; got "${String(o.jitter)}"`);
  }
  for (const s of o.retryOnStatus) {
    if (!Number.isInteger(s) || s < 400 || s > 599) {
      throw new ConfigurationError(`retry option retryOnStatus may hold only HTTP error statuses 400..599; got ${s}`);
    }
  }
  return Object.freeze({
    ...o,
    retryOnStatus: Object.freeze([...o.retryOnStatus]),
    now: clock.now ?? REAL_CLOCK.now,
    sleep: clock.sleep ?? REAL_CLOCK.sleep,
    random: clock.random ?? REAL_CLOCK.random,
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The backoff delay before retry number `retry` (1 = the first retry), jitter applied. */
export function backoffDelay(policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "jitter" | "random">, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  switch (policy.jitter) {
    case "full":
      return Math.floor(policy.random() * ceiling);
    case "equal":
      return Math.floor(ceiling / 2 + (policy.random() * ceiling) / 2);
    case "none":
      return ceiling;
  }
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `nowMs`; undefined
 * when absent or malformed. A date in the past gives 0.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** What went wrong in one attempt, as far as retrying is concerned. */
export type AttemptFailure =
  /** The service answered with an error status. */
  | { kind: "status"; status: number; retryAfterMs?: number }
  /** The attempt did not complete within its timeout. */
  | { kind: "timeout" }
  /** A network error; `code` is Node's (ECONNRESET, ECONNREFUSED, ...). */
  | { kind: "network"; code: string }
  /** The call's own signal was aborted: never retried. */
  | { kind: "aborted" };

/** Network errors raised before anything reached the server: always safe to re-send. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
/** Network errors after which a request may or may not have been processed. */
const MAYBE_SENT_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "ERR_SOCKET_CONNECTION_TIMEOUT"]);

/** True when the failure is transient and an idempotent request may be re-sent. */
export function isRetryable(policy: Pick<RetryPolicy, "retryOnStatus">, failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case "status":
      return policy.retryOnStatus.includes(failure.status);
    case "timeout":
      return true;
    case "network":
      return NOT_SENT_CODES.has(failure.code) || MAYBE_SENT_CODES.has(failure.code);
    case "aborted":
      return false;
  }
}

/**
 * True when the service may have acted on the request although the client saw a failure (timeout,
 * dropped connection, 5xx): a create must then look before re-sending. A 429 or a refused connection
 * is not ambiguous.
 */
export function isAmbiguous(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case "status":
      return failure.status >= 500;
    case "timeout":
      return true;
    case "network":
      return !NOT_SENT_CODES.has(failure.code);
    case "aborted":
      return true;
  }
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Decides whether attempt number `attempt` (1-based, the one that just failed) is followed by another,
 * and after how long: the larger of the backoff and `Retry-After`, within the attempt and time budgets
 * and before the step's `deadline`. `startedAt` is when the first attempt started.
 */
export function decideRetry(
  policy: RetryPolicy,
  failure: AttemptFailure,
  attempt: number,
  startedAt: number,
  deadline?: Deadline,
): RetryDecision {
  if (!isRetryable(policy, failure)) return { retry: false, reason: "not retryable" };
  if (attempt >= policy.maxAttempts) return { retry: false, reason: `gave up after ${attempt} attempts` };
  const retryAfter = failure.kind === "status" ? failure.retryAfterMs : undefined;
  if (retryAfter !== undefined && retryAfter > policy.retryAfterCapMs) {
    return { retry: false, reason: `Retry-After ${retryAfter} ms exceeds retryAfterCapMs ${policy.retryAfterCapMs} ms` };
  }
  const delayMs = Math.max(backoffDelay(policy, attempt), retryAfter ?? 0);
  const elapsed = policy.now() - startedAt;
  if (elapsed + delayMs > policy.maxElapsedMs) {
    return { retry: false, reason: `gave up after ${attempt} attempts in ${elapsed} ms (maxElapsedMs ${policy.maxElapsedMs})` };
  }
  const left = deadline?.remainingMs();
  if (left !== undefined && delayMs >= left) {
    return { retry: false, reason: `gave up after ${attempt} attempts: the step's deadline comes before the next one` };
  }
  return { retry: true, delayMs };
}
