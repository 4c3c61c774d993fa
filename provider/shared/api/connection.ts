/**
 * `Connection`: what every ModelArts API client needs, whatever the API version: one `Transport`
 * with the retry policy of `retry.ts`, one authenticator (AK/SK signing, an IAM password token, or
 * a given token), the IAM token call, request specs and error contexts, the mapping guard, and the
 * create loop that never re-sends an ambiguous create. The v1 client (`provider/v1/api/client.ts`)
 * and the v2 client (`provider/v2/api/client.ts`) each hold one and add their own paths and shapes.
 */
import { AkSkAuthenticator, PasswordAuthenticator, StaticTokenAuthenticator, type Authenticator, type IssuedToken } from "./auth";
import type { ResolvedClientConfig } from "./config";
import { iamTokenUrl } from "./endpoints";
import { errorFromResponse, isNameConflict, type ErrorContext } from "./error-factory";
import { ModelArtsApiError, ModelArtsError } from "./errors";
import type { WireIamError, WireIamTokenRequest, WireIamTokenResponse } from "./iam-wire";
import { accountKey, PaceRegistry, processPaces, type AccountPace, type CallKind, type PaceOptions } from "./pace";
import { decideRetry, isAmbiguous, isRetryable, resolveRetryPolicy, type Clock, type RetryOptions, type RetryPolicy } from "./retry";
import { uriEncode, type QueryMap } from "./signer";
import { WireFormatError } from "./wire-format";
import { Transport, type DebugLogger, type HttpMethod, type RequestSpec, type SendOptions, type WireResponse } from "./transport";

/** Options of a client that are not configuration (code, not stack config); the same for both versions. */
export interface ClientOptions {
  /** Debug logger: one line per attempt (method, path, status, duration, request id); never headers or bodies. */
  logger?: DebugLogger;
  /** Overrides of the retry policy (on top of the configuration's). */
  retry?: RetryOptions;
  /** Injected clock (tests): `now`, `sleep`, `random`. */
  clock?: Partial<Clock>;
  /**
   * Password auth: renew the token this long before it expires (at most a fifth of its lifetime).
   * @default 300000
   */
  tokenRenewMarginMs?: number;
  /** `User-Agent`; defaults to `pulumi-modelarts/<package version> node/<Node.js version>`. */
  userAgent?: string;
  /**
   * Where the account's pace is shared. @default the process's (`processPaces()`), or, with an
   * injected `clock`, a registry of this connection alone on that clock
   */
  paces?: PaceRegistry;
  /** Overrides of the pace (on top of the configuration's). */
  pace?: PaceOptions;
}

/**
 * What differs between the API versions at the HTTP level: the path prefix (`v1`, `v2`) and whether
 * a success must also carry `is_success: true` (v1 only; v2 answers are the resource itself).
 */
export interface ApiDialect {
  version: string;
  envelope: boolean;
}

/** Extra parts of one request. */
export interface RequestParts {
  query?: QueryMap;
  body?: unknown;
  /** @default true except for POST */
  idempotent?: boolean;
  /** A list or search call: it draws from the account's list pace too. */
  pace?: CallKind;
}

export class Connection {
  readonly projectId: string;
  /** ModelArts base URL, e.g. `https://modelarts.eu-de.otc.t-systems.com`. */
  readonly endpoint: string;
  readonly transport: Transport;
  readonly policy: RetryPolicy;
  /** The pace shared by every call of this account in the process (`pace.ts`). */
  readonly pace: AccountPace;
  readonly #config: ResolvedClientConfig;
  readonly #auth: Authenticator;

  constructor(config: ResolvedClientConfig, options: ClientOptions = {}) {
    this.#config = config;
    this.projectId = config.projectId;
    this.endpoint = config.endpoint;
    this.policy = resolveRetryPolicy({ ...config.retry, ...(options.retry ?? {}) }, options.clock ?? {});
    const paces = options.paces ?? (options.clock ? new PaceRegistry({ now: this.policy.now, sleep: this.policy.sleep }) : processPaces());
    this.pace = paces.paceFor(accountKey(config.endpoint, identityOf(config)), { ...config.pace, ...(options.pace ?? {}) });
    this.transport = new Transport({
      timeoutMs: config.requestTimeoutMs,
      policy: this.policy,
      pace: this.pace,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
    });
    this.#auth = this.#makeAuthenticator(options);
  }

  /** The authentication method in use, without secrets. */
  get authentication(): string {
    return this.#auth.describe();
  }

  /** For password authentication: how many IAM tokens this connection has obtained. */
  get tokensIssued(): number {
    return this.#auth instanceof PasswordAuthenticator ? this.#auth.issuedCount : 0;
  }

  /** The context that fills error messages: the operation, the project and the authentication kind. */
  context(operation: string, extra: Partial<ErrorContext> = {}): ErrorContext {
    return { operation, projectId: this.projectId, auth: this.#auth?.kind ?? this.#config.auth.kind, ...extra };
  }

  /** A request to `{endpoint}/{version}/{project_id}{path}`, authenticated. */
  spec(dialect: ApiDialect, method: HttpMethod, path: string, context: ErrorContext, parts: RequestParts = {}): RequestSpec {
    if (context.api === undefined && (dialect.version === "v1" || dialect.version === "v2")) context.api = dialect.version;
    return {
      method,
      url: `${this.endpoint}/${dialect.version}/${uriEncode(this.projectId)}${path}`,
      ...(parts.query !== undefined ? { query: parts.query } : {}),
      ...(parts.body !== undefined ? { body: parts.body } : {}),
      idempotent: parts.idempotent ?? method !== "POST",
      envelope: dialect.envelope,
      auth: this.#auth,
      headers: { "x-project-id": this.projectId },
      context,
      ...(parts.pace !== undefined ? { pace: parts.pace } : {}),
    };
  }

  /** Sends with the shared retry policy (idempotent requests retried on transient failures). */
  send(spec: RequestSpec, options: SendOptions = {}): Promise<WireResponse> {
    return this.transport.send(spec, options);
  }

  /**
   * Sends a create. A failure after which the service provably did nothing (429, refused connection)
   * is re-sent; any other failure is thrown at once, ambiguous ones (5xx, timeout, dropped connection)
   * included: whether the service made the job then is for the caller to settle by looking, with the
   * evidence only it has (docs/ownership.md). The POST is never re-sent blindly.
   */
  async sendCreate(spec: RequestSpec, options: SendOptions = {}): Promise<WireResponse> {
    const startedAt = this.policy.now();
    const state = { renewed: false };
    let refused: ModelArtsError | undefined;
    for (let attempt = 1; ; attempt++) {
      const result = await this.transport.exchange(spec, options, attempt, state);
      if (result.ok) return result.response;
      const error = this.transport.toError(spec, result, attempt, this.policy.now() - startedAt, options);
      // "Name exists" after a refused attempt: that attempt may have made the job after all, so the
      // outcome is as unknown as after a 5xx; the caller gets the refusal and looks.
      if (refused !== undefined && isNameConflict(error)) throw refused;
      if (!isRetryable(this.policy, result.failure) || isAmbiguous(result.failure)) throw error;
      refused = error;
      const decision = decideRetry(this.policy, result.failure, attempt, startedAt, options.deadline);
      if (!decision.retry) throw error;
      this.transport.logRetry(spec, result.failure, decision.delayMs, attempt);
      if (!this.transport.pacesThrottle(spec, result.failure)) await this.policy.sleep(decision.delayMs, options.signal);
    }
  }

  /** Runs a mapping; a malformed answer becomes a `ModelArtsApiError` naming the operation. */
  map<T>(fn: () => T, response: WireResponse, ctx: ErrorContext): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof WireFormatError) {
        throw new ModelArtsApiError(`unexpected answer while trying to ${ctx.operation}: ${error.message}`, {
          httpStatus: response.status,
          operation: ctx.operation,
          ...(response.requestId !== undefined ? { requestId: response.requestId } : {}),
        });
      }
      throw error;
    }
  }

  #makeAuthenticator(options: ClientOptions): Authenticator {
    const auth = this.#config.auth;
    switch (auth.kind) {
      case "aksk":
        return new AkSkAuthenticator(
          { accessKey: auth.accessKey, secretKey: auth.secretKey, ...(auth.securityToken ? { securityToken: auth.securityToken } : {}) },
          this.policy.now,
        );
      case "token":
        return new StaticTokenAuthenticator(auth.token);
      case "password": {
        const iam = this.#config.iamEndpoint;
        if (iam === undefined) {
          // resolveClientConfig guarantees it; a hand-built config may not.
          throw new ModelArtsApiError("IAM password authentication needs iamEndpoint", {
            httpStatus: 0,
            operation: "configure the client",
          });
        }
        const issue = (signal?: AbortSignal) => this.#issueToken(iamTokenUrl(iam), auth, signal);
        return new PasswordAuthenticator(issue, auth.username, {
          now: this.policy.now,
          ...(options.tokenRenewMarginMs !== undefined ? { renewMarginMs: options.tokenRenewMarginMs } : {}),
        });
      }
    }
  }

  async #issueToken(
    url: string,
    auth: Extract<ResolvedClientConfig["auth"], { kind: "password" }>,
    signal?: AbortSignal,
  ): Promise<IssuedToken> {
    const body: WireIamTokenRequest = {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: auth.username, password: auth.password, domain: { name: auth.domainName } } },
        },
        scope: { project: { name: auth.projectName } },
      },
    };
    const context: ErrorContext = {
      operation: `obtain an IAM token for user "${auth.username}" in domain "${auth.domainName}"`,
      iam: true,
      iamUser: auth.username,
      iamDomain: auth.domainName,
      auth: "none",
    };
    // Issuing a token has no side effect worth protecting: safe to repeat.
    const response = await this.transport.send(
      { method: "POST", url, body, idempotent: true, envelope: false, context },
      signal !== undefined ? { signal } : {},
    );
    const token = response.headers["x-subject-token"];
    if (response.status !== 201 && response.status !== 200) {
      throw errorFromResponse({ httpStatus: response.status, body: response.body as WireIamError }, context);
    }
    if (token === undefined || token === "") {
      throw new ModelArtsApiError(
        `IAM answered HTTP ${response.status} without an X-Subject-Token header while trying to ${context.operation}`,
        {
          httpStatus: response.status,
          operation: context.operation,
        },
      );
    }
    const t = (response.body as WireIamTokenResponse | undefined)?.token;
    const expires = t?.expires_at ? Date.parse(t.expires_at) : Number.NaN;
    const issued = t?.issued_at ? Date.parse(t.issued_at) : Number.NaN;
    const result: IssuedToken = { token };
    if (!Number.isNaN(expires) && !Number.isNaN(issued) && expires > issued) result.ttlMs = expires - issued;
    else if (!Number.isNaN(expires)) result.expiresAtMs = expires;
    return result;
  }
}

/** Who the credentials are, for the account's key: never a secret in clear (the key is a hash). */
function identityOf(config: ResolvedClientConfig): string[] {
  const auth = config.auth;
  switch (auth.kind) {
    case "aksk":
      return ["aksk", auth.accessKey];
    case "password":
      return ["password", auth.domainName, auth.username];
    case "token":
      return ["token", auth.token];
  }
}

/** One path segment, percent-encoded (ids are digits or UUIDs; this only guards against odd input). */
export function seg(text: string): string {
  return uriEncode(text);
}
