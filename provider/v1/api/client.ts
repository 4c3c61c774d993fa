/**
 * `ModelArtsClient`: the v1 training-job API over HTTP (docs/api-v1.md §3), with
 * AK/SK, IAM password or token authentication, the retry policy of `retry.ts`, and typed errors
 * from `error-factory.ts`. Creating a job or a version is never re-sent blindly: after an ambiguous
 * failure a version is looked for here, a job by the caller (`provider/v1/resource/ownership.ts`).
 */
import { inspect } from "node:util";
import {
  AkSkAuthenticator,
  PasswordAuthenticator,
  StaticTokenAuthenticator,
  type Authenticator,
  type IssuedToken,
} from "../../shared/api/auth";
import { resolveClientConfig, type ModelArtsSettings, type ResolvedClientConfig } from "../../shared/api/config";
import { iamTokenUrl } from "../../shared/api/endpoints";
import { errorFromResponse, isNameConflict, type ErrorContext } from "../../shared/api/error-factory";
import { ModelArtsApiError, type ModelArtsError } from "../../shared/api/errors";
import {
  WireFormatError,
  fromWireCreateJob,
  fromWireCreateVersion,
  fromWireEngines,
  fromWireListJobs,
  fromWireListVersions,
  fromWireLogFileNames,
  fromWireLogs,
  fromWireResourceSpecs,
  fromWireVersion,
  toWireCreateJob,
  toWireCreateVersion,
  toWireListJobsQuery,
  toWireLogsQuery,
} from "./mapping";
import { MAX_PER_PAGE, scanAllPages } from "../../shared/api/list-scan";
import {
  decideRetry,
  isAmbiguous,
  isRetryable,
  resolveRetryPolicy,
  type Clock,
  type RetryOptions,
  type RetryPolicy,
} from "../../shared/api/retry";
import { uriEncode, type QueryMap } from "../../shared/api/signer";
import { Transport, type DebugLogger, type HttpMethod, type RequestSpec, type WireResponse } from "../../shared/api/transport";
import type {
  CallOptions,
  CreateJobRequest,
  CreateJobResult,
  CreateVersionRequest,
  CreateVersionResult,
  EngineSpec,
  JobSummary,
  ListJobsQuery,
  ListJobsResult,
  ListVersionsQuery,
  ListVersionsResult,
  LogQuery,
  LogResult,
  ModelArtsApi,
  ResourceSpec,
  VersionDetails,
} from "./types";
import type { WireIamError, WireIamTokenRequest, WireIamTokenResponse } from "./wire";

/** Options of the client that are not configuration (code, not stack config). */
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
}

export class ModelArtsClient implements ModelArtsApi {
  readonly projectId: string;
  /** ModelArts base URL, e.g. `https://modelarts.eu-de.otc.t-systems.com`. */
  readonly endpoint: string;
  readonly #config: ResolvedClientConfig;
  readonly #transport: Transport;
  readonly #auth: Authenticator;
  readonly #policy: RetryPolicy;

  constructor(config: ResolvedClientConfig, options: ClientOptions = {}) {
    this.#config = config;
    this.projectId = config.projectId;
    this.endpoint = config.endpoint;
    this.#policy = resolveRetryPolicy({ ...config.retry, ...(options.retry ?? {}) }, options.clock ?? {});
    this.#transport = new Transport({
      timeoutMs: config.requestTimeoutMs,
      policy: this.#policy,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
    });
    this.#auth = this.#makeAuthenticator(options);
  }

  /** The authentication method in use, without secrets. */
  get authentication(): string {
    return this.#auth.describe();
  }

  /** For password authentication: how many IAM tokens this client has obtained. */
  get tokensIssued(): number {
    return this.#auth instanceof PasswordAuthenticator ? this.#auth.issuedCount : 0;
  }

  toString(): string {
    return `ModelArtsClient(${this.endpoint}, project ${this.projectId}, ${this.#auth.describe()})`;
  }

  toJSON(): Record<string, string> {
    return { endpoint: this.endpoint, projectId: this.projectId, authentication: this.#auth.describe() };
  }

  [inspect.custom](): string {
    return this.toString();
  }

  // -------------------------------------------------------------------------------------------
  // Jobs

  /**
   * Sends the create. A failure after which the service provably did nothing (429, refused connection)
   * is re-sent; any other failure is thrown at once, ambiguous ones (5xx, timeout, dropped connection)
   * included: whether the service made the job then is for the caller to settle by looking, with the
   * evidence only it has (README "How a job belongs to its stack"). The POST is never re-sent blindly.
   */
  async createJob(request: CreateJobRequest, options: CallOptions = {}): Promise<CreateJobResult> {
    const ctx = this.#ctx(`create training job "${request.jobName}"`, { jobName: request.jobName });
    const spec = this.#spec("POST", "/training-jobs", ctx, { body: toWireCreateJob(request), idempotent: false });
    const startedAt = this.#policy.now();
    const state = { renewed: false };
    let refused: ModelArtsError | undefined;
    for (let attempt = 1; ; attempt++) {
      const result = await this.#transport.exchange(spec, options, attempt, state);
      if (result.ok) return this.#map(() => fromWireCreateJob(result.response.body), result.response, ctx);
      const error = this.#transport.toError(spec, result, attempt, this.#policy.now() - startedAt, options);
      // "Name exists" after a refused attempt: that attempt may have made the job after all, so the
      // outcome is as unknown as after a 5xx; the caller gets the refusal and looks.
      if (refused !== undefined && isNameConflict(error)) throw refused;
      if (!isRetryable(this.#policy, result.failure) || isAmbiguous(result.failure)) throw error;
      refused = error;
      const decision = decideRetry(this.#policy, result.failure, attempt, startedAt, options.deadline);
      if (!decision.retry) throw error;
      this.#transport.logRetry(spec, result.failure, decision.delayMs, attempt);
      await this.#policy.sleep(decision.delayMs, options.signal);
    }
  }

  async listJobs(query: ListJobsQuery = {}, options: CallOptions = {}): Promise<ListJobsResult> {
    const ctx = this.#ctx(
      query.searchContent !== undefined ? `list training jobs matching "${query.searchContent}"` : "list training jobs",
    );
    const response = await this.#send("GET", "/training-jobs", ctx, options, { query: { ...toWireListJobsQuery(query) } });
    return this.#map(() => fromWireListJobs(response.body), response, ctx);
  }

  async listAllJobs(query: Omit<ListJobsQuery, "page"> = {}, options: CallOptions = {}): Promise<JobSummary[]> {
    const perPage = query.perPage ?? MAX_PER_PAGE;
    // Oldest first: a job created during the scan joins the end instead of shifting the pages.
    const ordered: Omit<ListJobsQuery, "page"> = query.sortBy !== undefined ? query : { ...query, sortBy: "create_time", order: "asc" };
    const what = query.searchContent !== undefined ? `list training jobs matching "${query.searchContent}"` : "list training jobs";
    return scanAllPages((page) => this.listJobs({ ...ordered, perPage, page }, options), perPage, what);
  }

  async findJobByName(jobName: string, options: CallOptions & { workspaceId?: string } = {}): Promise<JobSummary | undefined> {
    const { workspaceId, ...callOptions } = options;
    const jobs = await this.listAllJobs({ searchContent: jobName, ...(workspaceId !== undefined ? { workspaceId } : {}) }, callOptions);
    return jobs.find((job) => job.jobName === jobName);
  }

  async updateDescription(jobId: string, jobDesc: string, options: CallOptions = {}): Promise<void> {
    const ctx = this.#ctx(`change the description of training job ${jobId}`, { jobId });
    await this.#send("PUT", `/training-jobs/${seg(jobId)}`, ctx, options, { body: { job_desc: jobDesc } });
  }

  async deleteJob(jobId: string, options: CallOptions = {}): Promise<void> {
    const ctx = this.#ctx(`delete training job ${jobId}`, { jobId });
    await this.#send("DELETE", `/training-jobs/${seg(jobId)}`, ctx, options);
  }

  // -------------------------------------------------------------------------------------------
  // Versions

  async getVersion(jobId: string, versionId: string, options: CallOptions = {}): Promise<VersionDetails> {
    const ctx = this.#ctx(`read version ${versionId} of training job ${jobId}`, { jobId, versionId });
    const response = await this.#send("GET", `/training-jobs/${seg(jobId)}/versions/${seg(versionId)}`, ctx, options);
    return this.#map(() => fromWireVersion(response.body, jobId), response, ctx);
  }

  async listVersions(jobId: string, query: ListVersionsQuery = {}, options: CallOptions = {}): Promise<ListVersionsResult> {
    const ctx = this.#ctx(`list the versions of training job ${jobId}`, { jobId });
    const q: QueryMap = {};
    if (query.perPage !== undefined) q["per_page"] = String(query.perPage);
    if (query.page !== undefined) q["page"] = String(query.page);
    const response = await this.#send("GET", `/training-jobs/${seg(jobId)}/versions`, ctx, options, { query: q });
    return this.#map(() => fromWireListVersions(response.body, jobId), response, ctx);
  }

  async createVersion(jobId: string, request: CreateVersionRequest, options: CallOptions = {}): Promise<CreateVersionResult> {
    const ctx = this.#ctx(`create a version of training job ${jobId}`, { jobId });
    const spec = this.#spec("POST", `/training-jobs/${seg(jobId)}/versions`, ctx, {
      body: toWireCreateVersion(request),
      idempotent: false,
    });
    // What existed before, so that after an ambiguous failure a new version can be recognised as ours.
    const before = new Set((await this.listVersions(jobId, {}, options)).versions.map((v) => v.versionId));
    const startedAt = this.#policy.now();
    const state = { renewed: false };
    for (let attempt = 1; ; attempt++) {
      const result = await this.#transport.exchange(spec, options, attempt, state);
      if (result.ok) return this.#map(() => fromWireCreateVersion(result.response.body, jobId), result.response, ctx);
      const error = this.#transport.toError(spec, result, attempt, this.#policy.now() - startedAt, options);
      if (!isRetryable(this.#policy, result.failure)) throw error;
      if (isAmbiguous(result.failure)) {
        const now = await this.listVersions(jobId, {}, options);
        const created = now.versions.find((v) => !before.has(v.versionId) && v.preVersionId === request.config.preVersionId);
        if (created !== undefined) {
          return {
            jobId: now.jobId,
            jobName: now.jobName,
            status: created.status,
            createTime: created.createTime,
            versionId: created.versionId,
            versionName: created.versionName,
          };
        }
      }
      const decision = decideRetry(this.#policy, result.failure, attempt, startedAt, options.deadline);
      if (!decision.retry) throw error;
      this.#transport.logRetry(spec, result.failure, decision.delayMs, attempt);
      await this.#policy.sleep(decision.delayMs, options.signal);
    }
  }

  async stopVersion(jobId: string, versionId: string, options: CallOptions = {}): Promise<void> {
    const ctx = this.#ctx(`stop version ${versionId} of training job ${jobId}`, { jobId, versionId });
    // Stopping twice is harmless: the POST is safe to repeat.
    await this.#send("POST", `/training-jobs/${seg(jobId)}/versions/${seg(versionId)}/stop`, ctx, options, { idempotent: true });
  }

  async deleteVersion(jobId: string, versionId: string, options: CallOptions = {}): Promise<void> {
    const ctx = this.#ctx(`delete version ${versionId} of training job ${jobId}`, { jobId, versionId });
    await this.#send("DELETE", `/training-jobs/${seg(jobId)}/versions/${seg(versionId)}`, ctx, options);
  }

  // -------------------------------------------------------------------------------------------
  // Catalogues and logs

  async listResourceSpecs(
    query: { jobType?: "train" | "inference"; engineId?: number } = {},
    options: CallOptions = {},
  ): Promise<ResourceSpec[]> {
    const ctx = this.#ctx("list resource flavours");
    const q: QueryMap = { job_type: query.jobType ?? "train" };
    if (query.engineId !== undefined) q["engine_id"] = String(query.engineId);
    const response = await this.#send("GET", "/job/resource-specs", ctx, options, { query: q });
    return this.#map(() => fromWireResourceSpecs(response.body), response, ctx);
  }

  async listEngines(query: { jobType?: "train" | "inference" } = {}, options: CallOptions = {}): Promise<EngineSpec[]> {
    const ctx = this.#ctx("list AI engines");
    const response = await this.#send("GET", "/job/ai-engines", ctx, options, { query: { job_type: query.jobType ?? "train" } });
    return this.#map(() => fromWireEngines(response.body), response, ctx);
  }

  async logFileNames(jobId: string, versionId: string, options: CallOptions = {}): Promise<string[]> {
    const ctx = this.#ctx(`list the log files of version ${versionId} of training job ${jobId}`, { jobId, versionId });
    const response = await this.#send("GET", `/training-jobs/${seg(jobId)}/versions/${seg(versionId)}/log/file-names`, ctx, options);
    return this.#map(() => fromWireLogFileNames(response.body), response, ctx);
  }

  async logs(jobId: string, versionId: string, query: LogQuery, options: CallOptions = {}): Promise<LogResult> {
    const ctx = this.#ctx(`read log ${query.logFile} of version ${versionId} of training job ${jobId}`, { jobId, versionId });
    const response = await this.#send("GET", `/training-jobs/${seg(jobId)}/versions/${seg(versionId)}/aom-log`, ctx, options, {
      query: { ...toWireLogsQuery(query) },
    });
    return this.#map(() => fromWireLogs(response.body), response, ctx);
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing

  #ctx(operation: string, extra: Partial<ErrorContext> = {}): ErrorContext {
    return { operation, projectId: this.projectId, auth: this.#auth?.kind ?? this.#config.auth.kind, ...extra };
  }

  #spec(
    method: HttpMethod,
    path: string,
    context: ErrorContext,
    extra: { query?: QueryMap; body?: unknown; idempotent?: boolean } = {},
  ): RequestSpec {
    return {
      method,
      url: `${this.endpoint}/v1/${seg(this.projectId)}${path}`,
      ...(extra.query !== undefined ? { query: extra.query } : {}),
      ...(extra.body !== undefined ? { body: extra.body } : {}),
      idempotent: extra.idempotent ?? method !== "POST",
      envelope: true,
      auth: this.#auth,
      headers: { "x-project-id": this.projectId },
      context,
    };
  }

  #send(
    method: HttpMethod,
    path: string,
    context: ErrorContext,
    options: CallOptions,
    extra: { query?: QueryMap; body?: unknown; idempotent?: boolean } = {},
  ): Promise<WireResponse> {
    return this.#transport.send(this.#spec(method, path, context, extra), options);
  }

  /** Runs a mapping; a malformed answer becomes a `ModelArtsApiError` naming the operation. */
  #map<T>(fn: () => T, response: WireResponse, ctx: ErrorContext): T {
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
          this.#policy.now,
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
          now: this.#policy.now,
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
    const response = await this.#transport.send(
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

/** One path segment, percent-encoded (ids are digits; this only guards against odd input). */
function seg(text: string): string {
  return uriEncode(text);
}

/**
 * Resolves the configuration from settings and environment and builds a client. Throws
 * `ConfigurationError` when settings are missing or contradictory.
 */
export function createClient(
  settings: Partial<ModelArtsSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
  options: ClientOptions = {},
): ModelArtsClient {
  return new ModelArtsClient(resolveClientConfig(settings, env), options);
}
