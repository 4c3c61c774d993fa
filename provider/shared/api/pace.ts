/**
 * One pace per account. Every ModelArts call of one account (endpoint + credentials) in the
 * provider process draws from the same `AccountPace`: a token bucket for all calls (the
 * configurable ceiling), a second one for list/search calls (1 a second, a burst of 10), and one
 * shared pause when the service throttles. A 429 (or a 503 with `Retry-After`) pauses every call of
 * the account until `Retry-After` has passed (at least 2 s; without the header 2 s, doubling up to
 * 60 s while the throttling goes on); no call is sent inside that pause, and when it ends a single
 * call goes first (one retry chain per account, not one per job): the others follow once it was
 * answered without a throttle.
 *
 * A token bucket is a few lines; a library such as bottleneck or p-limit would bring its own
 * timers (not the injected clock that tests and the step deadlines rely on) and no shared pause.
 */
import { createHash } from "node:crypto";
import { ConfigurationError, DeadlineReachedError } from "./errors";
import { REAL_CLOCK, type Deadline } from "./retry";

/** The pace of one account, as data. */
export interface PaceOptions {
  /**
   * Ceiling of all calls of one account, per second (`modelarts:maxRequestsPerSecond`).
   * @default 10
   */
  maxRequestsPerSecond?: number;
  /**
   * List and search calls per second (never above `maxRequestsPerSecond`).
   * @default 1
   */
  listsPerSecond?: number;
  /**
   * Calls that may go at once after a quiet spell, in each bucket.
   * @default 10
   */
  burst?: number;
  /**
   * Pause after a throttle without `Retry-After`, and the least pause with one, in ms; it doubles
   * while the throttling goes on, up to `maxPauseMs`.
   * @default 2000
   */
  minPauseMs?: number;
  /** @default 60000 */
  maxPauseMs?: number;
}

export const DEFAULT_PACE: Readonly<Required<PaceOptions>> = Object.freeze({
  maxRequestsPerSecond: 10,
  listsPerSecond: 1,
  burst: 10,
  minPauseMs: 2_000,
  maxPauseMs: 60_000,
});

/** The clock a pace runs on; `sleep` rejects with the signal's reason when it is aborted. */
export interface PaceClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Validates pace options up front, with the numbers in the message. */
export function resolvePace(options: PaceOptions = {}): Readonly<Required<PaceOptions>> {
  const o = { ...DEFAULT_PACE, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const positive = (name: string, value: number) => {
    if (!(Number.isFinite(value) && value > 0)) throw new ConfigurationError(`pace option ${name} must be a number above 0; got ${value}`);
  };
  positive("maxRequestsPerSecond", o.maxRequestsPerSecond);
  positive("listsPerSecond", o.listsPerSecond);
  if (!Number.isInteger(o.burst) || o.burst < 1)
    throw new ConfigurationError(`pace option burst must be a whole number of at least 1; got ${o.burst}`);
  positive("minPauseMs", o.minPauseMs);
  if (!(o.maxPauseMs >= o.minPauseMs)) {
    throw new ConfigurationError(`pace option maxPauseMs (${o.maxPauseMs}) must not be below minPauseMs (${o.minPauseMs})`);
  }
  return Object.freeze(o);
}

/**
 * Tokens refilled at `rate` a second up to `capacity`. A caller takes a token only when one is there
 * (`waitMs` says how long until then): a caller that wakes late, after a stall of its process, takes
 * what is there then, so no window ever sees more calls than `capacity + rate × window`. (Reserving
 * tokens ahead, as an earlier version did, let callers woken together by a stall send together.)
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  /** How long (ms) until a token is there (0: now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
  }

  /** Takes one token, which must be there ({@link waitMs} 0). */
  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** Tokens there now. */
  level(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) * this.rate) / 1000);
    this.at = Math.max(this.at, now);
  }
}

/** What a call of the account is, for the pace. */
export type CallKind = "list" | "call";

/** A call let through; `done` must be called once with how its attempt ended. */
export interface Pass {
  /** `throttledMs`: the service throttled it (the `Retry-After` in ms, or null without one). */
  done(outcome: { throttledMs?: number | null }): void;
}

/** A pause that began: how long, and why. */
export interface PauseNotice {
  ms: number;
  until: number;
  retryAfterMs: number | null;
}

/** What an account's pace has done, for tests and benchmarks. */
export interface PaceStats {
  /** Calls let through (attempts sent). */
  sent: number;
  lists: number;
  /** Throttles reported (429, or 503 with Retry-After). */
  throttles: number;
  /** Calls that waited for a token, a pause or the first call after a pause. */
  waited: number;
}

/** The pace shared by every call of one account. */
export class AccountPace {
  private options: Readonly<Required<PaceOptions>>;
  private all: TokenBucket;
  private lists: TokenBucket;
  private pausedUntil = 0;
  private pauseStartedAt = -Infinity;
  private nextPauseMs: number;
  /** After a pause: the next call goes alone. */
  private probeNext = false;
  private probe: Promise<void> | undefined;
  private endProbe: (() => void) | undefined;
  private readonly listeners = new Set<(notice: PauseNotice) => void>();
  readonly stats: PaceStats = { sent: 0, lists: 0, throttles: 0, waited: 0 };

  constructor(
    options: PaceOptions,
    private readonly clock: PaceClock,
  ) {
    this.options = resolvePace(options);
    const now = clock.now();
    this.all = new TokenBucket(this.options.maxRequestsPerSecond, this.options.burst, now);
    this.lists = new TokenBucket(Math.min(this.options.listsPerSecond, this.options.maxRequestsPerSecond), this.options.burst, now);
    this.nextPauseMs = this.options.minPauseMs;
  }

  /** The options in force. */
  get settings(): Readonly<Required<PaceOptions>> {
    return this.options;
  }

  /** Applies other options (a later configuration of the same account); the buckets start full again. */
  reconfigure(options: PaceOptions): void {
    const next = resolvePace(options);
    if (JSON.stringify(next) === JSON.stringify(this.options)) return;
    this.options = next;
    const now = this.clock.now();
    this.all = new TokenBucket(next.maxRequestsPerSecond, next.burst, now);
    this.lists = new TokenBucket(Math.min(next.listsPerSecond, next.maxRequestsPerSecond), next.burst, now);
  }

  /** Milliseconds left of the current pause (0: none). */
  pauseRemainingMs(): number {
    return Math.max(0, this.pausedUntil - this.clock.now());
  }

  /** Calls `listener` whenever a pause begins; returns the unsubscribe. */
  onPause(listener: (notice: PauseNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Waits until a call of `kind` may be sent: after any pause, after the first call that follows a
   * pause, and for a token. Rejects with the signal's reason on abort, and with a
   * `DeadlineReachedError` (nothing sent) when the wait would end after `deadline`.
   */
  async acquire(kind: CallKind, operation: string, options: { signal?: AbortSignal; deadline?: Deadline } = {}): Promise<Pass> {
    let waited = false;
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason;
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        waited = true;
        await this.wait(this.pausedUntil - now, operation, "the service throttled this account", options);
        continue;
      }
      if (this.probe) {
        waited = true;
        await this.waitFor(this.probe, operation, options);
        continue;
      }
      const ms = Math.max(this.all.waitMs(now), kind === "list" ? this.lists.waitMs(now) : 0);
      if (ms > 0) {
        waited = true;
        await this.wait(ms, operation, "the account's pace", options);
        continue;
      }
      this.all.take(now);
      if (kind === "list") this.lists.take(now);
      if (waited) this.stats.waited++;
      this.stats.sent++;
      if (kind === "list") this.stats.lists++;
      return this.pass();
    }
  }

  /**
   * Starts (or lengthens) the account's pause after a throttle. `sentAt`: when the throttled call
   * was let through; a call sent before the current pause began was throttled by the same spell, so
   * it neither doubles the pause nor announces another.
   */
  throttled(retryAfterMs: number | null, sentAt?: number): PauseNotice | undefined {
    this.stats.throttles++;
    const now = this.clock.now();
    if (sentAt !== undefined && sentAt < this.pauseStartedAt) {
      if (retryAfterMs !== null) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
      return undefined;
    }
    const ms = retryAfterMs === null ? this.nextPauseMs : Math.max(retryAfterMs, this.options.minPauseMs);
    if (retryAfterMs === null) this.nextPauseMs = Math.min(this.nextPauseMs * 2, this.options.maxPauseMs);
    this.pauseStartedAt = now;
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
    this.probeNext = true;
    const notice: PauseNotice = { ms: this.pausedUntil - now, until: this.pausedUntil, retryAfterMs };
    for (const listener of this.listeners) listener(notice);
    return notice;
  }

  private pass(): Pass {
    const sentAt = this.clock.now();
    let probing = false;
    if (this.probeNext) {
      this.probeNext = false;
      probing = true;
      this.probe = new Promise<void>((resolve) => (this.endProbe = resolve));
    }
    let settled = false;
    return {
      done: ({ throttledMs }) => {
        if (settled) return;
        settled = true;
        if (throttledMs !== undefined) this.throttled(throttledMs, sentAt);
        else if (probing || this.pausedUntil <= this.clock.now()) this.nextPauseMs = this.options.minPauseMs;
        if (probing) {
          this.probe = undefined;
          this.endProbe?.();
          this.endProbe = undefined;
        }
      },
    };
  }

  private async wait(ms: number, operation: string, why: string, options: { signal?: AbortSignal; deadline?: Deadline }): Promise<void> {
    const left = options.deadline?.remainingMs();
    if (left !== undefined && ms >= left) {
      throw new DeadlineReachedError(
        `${operation} was not sent: ${why} asked for a wait of ${Math.ceil(ms / 1000)} s, past the step's deadline (raise the resource's timeouts)`,
        operation,
      );
    }
    await this.clock.sleep(ms, options.signal);
  }

  /**
   * Waits for the first call after a pause to be answered. No timer of its own: that call is bounded
   * by its own attempt timeout and deadline (and a test clock's sleep would move time at once).
   */
  private async waitFor(probe: Promise<void>, operation: string, options: { signal?: AbortSignal; deadline?: Deadline }): Promise<void> {
    const left = options.deadline?.remainingMs();
    if (left !== undefined && left <= 0) {
      throw new DeadlineReachedError(
        `${operation} was not sent: the first call after the service throttled this account did not finish before the step's deadline`,
        operation,
      );
    }
    const signal = options.signal;
    if (!signal) return probe;
    const stop = new AbortController();
    try {
      await Promise.race([
        probe,
        new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener("abort", () => reject(signal.reason), { once: true, signal: stop.signal });
        }),
      ]);
    } finally {
      stop.abort();
    }
  }
}

/** The paces of the accounts of one clock (one per provider process, or per test). */
export class PaceRegistry {
  private readonly paces = new Map<string, AccountPace>();

  constructor(readonly clock: PaceClock) {}

  /** The pace of the account `key` (see {@link accountKey}), made on first use with `options`. */
  paceFor(key: string, options: PaceOptions = {}): AccountPace {
    let pace = this.paces.get(key);
    if (!pace) {
      pace = new AccountPace(options, this.clock);
      this.paces.set(key, pace);
    } else {
      pace.reconfigure(options);
    }
    return pace;
  }

  /** Every account's pace, by key (benchmarks). */
  entries(): ReadonlyMap<string, AccountPace> {
    return this.paces;
  }
}

/**
 * The key of an account: the endpoint and the credentials' identity, hashed so that no secret (a
 * token) is kept as a key. Two configurations of the same account share one pace.
 */
export function accountKey(endpoint: string, identity: readonly string[]): string {
  return createHash("sha256")
    .update(JSON.stringify([endpoint, ...identity]))
    .digest("hex")
    .slice(0, 32);
}

const shared = new PaceRegistry({ now: REAL_CLOCK.now, sleep: REAL_CLOCK.sleep });

/** The process-wide registry on the real clock. */
export function processPaces(): PaceRegistry {
  return shared;
}
