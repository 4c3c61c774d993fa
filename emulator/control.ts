/**
 * The in-process control handle: the same operations as the HTTP control API under
 * `/__emulator/`, typed. `EmulatorControl` (controlClient.ts) offers them over HTTP.
 */
import { TokenRegistry } from "./auth";
import { EmulatorBehaviour, checkBehaviour } from "./behaviour";
import { ClockState, EmulatorClock } from "./clock";
import { ApiFault } from "./errors";
import type { RateLimit, RateLimiter, RateLimitState } from "./rate-limit";
import { FaultDefaults, FaultInjector, FaultRate, FaultScript, FaultState, StoredScript } from "./faults";
import { parseLong } from "./json";
import { RequestFilter, RequestLog, RequestLogEntry } from "./requestLog";
import { RuleBook, ScenarioRule, StoredRule } from "./rules";
import { JobPatch, JobView, TrainingService } from "./service";
import { JobStore } from "./store";
import { V2PhasePatch, V2TrainingService } from "./v2/service";

/** What `createJob` (out of band) returns: the create answer, ids as decimal strings. */
export interface CreatedJob {
  jobId: string;
  jobName: string;
  status: number;
  createTime: number;
  versionId: string | null;
  versionName: string | null;
  resourceId: string;
}

/** The control operations, as the in-process handle offers them (synchronous). */
export interface ControlOperations {
  clock(): ClockState;
  advance(ms: number): ClockState;
  freeze(): ClockState;
  unfreeze(): ClockState;
  setTime(nowMs: number): ClockState;
  behaviour(): EmulatorBehaviour;
  setBehaviour(patch: Partial<EmulatorBehaviour>): EmulatorBehaviour;
  addRule(rule: ScenarioRule): StoredRule;
  rules(): StoredRule[];
  removeRule(id: string): boolean;
  clearRules(): void;
  faults(): FaultState;
  setFaultRate(rate: FaultRate): FaultState;
  setFaultDefaults(defaults: Partial<FaultDefaults>): FaultState;
  addFaultScript(script: FaultScript): StoredScript;
  clearFaults(): void;
  /** The gateway's per-account rate limit (`rate-limit.ts`) and what it did. */
  rateLimit(): RateLimitState;
  /** Sets the rate limit (null: off); its counts start again. */
  setRateLimit(limit: RateLimit | null): RateLimitState;
  requests(filter?: RequestFilter): RequestLogEntry[];
  clearRequests(): void;
  jobs(projectId?: string): JobView[];
  job(jobId: string): JobView | undefined;
  createJob(projectId: string, body: unknown): CreatedJob;
  patchJob(jobId: string, patch: JobPatch): JobView;
  /** Out-of-band delete: asynchronous like the API, or `immediate`. False if no such job. */
  deleteJob(jobId: string, options?: { immediate?: boolean }): boolean;
  /** v2 jobs (of one project) as their details route shows them now. */
  v2Jobs(projectId?: string): Record<string, unknown>[];
  v2Job(id: string): Record<string, unknown> | undefined;
  /** Forces a v2 job's phase from now on (failures on demand, recoveries); 404 if no such job. */
  setV2Phase(id: string, patch: V2PhasePatch): Record<string, unknown>;
  /** Removes a v2 job at once; false if no such job. */
  deleteV2Job(id: string): boolean;
  revokeTokens(): number;
  reset(): void;
}

/** A control operation failed: bad input (400) or unknown job (404). */
export class ControlError extends Error {
  override readonly name = "ControlError";
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export interface ControllerDeps {
  clock: EmulatorClock;
  behaviour: EmulatorBehaviour;
  initialBehaviour: Readonly<EmulatorBehaviour>;
  service: TrainingService;
  v2: V2TrainingService;
  store: JobStore;
  rules: RuleBook;
  faults: FaultInjector;
  rateLimit: RateLimiter;
  requestLog: RequestLog;
  tokens: TokenRegistry;
  /** Restores the start-up rules and faults after a reset. */
  restoreStartup: () => void;
}

function jobIdOf(text: string): bigint {
  const id = parseLong(text);
  if (id === undefined) throw new ControlError(400, `job id must be a Long (decimal digits), got ${JSON.stringify(text)}`);
  return id;
}

/** Runs an operation, turning validation errors into `ControlError(400)`. */
function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new ControlError(400, e.message);
    if (e instanceof ApiFault) throw new ControlError(400, `${e.code}: ${e.message}`);
    throw e;
  }
}

export class EmulatorController implements ControlOperations {
  constructor(private readonly d: ControllerDeps) {}

  clock(): ClockState {
    return this.d.clock.state();
  }
  advance(ms: number): ClockState {
    return checked(() => this.d.clock.advance(ms));
  }
  freeze(): ClockState {
    return this.d.clock.freeze();
  }
  unfreeze(): ClockState {
    return this.d.clock.unfreeze();
  }
  setTime(nowMs: number): ClockState {
    return checked(() => this.d.clock.set(nowMs));
  }

  behaviour(): EmulatorBehaviour {
    return { ...this.d.behaviour };
  }
  setBehaviour(patch: Partial<EmulatorBehaviour>): EmulatorBehaviour {
    Object.assign(
      this.d.behaviour,
      checked(() => checkBehaviour(patch)),
    );
    return this.behaviour();
  }

  addRule(rule: ScenarioRule): StoredRule {
    return checked(() => this.d.rules.add(rule));
  }
  rules(): StoredRule[] {
    return this.d.rules.list();
  }
  removeRule(id: string): boolean {
    return this.d.rules.remove(id);
  }
  clearRules(): void {
    this.d.rules.clear();
  }

  faults(): FaultState {
    return this.d.faults.state();
  }
  setFaultRate(rate: FaultRate): FaultState {
    return checked(() => this.d.faults.setRate(rate));
  }
  setFaultDefaults(defaults: Partial<FaultDefaults>): FaultState {
    checked(() => this.d.faults.setDefaults(defaults));
    return this.d.faults.state();
  }
  addFaultScript(script: FaultScript): StoredScript {
    return checked(() => this.d.faults.addScript(script));
  }
  rateLimit(): RateLimitState {
    return this.d.rateLimit.state();
  }
  setRateLimit(limit: RateLimit | null): RateLimitState {
    return checked(() => this.d.rateLimit.set(limit));
  }
  clearFaults(): void {
    this.d.faults.clear();
  }

  requests(filter?: RequestFilter): RequestLogEntry[] {
    return checked(() => this.d.requestLog.list(filter));
  }
  clearRequests(): void {
    this.d.requestLog.clear();
  }

  jobs(projectId?: string): JobView[] {
    return this.d.service.jobViews(projectId);
  }
  job(jobId: string): JobView | undefined {
    return this.d.service.jobView(jobIdOf(jobId));
  }
  createJob(projectId: string, body: unknown): CreatedJob {
    if (typeof projectId !== "string" || projectId === "") throw new ControlError(400, "projectId is required");
    const answer = checked(() => this.d.service.createJob(projectId, body));
    return {
      jobId: String(answer.job_id),
      jobName: answer.job_name,
      status: Number(answer.status),
      createTime: Number(answer.create_time),
      versionId: answer.version_id === null ? null : String(answer.version_id),
      versionName: answer.version_name,
      resourceId: answer.resource_id,
    };
  }
  patchJob(jobId: string, patch: JobPatch): JobView {
    const id = jobIdOf(jobId);
    const view = checked(() => this.d.service.patchJob(id, patch));
    if (!view) throw new ControlError(404, `no job ${jobId}`);
    return view;
  }
  deleteJob(jobId: string, options: { immediate?: boolean } = {}): boolean {
    return this.d.service.removeJob(jobIdOf(jobId), options.immediate === true);
  }

  v2Jobs(projectId?: string): Record<string, unknown>[] {
    return this.d.v2.views(projectId);
  }
  v2Job(id: string): Record<string, unknown> | undefined {
    return this.d.v2.viewOf(id);
  }
  setV2Phase(id: string, patch: V2PhasePatch): Record<string, unknown> {
    const view = checked(() => this.d.v2.setPhase(id, patch));
    if (!view) throw new ControlError(404, `no v2 job ${id}`);
    return view;
  }
  deleteV2Job(id: string): boolean {
    return this.d.v2.remove(id);
  }

  revokeTokens(): number {
    return this.d.tokens.revokeAll();
  }

  /** Back to the start-up state: no jobs, start-up behaviour, rules, faults and clock mode (offset 0), clean log, no tokens. */
  reset(): void {
    this.d.store.clear();
    Object.assign(this.d.behaviour, this.d.initialBehaviour);
    this.d.rules.clear();
    this.d.faults.clear();
    this.d.requestLog.clear();
    this.d.tokens.revokeAll();
    this.d.clock.unfreeze();
    this.d.clock.set(this.d.clock.wallNow());
    this.d.restoreStartup();
  }
}
