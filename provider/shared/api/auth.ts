/**
 * The three ways to authenticate a ModelArts call (docs/api-v1.md §6): AK/SK signing of
 * every attempt, an IAM token obtained with a password (cached, renewed before it expires, shared by
 * concurrent callers, renewed once after a 401), or a token given by the user (never renewable).
 * Credentials live in private fields: they do not show in `util.inspect`, JSON or `toString()`.
 */
import { inspect } from "node:util";
import { registerSecret } from "./errors";
import type { AuthKind } from "./error-factory";
import { signRequest, type QueryMap } from "./signer";

/** The parts of a request that authentication needs (the exact bytes that are sent). */
export interface AuthRequest {
  method: string;
  /** Absolute URL without the query. */
  url: string;
  query?: QueryMap;
  /** Headers that are sent and, for AK/SK, signed (lower-case names). */
  headers: Record<string, string>;
  /** The exact body text that is sent, if any. */
  body?: string;
}

export interface Authenticator {
  readonly kind: AuthKind;
  /** Headers that authenticate this attempt; called again for every attempt (a fresh signature). */
  authorize(request: AuthRequest, signal?: AbortSignal): Promise<Record<string, string>>;
  /**
   * Called after a 401 answer to a request that carried `used`; true if fresh credentials will be
   * used next time, so that one retry makes sense.
   */
  renewAfterRejection(used: Record<string, string>): boolean;
  /** A description without secrets, e.g. `AK/SK (access key AKEXAMPLE…)`. */
  describe(): string;
}

abstract class BaseAuthenticator implements Authenticator {
  abstract readonly kind: AuthKind;
  abstract authorize(request: AuthRequest, signal?: AbortSignal): Promise<Record<string, string>>;
  renewAfterRejection(_used: Record<string, string>): boolean {
    return false;
  }
  abstract describe(): string;
  toString(): string {
    return this.describe();
  }
  toJSON(): string {
    return this.describe();
  }
  [inspect.custom](): string {
    return this.describe();
  }
}

export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

/** AK/SK (`SDK-HMAC-SHA256`): signs every attempt afresh, with a new `X-Sdk-Date`. */
export class AkSkAuthenticator extends BaseAuthenticator {
  readonly kind = "aksk" as const;
  readonly #credentials: AkSkCredentials;
  readonly #now: () => number;
  constructor(credentials: AkSkCredentials, now: () => number = Date.now) {
    super();
    registerSecret(credentials.secretKey);
    registerSecret(credentials.securityToken);
    this.#credentials = { ...credentials };
    this.#now = now;
  }
  async authorize(request: AuthRequest): Promise<Record<string, string>> {
    const signed = signRequest(
      {
        method: request.method,
        url: request.url,
        query: request.query,
        headers: request.headers,
        body: request.body,
        now: new Date(this.#now()),
      },
      this.#credentials,
    );
    return signed;
  }
  describe(): string {
    const temporary = this.#credentials.securityToken ? ", temporary" : "";
    return `AK/SK (access key ${this.#credentials.accessKey}${temporary})`;
  }
}

/** A token the user obtained elsewhere, sent as `X-Auth-Token`; it cannot be renewed. */
export class StaticTokenAuthenticator extends BaseAuthenticator {
  readonly kind = "token" as const;
  readonly #token: string;
  constructor(token: string) {
    super();
    registerSecret(token);
    this.#token = token;
  }
  async authorize(): Promise<Record<string, string>> {
    return { "x-auth-token": this.#token };
  }
  describe(): string {
    return "IAM token (given)";
  }
}

/** What a password authenticator needs to issue a token. */
export interface IamTokenIssuer {
  /** Issues a token: POST /v3/auth/tokens. Rejects with a typed error. */
  (signal?: AbortSignal): Promise<IssuedToken>;
}

export interface IssuedToken {
  token: string;
  /** Time to live as the service states it (expires_at − issued_at), in ms, if known. */
  ttlMs?: number;
  /** Absolute expiry by the service's clock, in ms, if known (used when the TTL is unknown). */
  expiresAtMs?: number;
}

export interface PasswordAuthOptions {
  /**
   * Renew this long before the token expires, in milliseconds; for short-lived tokens at most a
   * fifth of their lifetime.
   * @default 300000 (5 minutes)
   */
  renewMarginMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Lifetime assumed when IAM states none (its documented validity). */
const DEFAULT_TOKEN_TTL_MS = 24 * 3600_000;

/**
 * IAM password authentication: a project-scoped token, cached in memory, renewed before it expires.
 * Concurrent callers share one issuance; a 401 drops the token that was rejected so that the next
 * attempt gets a new one.
 */
export class PasswordAuthenticator extends BaseAuthenticator {
  readonly kind = "password" as const;
  readonly #issue: IamTokenIssuer;
  readonly #user: string;
  readonly #renewMarginMs: number;
  readonly #now: () => number;
  #cached: { token: string; renewAt: number } | undefined;
  #inflight: Promise<string> | undefined;
  /** How many tokens have been issued (observable, for tests and debugging). */
  issuedCount = 0;

  constructor(issue: IamTokenIssuer, user: string, options: PasswordAuthOptions = {}) {
    super();
    this.#issue = issue;
    this.#user = user;
    this.#renewMarginMs = options.renewMarginMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  async authorize(_request: AuthRequest, signal?: AbortSignal): Promise<Record<string, string>> {
    return { "x-auth-token": await this.token(signal) };
  }

  /** The current token, issuing a new one when there is none or it is due for renewal. */
  async token(signal?: AbortSignal): Promise<string> {
    const cached = this.#cached;
    if (cached !== undefined && this.#now() < cached.renewAt) return cached.token;
    if (this.#inflight === undefined) {
      // The shared issuance is not tied to one caller's signal: another caller may still need it.
      this.#inflight = this.#renew().finally(() => {
        this.#inflight = undefined;
      });
    }
    return abortable(this.#inflight, signal);
  }

  async #renew(): Promise<string> {
    const startedAt = this.#now();
    const issued = await this.#issue();
    registerSecret(issued.token);
    this.issuedCount++;
    const ttl = issued.ttlMs ?? (issued.expiresAtMs !== undefined ? Math.max(0, issued.expiresAtMs - startedAt) : DEFAULT_TOKEN_TTL_MS);
    const margin = Math.min(this.#renewMarginMs, ttl / 5);
    this.#cached = { token: issued.token, renewAt: startedAt + ttl - margin };
    return issued.token;
  }

  renewAfterRejection(used: Record<string, string>): boolean {
    const rejected = used["x-auth-token"];
    if (this.#cached !== undefined && this.#cached.token === rejected) this.#cached = undefined;
    return true;
  }

  describe(): string {
    return `IAM password (user ${this.#user})`;
  }
}

/** Awaits a promise, but rejects early with the signal's reason if it is aborted. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
