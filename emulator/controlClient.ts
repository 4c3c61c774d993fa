/**
 * `EmulatorControl`: the control API over HTTP, for tests and benchmarks that run the emulator in
 * another process (e.g. `node dist/emulator/cli.js`). Same operations as the in-process handle,
 * returning promises.
 *
 * ```ts
 * const control = new EmulatorControl("http://127.0.0.1:PORT");
 * await control.addRule({ match: { jobNamePrefix: "fail-" }, failAt: "run" });
 * await control.advance(120_000);
 * ```
 */
import { EmulatorBehaviour } from "./behaviour";
import { ClockState } from "./clock";
import { ControlOperations, CreatedJob } from "./control";
import type { RateLimit, RateLimitState } from "./rate-limit";
import { FaultDefaults, FaultRate, FaultScript, FaultState, StoredScript } from "./faults";
import { RequestFilter, RequestLogEntry } from "./requestLog";
import { ScenarioRule, StoredRule } from "./rules";
import { JobPatch, JobView } from "./service";
import { V2PhasePatch } from "./v2/service";

type Async<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never };

/** A control request failed: the emulator's HTTP status and its error text. */
export class EmulatorControlError extends Error {
  override readonly name = "EmulatorControlError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class EmulatorControl implements Async<ControlOperations> {
  private readonly base: string;

  /** @param url the emulator's base URL, e.g. `http://127.0.0.1:8080`. */
  constructor(url: string) {
    this.base = url.replace(/\/+$/, "") + "/__emulator";
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { accept: "application/json" } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "content-type": "application/json", accept: "application/json" };
    }
    const res = await fetch(this.base + path, init);
    const text = await res.text();
    const parsed: unknown = text === "" ? undefined : JSON.parse(text);
    if (!res.ok) {
      const message = (parsed as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`;
      throw new EmulatorControlError(res.status, `${method} ${path}: ${message}`);
    }
    return parsed as T;
  }

  /** Resolves when the emulator answers (true), or false after `timeoutMs`. */
  async waitUntilReady(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.call("GET", "/health");
        return true;
      } catch {
        if (Date.now() >= deadline) return false;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  clock(): Promise<ClockState> {
    return this.call("GET", "/clock");
  }
  advance(ms: number): Promise<ClockState> {
    return this.call("POST", "/clock/advance", { ms });
  }
  freeze(): Promise<ClockState> {
    return this.call("POST", "/clock/freeze");
  }
  unfreeze(): Promise<ClockState> {
    return this.call("POST", "/clock/unfreeze");
  }
  setTime(nowMs: number): Promise<ClockState> {
    return this.call("PUT", "/clock", { now: nowMs });
  }

  behaviour(): Promise<EmulatorBehaviour> {
    return this.call("GET", "/behaviour");
  }
  setBehaviour(patch: Partial<EmulatorBehaviour>): Promise<EmulatorBehaviour> {
    return this.call("PATCH", "/behaviour", patch);
  }

  addRule(rule: ScenarioRule): Promise<StoredRule> {
    return this.call("POST", "/rules", rule);
  }
  rules(): Promise<StoredRule[]> {
    return this.call("GET", "/rules");
  }
  async removeRule(id: string): Promise<boolean> {
    try {
      await this.call("DELETE", `/rules/${encodeURIComponent(id)}`);
      return true;
    } catch (e) {
      if (e instanceof EmulatorControlError && e.status === 404) return false;
      throw e;
    }
  }
  async clearRules(): Promise<void> {
    await this.call("DELETE", "/rules");
  }

  rateLimit(): Promise<RateLimitState> {
    return this.call("GET", "/rate-limit");
  }
  setRateLimit(limit: RateLimit | null): Promise<RateLimitState> {
    return limit === null ? this.call("DELETE", "/rate-limit") : this.call("PUT", "/rate-limit", limit);
  }
  faults(): Promise<FaultState> {
    return this.call("GET", "/faults");
  }
  setFaultRate(rate: FaultRate): Promise<FaultState> {
    return this.call("PUT", "/faults/rate", rate);
  }
  setFaultDefaults(defaults: Partial<FaultDefaults>): Promise<FaultState> {
    return this.call("PUT", "/faults/defaults", defaults);
  }
  addFaultScript(script: FaultScript): Promise<StoredScript> {
    return this.call("POST", "/faults/scripts", script);
  }
  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/faults");
  }

  requests(filter: RequestFilter = {}): Promise<RequestLogEntry[]> {
    const q = new URLSearchParams();
    if (filter.method) q.set("method", filter.method);
    if (filter.pathRegex) q.set("pathRegex", filter.pathRegex);
    const qs = q.toString();
    return this.call("GET", `/requests${qs ? "?" + qs : ""}`);
  }
  async clearRequests(): Promise<void> {
    await this.call("DELETE", "/requests");
  }

  jobs(projectId?: string): Promise<JobView[]> {
    return this.call("GET", `/jobs${projectId ? "?projectId=" + encodeURIComponent(projectId) : ""}`);
  }
  async job(jobId: string): Promise<JobView | undefined> {
    try {
      return await this.call<JobView>("GET", `/jobs/${encodeURIComponent(jobId)}`);
    } catch (e) {
      if (e instanceof EmulatorControlError && e.status === 404) return undefined;
      throw e;
    }
  }
  createJob(projectId: string, body: unknown): Promise<CreatedJob> {
    return this.call("POST", "/jobs", { projectId, body });
  }
  patchJob(jobId: string, patch: JobPatch): Promise<JobView> {
    return this.call("PATCH", `/jobs/${encodeURIComponent(jobId)}`, patch);
  }
  async deleteJob(jobId: string, options: { immediate?: boolean } = {}): Promise<boolean> {
    try {
      await this.call("DELETE", `/jobs/${encodeURIComponent(jobId)}${options.immediate ? "?immediate=true" : ""}`);
      return true;
    } catch (e) {
      if (e instanceof EmulatorControlError && e.status === 404) return false;
      throw e;
    }
  }

  v2Jobs(projectId?: string): Promise<Record<string, unknown>[]> {
    return this.call("GET", `/v2/jobs${projectId ? "?projectId=" + encodeURIComponent(projectId) : ""}`);
  }
  async v2Job(id: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.call<Record<string, unknown>>("GET", `/v2/jobs/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof EmulatorControlError && e.status === 404) return undefined;
      throw e;
    }
  }
  setV2Phase(id: string, patch: V2PhasePatch): Promise<Record<string, unknown>> {
    return this.call("POST", `/v2/jobs/${encodeURIComponent(id)}/phase`, patch);
  }
  async deleteV2Job(id: string): Promise<boolean> {
    try {
      await this.call("DELETE", `/v2/jobs/${encodeURIComponent(id)}`);
      return true;
    } catch (e) {
      if (e instanceof EmulatorControlError && e.status === 404) return false;
      throw e;
    }
  }

  async revokeTokens(): Promise<number> {
    return (await this.call<{ revoked: number }>("DELETE", "/tokens")).revoked;
  }
  async reset(): Promise<void> {
    await this.call("POST", "/reset");
  }
}
