/**
 * `ModelArtsV2Client`: the v2 ("new-version") training-job API over HTTP (docs/api-v2.md), on the
 * shared `Connection` (authentication, transport, retries, the create loop, typed errors). What is
 * v2's own lives here and beside it: the paths under `/v2/{project_id}`, answers without the v1
 * `is_success` envelope, the wire shapes (`wire.ts`, `mapping.ts`) and the search's completeness
 * rule (`search-scan.ts`).
 */
import type { AccountPace } from "../../shared/api/pace";
import { inspect } from "node:util";
import { Connection, seg, type ApiDialect, type ClientOptions, type RequestParts } from "../../shared/api/connection";
import { resolveClientConfig, type ModelArtsSettings, type ResolvedClientConfig } from "../../shared/api/config";
import type { ErrorContext } from "../../shared/api/error-factory";
import { ConfigurationError } from "../../shared/api/errors";
import type { HttpMethod, WireResponse } from "../../shared/api/transport";
import { requireSameId } from "../../shared/api/wire-format";
import {
  MAX_SEARCH_LIMIT,
  fromWireEngines,
  fromWireFlavors,
  fromWireJob,
  fromWireLogPreview,
  fromWireSearch,
  toWireCreateJob,
  toWireSearch,
} from "./mapping";
import { scanAllSearchPages } from "./search-scan";
import type {
  CallOptions,
  CreateJobRequest,
  EngineSpec,
  FlavorSpec,
  Job,
  LogPreview,
  ModelArtsV2Api,
  SearchPage,
  SearchQuery,
  SearchScanOptions,
} from "./types";
import type { WireActionRequest, WireUpdateDescriptionRequest } from "./wire";

/** v2 paths are `/v2/{project_id}/…`; answers are the resource itself, errors `{error_code, error_msg}`. */
const V2: ApiDialect = { version: "v2", envelope: false };

export class ModelArtsV2Client implements ModelArtsV2Api {
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
    return `ModelArtsV2Client(${this.endpoint}, project ${this.projectId}, ${this.#conn.authentication})`;
  }

  toJSON(): Record<string, string> {
    return { endpoint: this.endpoint, projectId: this.projectId, authentication: this.#conn.authentication };
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /**
   * Sends the create (201, the new job). The shared create loop of both versions: re-sent only after
   * a failure that provably reached no one (429, refused connection); an ambiguous failure (5xx,
   * timeout, dropped connection) is thrown at once, for the caller to settle by looking.
   */
  async createJob(request: CreateJobRequest, options: CallOptions = {}): Promise<Job> {
    const name = request.metadata.name;
    const ctx = this.#conn.context(`create training job "${name}"`, { jobName: name });
    const spec = this.#conn.spec(V2, "POST", "/training-jobs", ctx, { body: toWireCreateJob(request), idempotent: false });
    const response = await this.#conn.sendCreate(spec, options);
    return this.#conn.map(() => fromWireJob(response.body), response, ctx);
  }

  async getJob(jobId: string, options: CallOptions = {}): Promise<Job> {
    const ctx = this.#conn.context(`read training job ${jobId}`, { jobId });
    const response = await this.#send("GET", `/training-jobs/${seg(jobId)}`, ctx, options);
    return this.#conn.map(
      () => {
        const job = fromWireJob(response.body);
        requireSameId("training job", jobId, job.id);
        return job;
      },
      response,
      ctx,
    );
  }

  /** `PUT` `{description}`: 200 with no body (or `null`); setting the same text twice is harmless, so it is retried. */
  async updateDescription(jobId: string, description: string, options: CallOptions = {}): Promise<void> {
    const ctx = this.#conn.context(`change the description of training job ${jobId}`, { jobId });
    const body: WireUpdateDescriptionRequest = { description };
    await this.#send("PUT", `/training-jobs/${seg(jobId)}`, ctx, options, { body });
  }

  /** `POST …/actions` terminate (202). Terminating twice asks for the same end: safe to repeat. */
  async terminateJob(jobId: string, options: CallOptions = {}): Promise<Job | undefined> {
    const ctx = this.#conn.context(`terminate training job ${jobId}`, { jobId });
    const body: WireActionRequest = { action_type: "terminate" };
    const response = await this.#send("POST", `/training-jobs/${seg(jobId)}/actions`, ctx, options, { body, idempotent: true });
    // The reference answers the job; an answer without one is still an accepted terminate.
    const answer = response.body;
    if (typeof answer !== "object" || answer === null || !("metadata" in answer)) return undefined;
    return this.#conn.map(() => fromWireJob(answer), response, ctx);
  }

  /** `DELETE` (202, empty body; 200 and 204 accepted too). The removal happens later. */
  async deleteJob(jobId: string, options: CallOptions = {}): Promise<void> {
    const ctx = this.#conn.context(`delete training job ${jobId}`, { jobId });
    await this.#send("DELETE", `/training-jobs/${seg(jobId)}`, ctx, options);
  }

  /**
   * One page of `POST /training-job-searches`. `offset` is a page index (0 first), `limit` 1–50.
   * A search reads and changes nothing: retried like a GET.
   */
  async searchJobs(query: SearchQuery = {}, options: CallOptions = {}): Promise<SearchPage> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? MAX_SEARCH_LIMIT;
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new ConfigurationError(`search offset is a page index of 0 or more; got ${offset}`);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
      throw new ConfigurationError(`search limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}; got ${limit}`);
    }
    const ctx = this.#conn.context(`${searchWhat(query)} (page ${offset})`);
    const response = await this.#send("POST", "/training-job-searches", ctx, options, {
      body: toWireSearch({ ...query, offset, limit }),
      idempotent: true,
      pace: "list",
    });
    return this.#conn.map(() => fromWireSearch(response.body, { offset, limit }), response, ctx);
  }

  /**
   * Every job matching `query`, oldest first unless `sortBy`/`order` say otherwise (so that a job
   * created during the scan joins the end), or `IncompleteListError` when the pages do not provably
   * cover every match (`search-scan.ts`).
   */
  async searchAllJobs(
    query: Omit<SearchQuery, "offset" | "limit"> = {},
    options: CallOptions = {},
    scan: SearchScanOptions = {},
  ): Promise<Job[]> {
    const ordered =
      query.sortBy !== undefined || query.order !== undefined ? query : { ...query, sortBy: "create_time", order: "asc" as const };
    return scanAllSearchPages(
      (offset) => this.searchJobs({ ...ordered, offset, limit: MAX_SEARCH_LIMIT }, options),
      MAX_SEARCH_LIMIT,
      searchWhat(query),
      scan.enough,
    );
  }

  async listFlavors(query: { flavorType?: "CPU" | "GPU" | "Ascend" } = {}, options: CallOptions = {}): Promise<FlavorSpec[]> {
    const ctx = this.#conn.context("list training flavours");
    const q = query.flavorType !== undefined ? { flavor_type: query.flavorType } : undefined;
    const response = await this.#send("GET", "/training-job-flavors", ctx, options, q !== undefined ? { query: q } : {});
    return this.#conn.map(() => fromWireFlavors(response.body), response, ctx);
  }

  async listEngines(options: CallOptions = {}): Promise<EngineSpec[]> {
    const ctx = this.#conn.context("list training engines");
    const response = await this.#send("GET", "/training-job-engines", ctx, options);
    return this.#conn.map(() => fromWireEngines(response.body), response, ctx);
  }

  async logPreview(jobId: string, taskId: string, options: CallOptions = {}): Promise<LogPreview> {
    const ctx = this.#conn.context(`read the log of task ${taskId} of training job ${jobId}`, { jobId });
    const response = await this.#send("GET", `/training-jobs/${seg(jobId)}/tasks/${seg(taskId)}/logs/preview`, ctx, options);
    return this.#conn.map(() => fromWireLogPreview(response.body), response, ctx);
  }

  #send(method: HttpMethod, path: string, context: ErrorContext, options: CallOptions, parts: RequestParts = {}): Promise<WireResponse> {
    return this.#conn.send(this.#conn.spec(V2, method, path, context, parts), options);
  }
}

/** `search training jobs named like "demo" in workspace 0`: the operation of a search, for messages. */
function searchWhat(query: Omit<SearchQuery, "offset" | "limit">): string {
  const parts = (query.filters ?? []).map((f) => `${f.key} ${f.operator} ${JSON.stringify(f.value)}`);
  const where = query.workspaceId !== undefined ? ` in workspace ${query.workspaceId}` : "";
  return `search training jobs${parts.length > 0 ? ` where ${parts.join(" and ")}` : ""}${where}`;
}

/**
 * Resolves the configuration from settings and environment (the same settings as v1) and builds a
 * v2 client. Throws `ConfigurationError` when settings are missing or contradictory.
 */
export function createV2Client(
  settings: Partial<ModelArtsSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
  options: ClientOptions = {},
): ModelArtsV2Client {
  return new ModelArtsV2Client(resolveClientConfig(settings, env), options);
}
