/**
 * One HTTP exchange with ModelArts or IAM, and the retry loop around it. Each attempt is built from
 * scratch: the body is serialised once, the query string is built here with the signer's encoder (so
 * the bytes signed are the bytes sent), authentication is applied afresh, and a timer bounds the
 * attempt. Axios is used only to move bytes: it never sees a params object, never follows
 * redirects, never parses JSON, and its errors are never rethrown (they carry headers).
 */
import axios, { type AxiosInstance } from "axios";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Authenticator } from "./auth";
import { errorFromResponse, errorFromTransport, notModelArts, type ErrorContext } from "./error-factory";
import { DeadlineReachedError, ModelArtsError, ModelArtsTimeoutError, redact } from "./errors";
import { parseWireJson, stringifyWireJson } from "./json";
import { readEnvelope } from "./envelope";
import type { AccountPace, CallKind, Pass } from "./pace";
import { decideRetry, parseRetryAfter, type AttemptFailure, type Deadline, type RetryPolicy } from "./retry";
import { uriEncode, type QueryMap } from "./signer";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** A debug logger; receives one line per attempt (method, path, status, duration, request id). */
export type DebugLogger = (line: string) => void;

export interface RequestSpec {
  method: HttpMethod;
  /** Absolute URL without a query, e.g. `https://host/v1/{project}/training-jobs`. */
  url: string;
  query?: QueryMap;
  /** A JSON value; serialised once (losslessly) and sent as exactly those bytes. */
  body?: unknown;
  /** Safe to send again after any failure (GET, PUT, DELETE, stop, token issue). */
  idempotent: boolean;
  /** Answers carry the `is_success` envelope (all ModelArts calls; not IAM). */
  envelope: boolean;
  /** Authenticate with this (absent for the IAM token call). */
  auth?: Authenticator;
  /** Extra headers (lower-case names), sent and signed. */
  headers?: Record<string, string>;
  context: ErrorContext;
  /** What the account's pace counts this call as. @default "call" */
  pace?: CallKind;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  requestId: string | undefined;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout in ms (overrides the transport's). */
  timeoutMs?: number;
  /** The end of the caller's step: no attempt or retry starts after it; idempotent attempts end at it. */
  deadline?: Deadline;
}

/** The outcome of one attempt. */
export type AttemptResult =
  | { ok: true; response: WireResponse }
  | {
      ok: false;
      failure: AttemptFailure;
      response?: WireResponse;
      rawText?: string;
      usedHeaders: Record<string, string>;
      /** The attempt's own timeout, in ms (shorter than the transport's near a deadline). */
      timeoutMs?: number;
    };

export interface TransportOptions {
  /** Per-attempt timeout, in milliseconds. */
  timeoutMs: number;
  policy: RetryPolicy;
  logger?: DebugLogger;
  /** `User-Agent`; defaults to `pulumi-modelarts/<version> node/<Node.js version>`. */
  userAgent?: string;
  /** For tests: a preconfigured axios instance. */
  axiosInstance?: AxiosInstance;
  /** The account's shared pace: every ModelArts attempt (not IAM's) waits its turn there. */
  pace?: AccountPace;
}

let cachedVersion: string | undefined;

/** This package's version, read from its package.json (works from the sources and from dist/). */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-modelarts" && typeof pkg.version === "string") {
        cachedVersion = pkg.version;
        return cachedVersion;
      }
    } catch {
      // not here: go up one folder
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  cachedVersion = "0.0.0-unknown";
  return cachedVersion;
}

export function defaultUserAgent(): string {
  // The Node.js version helps support and lets the tests see which runtime the provider runs on.
  return `pulumi-modelarts/${packageVersion()} node/${process.version}`;
}

/** Builds the query string exactly as the signer canonicalises it (sorted, same encoder). */
export function buildQueryString(query: QueryMap | undefined): string {
  if (!query) return "";
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    if (value === undefined) continue;
    const values = typeof value === "string" ? [value] : [...value];
    for (const v of values) pairs.push(`${uriEncode(name)}=${uriEncode(v)}`);
  }
  return pairs.join("&");
}

function lowerCaseHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

/** Node's error code of a failed request, looking through axios' wrapper and `cause`. */
function networkCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.cause?.code === "string" ? e.cause.code : typeof e.code === "string" ? e.code : undefined;
  if (code === undefined || code === "ERR_NETWORK" || code === "ERR_BAD_RESPONSE") {
    const message = String((error as { message?: unknown }).message ?? "");
    if (/socket hang up|aborted|ECONNRESET/i.test(message)) return "ECONNRESET";
    return code ?? "EUNKNOWN";
  }
  return code;
}

export class Transport {
  readonly #axios: AxiosInstance;
  readonly #options: TransportOptions;
  readonly #userAgent: string;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#userAgent = options.userAgent ?? defaultUserAgent();
    this.#axios =
      options.axiosInstance ??
      axios.create({
        maxRedirects: 0,
        responseType: "text",
        transformRequest: [(data: unknown) => data],
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        timeout: 0,
      });
  }

  get policy(): RetryPolicy {
    return this.#options.policy;
  }

  get timeoutMs(): number {
    return this.#options.timeoutMs;
  }

  /** Sends one attempt; never throws except for the caller's abort (rethrown as the signal's reason). */
  async attempt(spec: RequestSpec, options: SendOptions, attemptNumber: number): Promise<AttemptResult> {
    const signal = options.signal;
    if (signal?.aborted) throw signal.reason;
    const left = options.deadline?.remainingMs();
    if (left !== undefined && left <= 0) {
      throw new DeadlineReachedError(
        `${spec.context.operation} was not sent: the step's time ran out before it (raise the resource's timeouts)`,
        spec.context.operation,
      );
    }
    const pace = spec.context.iam ? undefined : this.#options.pace;
    const pass = pace
      ? await pace.acquire(spec.pace ?? "call", spec.context.operation, {
          ...(signal ? { signal } : {}),
          ...(options.deadline ? { deadline: options.deadline } : {}),
        })
      : undefined;
    try {
      return await this.#attempt(spec, options, attemptNumber, pass);
    } finally {
      pass?.done({});
    }
  }

  async #attempt(spec: RequestSpec, options: SendOptions, attemptNumber: number, pass: Pass | undefined): Promise<AttemptResult> {
    const signal = options.signal;
    const left = options.deadline?.remainingMs();
    const bodyText = spec.body === undefined ? undefined : stringifyWireJson(spec.body);
    const baseHeaders: Record<string, string> = { "content-type": "application/json", ...(spec.headers ?? {}) };
    const authHeaders = spec.auth ? await this.#authorize(spec, baseHeaders, bodyText, signal, left) : {};
    const headers: Record<string, string> = { ...baseHeaders, ...authHeaders, "user-agent": this.#userAgent };
    const qs = buildQueryString(spec.query);
    const fullUrl = qs === "" ? spec.url : `${spec.url}?${qs}`;
    const pathForLog = new URL(fullUrl).pathname + (qs === "" ? "" : `?${qs}`);
    const timeoutMs = attemptTimeout(spec, options, this.#options.timeoutMs);

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => controller.abort();
    signal?.addEventListener("abort", onCallerAbort, { once: true });
    const startedAt = Date.now();
    try {
      const res = await this.#axios.request<string>({
        method: spec.method,
        url: fullUrl,
        headers,
        data: bodyText,
        signal: controller.signal,
      });
      const responseHeaders = lowerCaseHeaders(res.headers as Record<string, unknown>);
      const requestId = responseHeaders["x-request-id"];
      const rawText = typeof res.data === "string" ? res.data : "";
      const body = parseWireJson(rawText);
      const response: WireResponse = { status: res.status, headers: responseHeaders, body, requestId };
      this.#log(spec.method, pathForLog, String(res.status), Date.now() - startedAt, requestId, attemptNumber);
      const success = isSuccessStatus(res.status) && (!spec.envelope || readEnvelope(body).isSuccess);
      if (success) return { ok: true, response };
      const retryAfterMs = parseRetryAfter(responseHeaders["retry-after"], this.#options.policy.now());
      if (isThrottle(res.status, retryAfterMs)) pass?.done({ throttledMs: retryAfterMs ?? null });
      const failure: AttemptFailure =
        retryAfterMs === undefined ? { kind: "status", status: res.status } : { kind: "status", status: res.status, retryAfterMs };
      return { ok: false, failure, response, rawText, usedHeaders: authHeaders };
    } catch (error) {
      if (signal?.aborted) {
        this.#log(spec.method, pathForLog, "aborted", Date.now() - startedAt, undefined, attemptNumber);
        throw signal.reason;
      }
      const failure: AttemptFailure = timedOut ? { kind: "timeout" } : { kind: "network", code: networkCode(error) };
      this.#log(
        spec.method,
        pathForLog,
        failure.kind === "timeout" ? "timeout" : failure.code,
        Date.now() - startedAt,
        undefined,
        attemptNumber,
      );
      return { ok: false, failure, usedHeaders: authHeaders, timeoutMs };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  /**
   * Authenticates one attempt. With a deadline, obtaining a token (its own call, with retries) is
   * bounded by the time left, so that a hanging IAM cannot carry the step past its timeout.
   */
  async #authorize(
    spec: RequestSpec,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
    leftMs: number | undefined,
  ): Promise<Record<string, string>> {
    const auth = spec.auth!;
    const request = { method: spec.method, url: spec.url, query: spec.query, headers, body };
    if (leftMs === undefined) return auth.authorize(request, signal);
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(leftMs)));
    try {
      return await auth.authorize(request, signal === undefined ? timeout : AbortSignal.any([signal, timeout]));
    } catch (error) {
      if (!timeout.aborted || signal?.aborted) throw error;
      throw new ModelArtsTimeoutError(
        `${spec.context.operation} could not authenticate before the step's time ran out (no token within ${leftMs} ms)`,
        spec.context.operation,
      );
    }
  }

  /**
   * One attempt, plus one immediate retry with fresh credentials after a 401 when the authenticator
   * can renew (at most once per call: `state` is shared by the call's attempts).
   */
  async exchange(spec: RequestSpec, options: SendOptions, attemptNumber: number, state: { renewed: boolean }): Promise<AttemptResult> {
    const result = await this.attempt(spec, options, attemptNumber);
    if (result.ok || state.renewed) return result;
    const f = result.failure;
    if (f.kind === "status" && f.status === 401 && spec.auth?.renewAfterRejection(result.usedHeaders)) {
      state.renewed = true;
      return this.attempt(spec, options, attemptNumber);
    }
    return result;
  }

  /**
   * Sends a request with the retry policy: idempotent requests are retried on transient failures;
   * any request is retried once with fresh credentials after a 401 when the authenticator can renew.
   * Rejects with a typed error (or the signal's reason on abort).
   */
  async send(spec: RequestSpec, options: SendOptions = {}): Promise<WireResponse> {
    const policy = this.#options.policy;
    const startedAt = policy.now();
    const state = { renewed: false };
    for (let attempt = 1; ; attempt++) {
      const result = await this.exchange(spec, options, attempt, state);
      if (result.ok) return result.response;
      if (spec.idempotent) {
        const decision = decideRetry(policy, result.failure, attempt, startedAt, options.deadline);
        if (decision.retry) {
          const paced = this.pacesThrottle(spec, result.failure);
          this.logRetry(spec, result.failure, paced ? this.#options.pace!.pauseRemainingMs() : decision.delayMs, attempt);
          // A throttle's wait is the account's pause, which the next attempt waits out with every other call.
          if (!paced) await policy.sleep(decision.delayMs, options.signal);
          continue;
        }
      }
      throw this.toError(spec, result, attempt, policy.now() - startedAt, options);
    }
  }

  /** True when `failure` is a throttle that the account's pace waits out (the retry needs no sleep of its own). */
  pacesThrottle(spec: RequestSpec, failure: AttemptFailure): boolean {
    return (
      this.#options.pace !== undefined && !spec.context.iam && failure.kind === "status" && isThrottle(failure.status, failure.retryAfterMs)
    );
  }

  /** Logs a coming retry (debug logger only). */
  logRetry(spec: RequestSpec, failure: AttemptFailure, delayMs: number, attempt: number): void {
    this.#options.logger?.(
      redact(
        `modelarts: retrying ${spec.method} ${new URL(spec.url).pathname} in ${delayMs} ms after ${describeFailure(failure)} (attempt ${attempt} of ${this.#options.policy.maxAttempts})`,
      ),
    );
  }

  /** The typed error for a failed attempt. */
  toError(
    spec: RequestSpec,
    result: Extract<AttemptResult, { ok: false }>,
    attempts: number,
    elapsedMs: number,
    options: SendOptions = {},
  ): ModelArtsError {
    const f = result.failure;
    // 401/403 keep their meaning (credentials) whatever the body; any other answer that is not JSON is not ModelArts'.
    if (
      f.kind === "status" &&
      f.status !== 401 &&
      f.status !== 403 &&
      result.response?.body === undefined &&
      (result.rawText ?? "").trim() !== ""
    ) {
      const contentType = result.response?.headers["content-type"];
      return notModelArts(
        {
          httpStatus: f.status,
          rawText: result.rawText!,
          ...(contentType !== undefined ? { contentType } : {}),
          ...(result.response?.requestId !== undefined ? { requestId: result.response.requestId } : {}),
        },
        spec.context,
        new URL(spec.url).origin,
      );
    }
    if (f.kind === "status") {
      const info = {
        httpStatus: f.status,
        body: result.response?.body,
        ...(result.rawText !== undefined ? { rawText: result.rawText } : {}),
        ...(result.response?.requestId !== undefined ? { requestId: result.response.requestId } : {}),
      };
      return errorFromResponse(info, spec.context);
    }
    return errorFromTransport(f, spec.context, {
      attempts,
      elapsedMs,
      timeoutMs: result.timeoutMs ?? options.timeoutMs ?? this.#options.timeoutMs,
      target: new URL(spec.url).origin,
    });
  }

  #log(method: string, path: string, status: string, ms: number, requestId: string | undefined, attempt: number): void {
    const logger = this.#options.logger;
    if (!logger) return;
    const rid = requestId === undefined ? "" : ` request-id=${requestId}`;
    logger(redact(`modelarts: ${method} ${path} -> ${status} in ${ms} ms (attempt ${attempt})${rid}`));
  }
}

/**
 * The timeout of one attempt: the call's or the transport's, cut to the time left before the step's
 * deadline for idempotent requests (a POST that creates runs its whole timeout: cutting it short
 * would leave unknown whether the service acted on it).
 */
function attemptTimeout(spec: RequestSpec, options: SendOptions, transportMs: number): number {
  const timeoutMs = options.timeoutMs ?? transportMs;
  const left = options.deadline?.remainingMs();
  if (left === undefined || !spec.idempotent) return timeoutMs;
  return Math.max(1, Math.min(timeoutMs, Math.ceil(left)));
}

/** A throttle: 429, or a 503 that says when to come back. */
export function isThrottle(status: number, retryAfterMs: number | undefined): boolean {
  return status === 429 || (status === 503 && retryAfterMs !== undefined);
}

/**
 * The success statuses of the status table (§5.2 of the API reference): 200 to 204. Anything else in
 * 2xx (205 Reset Content, 206 Partial Content, an undefined 299) is not an answer the calls document.
 */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 204;
}

export function describeFailure(f: AttemptFailure): string {
  switch (f.kind) {
    case "status":
      return `HTTP ${f.status}${f.retryAfterMs !== undefined ? ` (Retry-After ${f.retryAfterMs} ms)` : ""}`;
    case "timeout":
      return "a timeout";
    case "network":
      return f.code;
    case "aborted":
      return "an abort";
  }
}
