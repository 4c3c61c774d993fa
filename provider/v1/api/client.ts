/**
 * `ModelArtsClient`: the v1 training-job API over HTTP (docs/api-v1.md §3), on the shared
 * `Connection` (AK/SK, IAM password or token authentication, the retry policy of `retry.ts`, typed
 * errors from `error-factory.ts`); the v1 paths, shapes and the version create are here. Creating a job or a version is never re-sent blindly: after an ambiguous
 * failure a version is looked for here, a job by the caller (`provider/v1/resource/ownership.ts`).
 */
import type { AccountPace } from "../../shared/api/pace";
import { inspect } from "node:util";
import { Connection, seg, type ApiDialect, type ClientOptions, type RequestParts } from "../../shared/api/connection";
import { resolveClientConfig, type ModelArtsSettings, type ResolvedClientConfig } from "../../shared/api/config";
import type { ErrorContext } from "../../shared/api/error-factory";
import {
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
import { decideRetry, isAmbiguous, isRetryable } from "../../shared/api/retry";
import type { QueryMap } from "../../shared/api/signer";
import type { HttpMethod, WireResponse } from "../../shared/api/transport";
import { requireSameId } from "../../shared/api/wire-format";
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

/** The client options are shared by both API versions. */
export type { ClientOptions } from "../../shared/api/connection";

/** v1 paths are `/v1/{project_id}/…`; every answer carries `is_success`. */
const V1: ApiDialect = { version: "v1", envelope: true };

export class ModelArtsClient implements ModelArtsApi {
  readonly projectId: string;
  /** ModelArts base URL, e.g. `https://modelarts.eu-de.otc.t-systems.com`. */
  readonly endpoint: string;
  /** The account's shared pace (a field, not a getter: proxies of the client see it too). */
  readonly pace: AccountPace;
  readonly #conn: Connection;

  constructor(config: ResolvedClientConfig, options: ClientOptions = {}) {
    this.#conn = new Connection(config, options);
    this.pace = this.#conn.pace;
    this.projectId = config.projectId;
    this.endpoint = config.endpoint;
  }

  /** The authentication method in use, without secrets. */
  get authentication(): string {
    return this.#conn.authentication;
  }

  /** For password authentication: how many IAM tokens this client has obtained. */
  get tokensIssued(): number {
    return this.#conn.tokensIssued;
  }

  toString(): string {
    return `ModelArtsClient(${this.endpoint}, project ${this.projectId}, ${this.#conn.authentication})`;
  }

  toJSON(): Record<string, string> {
    return { endpoint: this.endpoint, projectId: this.projectId, authentication: this.#conn.authentication };
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
   * evidence only it has (docs/ownership.md). The POST is never re-sent blindly.
   */
  async createJob(request: CreateJobRequest, options: CallOptions = {}): Promise<CreateJobResult> {
    const ctx = this.#ctx(`create training job "${request.jobName}"`, { jobName: request.jobName });
    const spec = this.#conn.spec(V1, "POST", "/training-jobs", ctx, { body: toWireCreateJob(request), idempotent: false });
    const response = await this.#conn.sendCreate(spec, options);
    return this.#map(() => fromWireCreateJob(response.body), response, ctx);
  }

  async listJobs(query: ListJobsQuery = {}, options: CallOptions = {}): Promise<ListJobsResult> {
    const ctx = this.#ctx(
      query.searchContent !== undefined ? `list training jobs matching "${query.searchContent}"` : "list training jobs",
    );
    const response = await this.#send("GET", "/training-jobs", ctx, options, { query: { ...toWireListJobsQuery(query) }, pace: "list" });
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
    return this.#map(
      () => {
        const version = fromWireVersion(response.body, jobId);
        requireSameId("training job", jobId, version.jobId);
        requireSameId("version", versionId, version.versionId);
        return version;
      },
      response,
      ctx,
    );
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
    const spec = this.#conn.spec(V1, "POST", `/training-jobs/${seg(jobId)}/versions`, ctx, {
      body: toWireCreateVersion(request),
      idempotent: false,
    });
    // What existed before, so that after an ambiguous failure a new version can be recognised as ours.
    const before = new Set((await this.listVersions(jobId, {}, options)).versions.map((v) => v.versionId));
    const policy = this.#conn.policy;
    const transport = this.#conn.transport;
    const startedAt = policy.now();
    const state = { renewed: false };
    for (let attempt = 1; ; attempt++) {
      const result = await transport.exchange(spec, options, attempt, state);
      if (result.ok) return this.#map(() => fromWireCreateVersion(result.response.body, jobId), result.response, ctx);
      const error = transport.toError(spec, result, attempt, policy.now() - startedAt, options);
      if (!isRetryable(policy, result.failure)) throw error;
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
      const decision = decideRetry(policy, result.failure, attempt, startedAt, options.deadline);
      if (!decision.retry) throw error;
      transport.logRetry(spec, result.failure, decision.delayMs, attempt);
      await policy.sleep(decision.delayMs, options.signal);
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
    return this.#conn.context(operation, extra);
  }

  #send(method: HttpMethod, path: string, context: ErrorContext, options: CallOptions, parts: RequestParts = {}): Promise<WireResponse> {
    return this.#conn.send(this.#conn.spec(V1, method, path, context, parts), options);
  }

  #map<T>(fn: () => T, response: WireResponse, ctx: ErrorContext): T {
    return this.#conn.map(fn, response, ctx);
  }
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
