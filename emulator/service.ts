/**
 * The training-job service: the behaviour of every v1 endpoint over the store, at the emulator
 * clock's current instant. Handlers stay thin; this module throws `ApiFault`s for every failure.
 * Time-driven transitions (deletions completing) are materialised lazily by `sweep()`.
 */
import { createHash } from "node:crypto";
import { JobStatus, isTerminal, statusClass } from "../provider/v1/api/status";
import { EmulatorBehaviour } from "./behaviour";
import { Catalogue } from "./catalogue";
import { EmulatorClock } from "./clock";
import { Faults } from "./errors";
import { StageDurations, VersionPlan, failureStatusFor, splitDuration, stateAt, versionTimeline } from "./lifecycle";
import { logFileName, logLines, selectLines } from "./logs";
import { JobOverrides, JobRecord, StoredConfig, VersionRecord, deletionPhase } from "./model";
import { RawQuery, choiceParam, intParam, param, stringParam } from "./query";
import { RuleBook, checkOverrides, overridesOf } from "./rules";
import { JobStore } from "./store";
import { validateCreateJob, validateCreateVersion, validateDescription } from "./validation";
import { VersionSnapshot, jobSummaryView, versionDetailsView, versionListItemView } from "./views";

export interface ServiceContext {
  clock: EmulatorClock;
  /** Mutable: the control API changes it at run time. */
  behaviour: EmulatorBehaviour;
  catalogue: Catalogue;
  store: JobStore;
  rules: RuleBook;
}

export const JOB_SORT_KEYS = ["job_name", "job_desc", "status", "duration", "version_count", "create_time"] as const;
const ALGORITHM_SORT_KEYS = ["engine", "model_name", "model_precision", "model_usage", "model_size", "create_time", "parameter"] as const;
const JOB_TYPES = ["train", "inference"] as const;

/** What the control API shows of a job. */
export interface JobView {
  projectId: string;
  jobId: string;
  jobName: string;
  jobDesc: string;
  workspaceId: string;
  createTime: number;
  /** The latest version's status (6 after a failed delete). */
  status: number;
  deletion: "none" | "pending" | "failed";
  /** When a pending deletion completes (emulator clock). */
  goneAt?: number;
  ruleId?: string;
  overrides: JobOverrides;
  versions: Array<{
    versionId: string;
    versionName: string;
    status: number;
    createTime: number;
    startTime?: number;
    durationMs: number;
    deleting: boolean;
  }>;
}

/** A control-API change to an existing job (PATCH /__emulator/jobs/:id). */
export interface JobPatch extends JobOverrides {
  /** Targets one version; default the latest. */
  versionId?: string;
  /** Forces this status from now on. */
  status?: number;
  /** Fails the version now, with the failure status of its current stage (3, 5 or 11). */
  failNow?: boolean;
  jobDesc?: string;
}

export class TrainingService {
  constructor(private readonly ctx: ServiceContext) {}

  private now(): number {
    return this.ctx.clock.now();
  }

  private get b(): EmulatorBehaviour {
    return this.ctx.behaviour;
  }

  /** Materialises time-driven transitions: finished deletions disappear, failed ones turn 6. */
  sweep(): void {
    const now = this.now();
    for (const job of this.ctx.store.jobs()) {
      const phase = deletionPhase(job, now);
      if (phase === "gone") {
        this.ctx.store.remove(job.jobId);
        continue;
      }
      let changed = false;
      if (phase === "failed" && job.deletion) {
        job.deleteFailedAt = job.deletion.goneAt;
        delete job.deletion;
        changed = true;
      }
      const kept = job.versions.filter((v) => !(v.deletion && v.deletion.goneAt <= now));
      if (kept.length !== job.versions.length) {
        job.versions = kept;
        changed = true;
      }
      if (changed) this.ctx.store.changed();
    }
  }

  // ---- state helpers ----

  snapshot(job: JobRecord, v: VersionRecord, now = this.now()): VersionSnapshot {
    const timeline = versionTimeline(v.createTime, v.plan, v.stop, v.forced);
    const state = stateAt(timeline, now);
    if (deletionPhase(job, now) === "failed") state.status = JobStatus.DELETE_FAILED;
    return { version: v, state };
  }

  private latest(job: JobRecord, now = this.now()): VersionSnapshot | undefined {
    const v = job.versions[job.versions.length - 1];
    return v ? this.snapshot(job, v, now) : undefined;
  }

  private jobStatus(job: JobRecord, now = this.now()): number {
    const latest = this.latest(job, now);
    if (latest) return latest.state.status;
    return deletionPhase(job, now) === "failed" ? JobStatus.DELETE_FAILED : JobStatus.UNKNOWN;
  }

  private visible(job: JobRecord, now: number): boolean {
    return now >= job.createTime + this.b.listVisibilityDelayMs;
  }

  /** A job of the project as a client may see it, or the not-found fault. */
  private findJob(projectId: string, jobId: bigint): JobRecord {
    this.sweep();
    const job = this.ctx.store.get(jobId);
    if (!job || job.projectId !== projectId || !this.visible(job, this.now())) throw Faults.jobNotFound(jobId, this.b.notFoundStyle);
    return job;
  }

  private findVersion(projectId: string, jobId: bigint, versionId: bigint): { job: JobRecord; version: VersionRecord } {
    const job = this.findJob(projectId, jobId);
    const version = job.versions.find((v) => v.versionId === versionId);
    if (!version) throw Faults.versionNotFound(jobId, versionId, this.b.notFoundStyle);
    return { job, version };
  }

  private plan(overrides: JobOverrides, config: StoredConfig): VersionPlan {
    const withImage = config.user_image_url !== null || overrides.failAt === "image";
    const base = splitDuration(overrides.jobDurationMs ?? this.b.jobDurationMs, withImage);
    const durations: StageDurations = { ...base, ...(overrides.durations ?? {}) };
    const plan: VersionPlan = { durations, withImage };
    if (overrides.failAt !== undefined) plan.failAt = overrides.failAt;
    return plan;
  }

  private newVersion(job: JobRecord, config: StoredConfig, preVersionId: bigint | null, now: number): VersionRecord {
    job.versionSeq += 1;
    return {
      versionId: this.ctx.store.allocateVersionId(),
      versionName: `V${String(job.versionSeq).padStart(4, "0")}`,
      preVersionId,
      createTime: now,
      config,
      plan: this.plan(job.overrides, config),
    };
  }

  private stopOutcome(): 12 | 13 {
    return this.b.stopOutcome === "canceled" ? JobStatus.CANCELED : JobStatus.KILLED;
  }

  // ---- endpoints ----

  createJob(projectId: string, body: unknown) {
    const input = validateCreateJob(body, { catalogue: this.ctx.catalogue, lenient: this.b.lenient });
    this.sweep();
    const now = this.now();
    const siblings = this.ctx.store.jobs(projectId);
    const taken = siblings.some((j) => j.jobName === input.jobName && (this.b.deletingJobHoldsName || deletionPhase(j, now) !== "pending"));
    if (taken) throw Faults.duplicateName(input.jobName, this.b.duplicateNameCode);
    if (siblings.length >= this.b.quotas) throw Faults.quotaExceeded(this.b.quotas);
    const rule = this.ctx.rules.take(projectId, input.jobName);
    const overrides = rule ? overridesOf(rule) : {};
    const jobId = this.ctx.store.allocateJobId();
    const job: JobRecord = {
      projectId,
      jobId,
      jobName: input.jobName,
      jobDesc: input.jobDesc,
      workspaceId: input.workspaceId,
      createTime: now,
      resourceId: "job" + createHash("sha256").update(`${projectId}/${jobId}`).digest("hex").slice(0, 8),
      versions: [],
      versionSeq: 0,
      overrides,
      deleteFailuresLeft: overrides.deleteFailures ?? 0,
    };
    if (rule) job.ruleId = rule.id;
    if (input.createVersion) job.versions.push(this.newVersion(job, input.config, null, now));
    this.ctx.store.put(job);
    const version = job.versions[0];
    const status = version ? this.snapshot(job, version, now).state.status : JobStatus.INIT;
    const s = this.b.idsAsStrings;
    return {
      is_success: true,
      job_id: s ? jobId.toString() : jobId,
      job_name: job.jobName,
      status: s ? String(status) : status,
      create_time: s ? String(now) : now,
      version_id: version ? (s ? version.versionId.toString() : version.versionId) : null,
      version_name: version ? version.versionName : null,
      resource_id: job.resourceId,
    };
  }

  listJobs(projectId: string, q: RawQuery) {
    const statusText = param(q, "status");
    let statusFilter: number | undefined;
    if (statusText !== undefined && statusText !== "") {
      if (!/^\d{1,2}$/.test(statusText) || Number(statusText) > 21)
        throw Faults.invalidQuery("status", `must be a status code 0..21, got "${statusText}"`);
      statusFilter = Number(statusText);
    }
    const perPage = intParam(q, "per_page", 10, 1, 1000);
    const page = intParam(q, "page", 1, 1, 65535);
    const sortByText = param(q, "sortBy");
    const sortBy = sortByText === undefined || sortByText === "" ? "job_name" : sortByText;
    if (!(JOB_SORT_KEYS as readonly string[]).includes(sortBy)) throw Faults.unsupportedSort(sortBy, JOB_SORT_KEYS);
    const order = choiceParam(q, "order", ["asc", "desc"] as const, "asc");
    const search = stringParam(q, "search_content", 64) ?? "";
    const workspaceId = param(q, "workspace_id") || "0";

    this.sweep();
    const now = this.now();
    const all = this.ctx.store.jobs(projectId);
    const rows = all
      .filter((j) => this.visible(j, now) && j.workspaceId === workspaceId && j.jobName.includes(search))
      .map((j) => {
        const latest = this.latest(j, now);
        const status = latest ? latest.state.status : this.jobStatus(j, now);
        return jobSummaryView(j, latest, status);
      })
      .filter((r) => statusFilter === undefined || r.status === statusFilter);
    const key = sortBy as (typeof JOB_SORT_KEYS)[number];
    const sign = order === "desc" ? -1 : 1;
    rows.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const c = x < y ? -1 : x > y ? 1 : 0;
      return c !== 0 ? c * sign : a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0;
    });
    return {
      is_success: true,
      quotas: this.b.quotas,
      job_total_count: rows.length,
      job_count_limit: Math.max(0, this.b.quotas - all.length),
      jobs: rows.slice((page - 1) * perPage, page * perPage),
    };
  }

  getVersion(projectId: string, jobId: bigint, versionId: bigint) {
    const { job, version } = this.findVersion(projectId, jobId, versionId);
    return versionDetailsView(this.ctx.catalogue, this.b, job, this.snapshot(job, version));
  }

  listVersions(projectId: string, jobId: bigint, q: RawQuery) {
    const perPage = intParam(q, "per_page", 10, 1, 1000);
    const page = intParam(q, "page", 0, 0, 65535);
    const job = this.findJob(projectId, jobId);
    const now = this.now();
    const newestFirst = [...job.versions].reverse();
    const picked = page === 0 ? newestFirst : newestFirst.slice((page - 1) * perPage, page * perPage);
    return {
      is_success: true,
      job_id: job.jobId,
      job_name: job.jobName,
      job_desc: job.jobDesc,
      version_count: job.versions.length,
      versions: picked.map((v) => versionListItemView(this.ctx.catalogue, this.b, job, this.snapshot(job, v, now))),
    };
  }

  createVersion(projectId: string, jobId: bigint, body: unknown) {
    const job = this.findJob(projectId, jobId);
    const input = validateCreateVersion(body, { catalogue: this.ctx.catalogue, lenient: this.b.lenient });
    const now = this.now();
    if (deletionPhase(job, now) !== "none") throw Faults.statusChanged();
    if (!job.versions.some((v) => v.versionId === input.preVersionId)) {
      throw Faults.invalidArgument("config.pre_version_id", `version ${input.preVersionId} is not a version of job ${jobId}`);
    }
    const version = this.newVersion(job, input.config, input.preVersionId, now);
    job.versions.push(version);
    if (input.jobDesc !== undefined) job.jobDesc = input.jobDesc;
    this.ctx.store.changed();
    return {
      is_success: true,
      job_id: job.jobId,
      job_name: job.jobName,
      status: this.snapshot(job, version, now).state.status,
      create_time: version.createTime,
      version_id: version.versionId,
      version_name: version.versionName,
    };
  }

  updateDescription(projectId: string, jobId: bigint, body: unknown) {
    const job = this.findJob(projectId, jobId);
    job.jobDesc = validateDescription(body);
    this.ctx.store.changed();
    return { is_success: true };
  }

  stopVersion(projectId: string, jobId: bigint, versionId: bigint) {
    const { job, version } = this.findVersion(projectId, jobId, versionId);
    const now = this.now();
    const status = this.snapshot(job, version, now).state.status;
    if (status === JobStatus.KILLING) return { is_success: true };
    if (isTerminal(status) || deletionPhase(job, now) !== "none") throw Faults.cannotTerminate(status);
    version.stop = { at: now, killMs: job.overrides.killMs ?? this.b.killMs, outcome: this.stopOutcome() };
    this.ctx.store.changed();
    return { is_success: true };
  }

  deleteVersion(projectId: string, jobId: bigint, versionId: bigint) {
    const { job, version } = this.findVersion(projectId, jobId, versionId);
    const now = this.now();
    if (version.deletion) return { is_success: true };
    if (deletionPhase(job, now) === "pending") throw Faults.statusChanged();
    const status = this.snapshot(job, version, now).state.status;
    let start = now;
    if (statusClass(status) === "in-progress") {
      if (this.b.rejectDeleteWhileRunning) throw Faults.cannotTerminate(status);
      if (status !== JobStatus.KILLING) {
        const killMs = job.overrides.killMs ?? this.b.killMs;
        version.stop = { at: now, killMs, outcome: this.stopOutcome() };
        start = now + killMs;
      }
    }
    version.deletion = { requestedAt: now, goneAt: start + this.b.versionDeleteDelayMs };
    this.ctx.store.changed();
    return { is_success: true };
  }

  deleteJob(projectId: string, jobId: bigint) {
    const job = this.findJob(projectId, jobId);
    const now = this.now();
    const phase = deletionPhase(job, now);
    if (phase === "pending") {
      if (this.b.repeatDeleteAnswer === "not-found") throw Faults.jobNotFound(jobId, this.b.notFoundStyle);
      return { is_success: true };
    }
    this.startDeletion(job, now);
    return { is_success: true };
  }

  private startDeletion(job: JobRecord, now: number): void {
    const running = job.versions.filter((v) => statusClass(this.snapshot(job, v, now).state.status) === "in-progress");
    const killMs = job.overrides.killMs ?? this.b.killMs;
    let killUntil = now;
    if (running.length > 0) {
      if (this.b.rejectDeleteWhileRunning) throw Faults.cannotTerminate(this.jobStatus(job, now));
      for (const v of running) {
        const status = this.snapshot(job, v, now).state.status;
        if (status !== JobStatus.KILLING) v.stop = { at: now, killMs, outcome: this.stopOutcome() };
        killUntil = Math.max(killUntil, v.stop ? v.stop.at + v.stop.killMs : now);
      }
    }
    let outcome: "succeed" | "fail" = job.overrides.deleteOutcome ?? "succeed";
    if (job.deleteFailuresLeft > 0) {
      job.deleteFailuresLeft -= 1;
      outcome = "fail";
    }
    delete job.deleteFailedAt;
    job.deletion = { requestedAt: now, goneAt: killUntil + (job.overrides.deleteDelayMs ?? this.b.deleteDelayMs), outcome };
    this.ctx.store.changed();
  }

  resourceSpecs(q: RawQuery) {
    choiceParam(q, "job_type", JOB_TYPES, "train");
    intParam(q, "engine_id", 0, 0, Number.MAX_SAFE_INTEGER);
    intParam(q, "project_type", 0, 0, 1000);
    const specs = this.ctx.catalogue.specs;
    return { is_success: true, spec_total_count: specs.length, specs };
  }

  engines(q: RawQuery) {
    choiceParam(q, "job_type", JOB_TYPES, "train");
    return { is_success: true, engines: this.ctx.catalogue.engines };
  }

  algorithms(q: RawQuery) {
    const perPage = intParam(q, "per_page", 10, 1, 100);
    const page = intParam(q, "page", 1, 1, 65535);
    const sortBy = choiceParam(q, "sortBy", ALGORITHM_SORT_KEYS, "engine");
    const order = choiceParam(q, "order", ["asc", "desc"] as const, "desc");
    const search = stringParam(q, "search_content", 64) ?? "";
    const models = this.ctx.catalogue.algorithms.filter((m) => m.model_name.includes(search));
    const key = sortBy === "engine" ? "engine_name" : sortBy;
    const sign = order === "desc" ? -1 : 1;
    models.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const c = x < y ? -1 : x > y ? 1 : 0;
      return c !== 0 ? c * sign : a.model_id - b.model_id;
    });
    return { is_success: true, model_total_count: models.length, models: models.slice((page - 1) * perPage, page * perPage) };
  }

  /** One file per worker, named as the live service names them (docs/api-v1.md §3.10). */
  private logFiles(job: JobRecord, v: VersionRecord): string[] {
    return Array.from({ length: v.config.worker_server_num }, (_x, i) => logFileName(job.jobName, i));
  }

  logFileNames(projectId: string, jobId: bigint, versionId: bigint) {
    const { job, version } = this.findVersion(projectId, jobId, versionId);
    return { is_success: true, log_file_list: this.logFiles(job, version) };
  }

  logs(projectId: string, jobId: bigint, versionId: bigint, q: RawQuery) {
    const { job, version } = this.findVersion(projectId, jobId, versionId);
    const file = param(q, "log_file");
    if (file === undefined || file === "") throw Faults.invalidQuery("log_file", "is required (a name from log/file-names)");
    const worker = this.logFiles(job, version).indexOf(file);
    if (worker < 0) throw Faults.invalidQuery("log_file", `${file} is not a log file of version ${versionId}`);
    const count = intParam(q, "lines", 50, 0, 500);
    const baseLine = param(q, "base_line");
    if (baseLine !== undefined && baseLine !== "" && !/^\d{1,19}$/.test(baseLine)) {
      throw Faults.invalidQuery("base_line", `must be a position from a previous answer (up to 19 digits), got "${baseLine}"`);
    }
    const order = choiceParam(q, "order", ["asc", "desc"] as const, "desc");
    const now = this.now();
    const timeline = versionTimeline(version.createTime, version.plan, version.stop, version.forced);
    const lines = logLines(timeline, now, worker);
    if (lines.length === 0) throw Faults.logNotGenerated(file);
    return { is_success: true, ...selectLines(lines, count, baseLine, order) };
  }

  // ---- control operations (no authentication, no validation of credentials) ----

  view(job: JobRecord): JobView {
    const now = this.now();
    const phase = deletionPhase(job, now);
    const view: JobView = {
      projectId: job.projectId,
      jobId: job.jobId.toString(),
      jobName: job.jobName,
      jobDesc: job.jobDesc,
      workspaceId: job.workspaceId,
      createTime: job.createTime,
      status: this.jobStatus(job, now),
      deletion: phase === "gone" ? "pending" : phase,
      overrides: { ...job.overrides },
      versions: job.versions.map((v) => {
        const s = this.snapshot(job, v, now).state;
        const out: JobView["versions"][number] = {
          versionId: v.versionId.toString(),
          versionName: v.versionName,
          status: s.status,
          createTime: v.createTime,
          durationMs: s.durationMs,
          deleting: v.deletion !== undefined,
        };
        if (s.startTime !== undefined) out.startTime = s.startTime;
        return out;
      }),
    };
    if (job.deletion) view.goneAt = job.deletion.goneAt;
    if (job.ruleId !== undefined) view.ruleId = job.ruleId;
    return view;
  }

  jobViews(projectId?: string): JobView[] {
    this.sweep();
    return this.ctx.store.jobs(projectId).map((j) => this.view(j));
  }

  jobView(jobId: bigint): JobView | undefined {
    this.sweep();
    const job = this.ctx.store.get(jobId);
    return job ? this.view(job) : undefined;
  }

  /** Changes an existing job; throws RangeError on a bad patch, returns undefined if no such job. */
  patchJob(jobId: bigint, patch: unknown): JobView | undefined {
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new RangeError("patch must be an object");
    const raw = patch as Record<string, unknown>;
    const known = [
      "versionId",
      "status",
      "failNow",
      "jobDesc",
      "jobDurationMs",
      "durations",
      "failAt",
      "deleteDelayMs",
      "killMs",
      "deleteOutcome",
      "deleteFailures",
    ];
    for (const k of Object.keys(raw)) if (!known.includes(k)) throw new RangeError(`patch.${k} is unknown; known: ${known.join(", ")}`);
    const overrides = checkOverrides(raw, "patch");
    this.sweep();
    const job = this.ctx.store.get(jobId);
    if (!job) return undefined;
    const now = this.now();
    let version = job.versions[job.versions.length - 1];
    if (raw.versionId !== undefined) {
      version = job.versions.find((v) => v.versionId.toString() === String(raw.versionId));
      if (!version) throw new RangeError(`patch.versionId ${String(raw.versionId)} is not a version of job ${jobId}`);
    }
    Object.assign(job.overrides, overrides);
    if (overrides.deleteFailures !== undefined) job.deleteFailuresLeft = overrides.deleteFailures;
    if (version && (overrides.jobDurationMs !== undefined || overrides.durations !== undefined || overrides.failAt !== undefined)) {
      version.plan = this.plan(job.overrides, version.config);
    }
    if (raw.status !== undefined) {
      if (typeof raw.status !== "number" || !Number.isInteger(raw.status) || raw.status < 0 || raw.status > 21) {
        throw new RangeError(`patch.status must be a status code 0..21, got ${JSON.stringify(raw.status)}`);
      }
      if (!version) throw new RangeError(`job ${jobId} has no version to set a status on`);
      version.forced = { at: now, status: raw.status };
    }
    if (raw.failNow === true) {
      if (!version) throw new RangeError(`job ${jobId} has no version to fail`);
      const current = this.snapshot(job, version, now).state.status;
      version.forced = { at: now, status: failureStatusFor(current) };
    }
    if (raw.jobDesc !== undefined) {
      if (typeof raw.jobDesc !== "string") throw new RangeError("patch.jobDesc must be a string");
      job.jobDesc = raw.jobDesc;
    }
    this.ctx.store.changed();
    return this.view(job);
  }

  /** Deletes a job out of band: at once (`immediate`), or asynchronously as the API does. */
  removeJob(jobId: bigint, immediate: boolean): boolean {
    this.sweep();
    const job = this.ctx.store.get(jobId);
    if (!job) return false;
    if (immediate) return this.ctx.store.remove(jobId);
    if (deletionPhase(job, this.now()) !== "pending") {
      const reject = this.b.rejectDeleteWhileRunning;
      this.b.rejectDeleteWhileRunning = false;
      try {
        this.startDeletion(job, this.now());
      } finally {
        this.b.rejectDeleteWhileRunning = reject;
      }
    }
    return true;
  }
}
