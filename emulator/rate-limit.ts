/**
 * The API gateway's per-account rate limit, on demand: each account (access key, token, or none)
 * gets a token bucket of `requestsPerSecond`; a request that finds it empty is answered 429 with
 * `Retry-After` and the gateway's code (`APIGW.0308`, or ModelArts' own `ModelArts.2799`), and so is
 * every request of that account until the Retry-After has passed. It counts what a client must not
 * do: requests sent inside a Retry-After it was given. Real time, like the gateway.
 */
import { createHash } from "node:crypto";
import { ApiFault } from "./errors";

/** The switch: a limit per account. */
export interface RateLimit {
  /** Requests per second per account (may be below 1). */
  requestsPerSecond: number;
  /** Requests that may go at once after a quiet spell. @default max(1, requestsPerSecond) */
  burst?: number;
  /** The code of the 429. @default "APIGW.0308" */
  code?: "APIGW.0308" | "ModelArts.2799";
  /** Retry-After, in whole seconds; by default the time until a request would be let through (at least 1). */
  retryAfterSeconds?: number;
}

/** What the limit has done since it was set. */
export interface RateLimitState {
  limit: (Required<Omit<RateLimit, "retryAfterSeconds">> & { retryAfterSeconds?: number }) | null;
  /** Requests answered 429 by the limit. */
  throttled: number;
  /**
   * Requests that arrived while their account was inside a Retry-After it had been given (later than
   * the throttled request itself: one of the same instant was in flight with it).
   */
  insideRetryAfter: number;
  /** Requests let through. */
  passed: number;
  /** Per account (a hash of its key): passed, throttled, inside a Retry-After. */
  accounts: Record<string, { passed: number; throttled: number; insideRetryAfter: number }>;
}

interface Account {
  tokens: number;
  at: number;
  blockedUntil: number;
  blockedFrom: number;
  passed: number;
  throttled: number;
  insideRetryAfter: number;
}

/** The account a request belongs to: its access key, its token, or none (hashed, so no token is kept). */
export function accountOf(headers: Record<string, string | string[] | undefined>): string {
  const authorization = String(headers["authorization"] ?? "");
  const access = /Access=([^,\s]+)/.exec(authorization)?.[1];
  const token = headers["x-auth-token"];
  const key = access !== undefined ? `ak:${access}` : typeof token === "string" && token !== "" ? `token:${token}` : "anonymous";
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

export class RateLimiter {
  private limit: RateLimitState["limit"] = null;
  private accounts = new Map<string, Account>();
  private counts = { throttled: 0, insideRetryAfter: 0, passed: 0 };

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Sets the limit (null: off); the counts start again. */
  set(limit: RateLimit | null): RateLimitState {
    if (limit !== null) {
      const rps = Number(limit.requestsPerSecond);
      if (!(Number.isFinite(rps) && rps > 0))
        throw new RangeError(`requestsPerSecond must be a number above 0; got ${limit.requestsPerSecond}`);
      const burst = limit.burst ?? Math.max(1, Math.floor(rps));
      if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burst must be a whole number of at least 1; got ${limit.burst}`);
      const code = limit.code ?? "APIGW.0308";
      if (code !== "APIGW.0308" && code !== "ModelArts.2799")
        throw new RangeError(`code must be "APIGW.0308" or "ModelArts.2799"; got ${code}`);
      if (limit.retryAfterSeconds !== undefined && !(Number.isInteger(limit.retryAfterSeconds) && limit.retryAfterSeconds >= 1)) {
        throw new RangeError(`retryAfterSeconds must be a whole number of at least 1; got ${limit.retryAfterSeconds}`);
      }
      this.limit = {
        requestsPerSecond: rps,
        burst,
        code,
        ...(limit.retryAfterSeconds !== undefined ? { retryAfterSeconds: limit.retryAfterSeconds } : {}),
      };
    } else {
      this.limit = null;
    }
    this.accounts = new Map();
    this.counts = { throttled: 0, insideRetryAfter: 0, passed: 0 };
    return this.state();
  }

  state(): RateLimitState {
    const accounts: RateLimitState["accounts"] = {};
    for (const [key, a] of this.accounts)
      accounts[key] = { passed: a.passed, throttled: a.throttled, insideRetryAfter: a.insideRetryAfter };
    return { limit: this.limit, ...this.counts, accounts };
  }

  /** The 429 for a request of `account`, or undefined when it may pass. */
  decide(account: string): ApiFault | undefined {
    const limit = this.limit;
    if (!limit) return undefined;
    const now = this.now();
    let a = this.accounts.get(account);
    if (!a) {
      a = { tokens: limit.burst, at: now, blockedUntil: 0, blockedFrom: 0, passed: 0, throttled: 0, insideRetryAfter: 0 };
      this.accounts.set(account, a);
    }
    a.tokens = Math.min(limit.burst, a.tokens + ((now - a.at) * limit.requestsPerSecond) / 1000);
    a.at = now;
    if (now < a.blockedUntil) {
      // A request of the very instant of the 429 was in flight with it, not sent after the client heard it.
      if (now > a.blockedFrom) {
        a.insideRetryAfter++;
        this.counts.insideRetryAfter++;
      }
      return this.throttle(a, limit, Math.ceil((a.blockedUntil - now) / 1000));
    }
    if (a.tokens >= 1) {
      a.tokens -= 1;
      a.passed++;
      this.counts.passed++;
      return undefined;
    }
    const untilToken = Math.max(1, Math.ceil(((1 - a.tokens) * 1000) / limit.requestsPerSecond / 1000));
    const seconds = limit.retryAfterSeconds ?? untilToken;
    a.blockedUntil = now + seconds * 1000;
    a.blockedFrom = now;
    return this.throttle(a, limit, seconds);
  }

  private throttle(a: Account, limit: NonNullable<RateLimitState["limit"]>, seconds: number): ApiFault {
    a.throttled++;
    this.counts.throttled++;
    const message =
      limit.code === "APIGW.0308"
        ? "The throttling threshold has been reached: policy user over ratelimit"
        : "Too many requests, please try again later";
    return new ApiFault(429, limit.code, message, { "Retry-After": String(seconds) });
  }
}
