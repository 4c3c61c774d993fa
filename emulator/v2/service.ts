/**
 * The v2 training-job service behind the routes: create, details, description, terminate,
 * asynchronous delete, search, catalogues and logs, on the shared clock and behaviour switches.
 * Removal of deleted jobs happens lazily, whenever the emulator's clock has passed their removal time.
 */
import { randomUUID } from "node:crypto";
import { EmulatorBehaviour } from "../behaviour";
import { Clock } from "../clock";
import { V2_ENGINES, V2_FLAVORS } from "./catalogue";
import { V2Faults } from "./errors";
import { defaultSecondary, phaseAt, planFor } from "./lifecycle";
import { FINAL, TERMINABLE, V2JobRecord } from "./model";
import { matches, parseSearch } from "./search";
import { V2JobStore } from "./store";
import { validateCreate } from "./validation";
import { algorithmReply, jobView, specReply } from "./views";

type Obj = Record<string, unknown>;

export interface V2ServiceDeps {
  clock: Clock;
  behaviour: EmulatorBehaviour;
  store: V2JobStore;
}

/** A phase forced through the control API ("failures on demand", recoveries, unknown phases). */
export interface V2PhasePatch {
  phase: string;
  secondaryPhase?: string;
  /** Shown as each task's `task_statuses[].message`. */
  message?: string;
}

export class V2TrainingService {
  constructor(private readonly d: V2ServiceDeps) {}

  private now(): number {
    return this.d.clock.now();
  }

  /** Drops the jobs whose deletion has run its course on the emulator's clock. */
  private sweep(): void {
    const now = this.now();
    for (const job of this.d.store.jobs()) if (job.removeAt !== undefined && now >= job.removeAt) this.d.store.remove(job.id);
  }

  private notFound(id: string) {
    return V2Faults.jobNotFound(id, this.d.behaviour.v2NotFoundStyle === "404-2775" ? 404 : 400);
  }

  /** The job of this project, or the not-found fault; `readLag` applies the read-after-create delay. */
  private find(projectId: string, id: string, readLag = false): V2JobRecord {
    this.sweep();
    const job = this.d.store.get(id);
    if (!job || job.projectId !== projectId) throw this.notFound(id);
    if (readLag && this.now() < job.createTime + this.d.behaviour.v2ReadVisibilityDelayMs) throw this.notFound(id);
    return job;
  }

  private view(job: V2JobRecord): Obj {
    return jobView(job, this.now(), this.d.behaviour.v2DeletingPhase);
  }

  private phaseOf(job: V2JobRecord): string {
    return phaseAt(job, this.now()).phase;
  }

  private deleting(job: V2JobRecord): boolean {
    return job.deleteAt !== undefined;
  }

  create(projectId: string, body: unknown): Obj {
    this.sweep();
    const b = this.d.behaviour;
    const v = validateCreate(body, b);
    if (b.v2NameScope !== "none") {
      const clash = this.d.store
        .jobs(projectId)
        .some(
          (j) =>
            j.name === v.name &&
            (b.v2NameScope === "project" || j.workspaceId === v.workspaceId) &&
            !(this.deleting(j) && b.v2NameReuse === "immediate"),
        );
      if (clash) throw V2Faults.duplicateName(v.name);
    }
    const job: V2JobRecord = {
      id: randomUUID(),
      projectId,
      kind: v.kind,
      name: v.name,
      workspaceId: v.workspaceId,
      description: v.description,
      annotations: v.annotations,
      createTime: this.now(),
      algorithm: algorithmReply(v),
      spec: specReply(v),
      ...(v.endpoints ? { endpoints: v.endpoints } : {}),
      tasks: Array.from({ length: v.nodeCount }, (_, i) => `worker-${i}`),
      nodeCount: v.nodeCount,
      plan: planFor(b.jobDurationMs),
      cuts: [],
    };
    this.d.store.put(job);
    return this.view(job);
  }

  get(projectId: string, id: string): Obj {
    return this.view(this.find(projectId, id, true));
  }

  updateDescription(projectId: string, id: string, body: unknown): null {
    const job = this.find(projectId, id);
    const b = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as Obj;
    const description = b.description ?? "";
    if (typeof description !== "string") throw V2Faults.badParameter("description", "must be a string");
    if (description.length > 256) throw V2Faults.badParameter("description", "must be at most 256 characters");
    if (this.d.behaviour.v2DescriptionInFinalPhase === "reject" && FINAL.includes(this.phaseOf(job))) throw V2Faults.statusChanged();
    job.description = description;
    this.d.store.changed();
    return null;
  }

  action(projectId: string, id: string, body: unknown): Obj {
    const job = this.find(projectId, id);
    const b = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as Obj;
    if (b.action_type !== "terminate") throw V2Faults.unsupportedAction(String(b.action_type ?? ""));
    const phase = this.phaseOf(job);
    if (!TERMINABLE.includes(phase)) throw V2Faults.notAllowedToTerminate(phase);
    job.cuts.push({ at: this.now(), kind: "terminate", killMs: this.d.behaviour.killMs });
    this.d.store.changed();
    return this.view(job);
  }

  /** Accepts the deletion (202, empty body); the job disappears `deleteDelayMs` later on the emulator's clock. */
  delete(projectId: string, id: string): void {
    const job = this.find(projectId, id);
    const b = this.d.behaviour;
    if (this.deleting(job)) {
      if (b.v2RepeatDelete === "not-found") throw this.notFound(id);
      return;
    }
    const now = this.now();
    let removeAt = now + b.deleteDelayMs;
    if (TERMINABLE.includes(this.phaseOf(job))) {
      if (b.v2DeleteRunning === "reject-2796") throw V2Faults.notAllowedToTerminate(this.phaseOf(job));
      if (b.v2DeleteRunning === "reject-2878") throw V2Faults.statusChanged();
      if (b.v2DeleteRunning === "terminate-first") {
        job.cuts.push({ at: now, kind: "terminate", killMs: b.killMs });
        removeAt += b.killMs;
      }
    }
    job.deleteAt = now;
    job.removeAt = removeAt;
    this.d.store.changed();
  }

  search(projectId: string, body: unknown, queryLimit: string | undefined): Obj {
    this.sweep();
    const request = parseSearch(body, queryLimit);
    const b = this.d.behaviour;
    const now = this.now();
    const visible = this.d.store
      .jobs(projectId)
      .filter((j) => j.workspaceId === request.workspaceId)
      .filter((j) => now >= j.createTime + b.v2ListVisibilityDelayMs)
      .filter((j) => b.v2ListIncludesDeleting || !this.deleting(j));
    const matching = visible
      .filter((j) => matches(j, this.phaseOf(j), request))
      .sort((x, y) => (request.order === "asc" ? x.createTime - y.createTime : y.createTime - x.createTime));
    const page = matching.slice(request.offset * request.limit, (request.offset + 1) * request.limit);
    return {
      total: visible.length,
      count: b.v2CountSemantics === "page-size" ? page.length : matching.length,
      limit: request.limit,
      offset: request.offset,
      sort_by: "create_time",
      order: request.order,
      group_by: request.groupBy,
      workspace_id: request.workspaceId,
      ai_project: "default-ai-project",
      items: page.map((j) => this.view(j)),
    };
  }

  flavors(flavorType: string | undefined): Obj {
    if (flavorType !== undefined && !["CPU", "GPU", "Ascend"].includes(flavorType))
      throw V2Faults.badQuery("flavor_type", "must be CPU, GPU or Ascend");
    const flavors = V2_FLAVORS.filter((f) => flavorType === undefined || f.flavor_type === flavorType);
    return { total_count: flavors.length, flavors };
  }

  engines(): Obj {
    return { total: V2_ENGINES.length, items: V2_ENGINES };
  }

  private task(projectId: string, id: string, task: string): V2JobRecord {
    const job = this.find(projectId, id);
    if (!job.tasks.includes(task)) throw V2Faults.unknownTask(task);
    return job;
  }

  /** The tail of one task's log: lines for each stage the job has passed; empty before it started. */
  logPreview(projectId: string, id: string, task: string): Obj {
    const job = this.task(projectId, id, task);
    const p = phaseAt(job, this.now());
    const lines: string[] = [];
    if (p.startTime) {
      lines.push(`[Modelarts Service Log]Training start at ${new Date(p.startTime).toISOString()}`);
      lines.push(`[ModelArts Service Log]${task}: running ${job.algorithm.boot_file ?? job.algorithm.command ?? "the algorithm"}`);
    }
    // A job forced to fail (the control API) logs its message, each of its lines, before it ends.
    if (p.message && FINAL.includes(p.phase)) lines.push(...p.message.split("\n"));
    if (p.startTime && p.phase !== "Running")
      lines.push(`[Modelarts Service Log]Training end with phase ${p.phase}${p.message ? `: ${p.message.split("\n")[0]}` : ""}`);
    else if (!p.startTime && FINAL.includes(p.phase)) lines.push(`[Modelarts Service Log]Job ended in phase ${p.phase} before it started`);
    const content = lines.map((l) => l + "\n").join("");
    const size = Buffer.byteLength(content);
    return { content, current_size: size, full_size: size };
  }

  /** A temporary link to the whole log, valid five minutes (the link itself leads nowhere). */
  logUrl(projectId: string, id: string, task: string): Obj {
    const job = this.task(projectId, id, task);
    const expires = Math.floor(this.now() / 1000) + 300;
    return { obs_url: `https://obs.emulator.invalid/modelarts-job-${job.id}-${task}.log?AWSAccessKeyId=EMULATOR&Expires=${expires}` };
  }

  /** `GET /training-job-names`: whether a job of this name exists in the workspace (as create's name rule sees it). */
  validateName(projectId: string, jobName: string | undefined, workspaceId: string | undefined): Obj {
    if (jobName === undefined || jobName === "") throw V2Faults.badQuery("job_name", "is required");
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(jobName))
      throw V2Faults.badQuery("job_name", "must be 1-64 letters, digits, underscores and hyphens");
    this.sweep();
    const b = this.d.behaviour;
    const workspace = workspaceId ?? "0";
    const duplicate = this.d.store
      .jobs(projectId)
      .some(
        (j) =>
          j.name === jobName &&
          (b.v2NameScope === "project" || j.workspaceId === workspace) &&
          !(this.deleting(j) && b.v2NameReuse === "immediate"),
      );
    return { is_duplicate: b.v2NameScope !== "none" && duplicate };
  }

  /** `GET …/tasks`: the job's instances (one schedule: `schedule_count` 1), a bare list as the reference answers. */
  tasks(projectId: string, id: string, scheduleCount: string | undefined): Obj[] {
    const job = this.find(projectId, id);
    if (scheduleCount !== undefined && !/^[1-9][0-9]*$/.test(scheduleCount))
      throw V2Faults.badQuery("schedule_count", "must be a whole number of 1 or more");
    if (scheduleCount !== undefined && scheduleCount !== "1") return [];
    return job.tasks.map((task, i) => ({ task, ip: `172.16.0.${10 + i}`, host_ip: `192.168.0.${10 + i}`, schedule_count: 1 }));
  }

  /**
   * `GET …/metrics/{task_id}`: the task's usage metrics, one average per minute it has run (none
   * before it started); the values are a fixed function of the minute, not measurements.
   */
  metrics(projectId: string, id: string, task: string): Obj {
    const job = this.task(projectId, id, task);
    const p = phaseAt(job, this.now());
    const minutes = p.startTime ? Math.min(60, Math.floor(p.duration / 60_000) + 1) : 0;
    const series = (base: number) => Array.from({ length: minutes }, (_, m) => base + (m % 5));
    const gpu = job.spec.resource !== undefined && /gpu|pnt1|p3\./.test(String((job.spec.resource as Obj).flavor_id ?? ""));
    return {
      metrics: [
        { metric: "cpuUsage", value: series(40) },
        { metric: "memUsage", value: series(20) },
        { metric: "gpuUtil", value: gpu ? series(70) : [] },
        { metric: "gpuMemUsage", value: gpu ? series(30) : [] },
      ],
    };
  }

  // --- control API ---

  /** Every v2 job (of one project), as the details route would show it now. */
  views(projectId?: string): Obj[] {
    this.sweep();
    return this.d.store.jobs(projectId).map((j) => this.view(j));
  }

  viewOf(id: string): Obj | undefined {
    this.sweep();
    const job = this.d.store.get(id);
    return job ? this.view(job) : undefined;
  }

  /** Forces a phase from now on; undefined if there is no such job. */
  setPhase(id: string, patch: V2PhasePatch): Obj | undefined {
    this.sweep();
    const job = this.d.store.get(id);
    if (!job) return undefined;
    if (typeof patch.phase !== "string" || patch.phase === "") throw new RangeError("phase must be a non-empty string");
    if (patch.secondaryPhase !== undefined && typeof patch.secondaryPhase !== "string")
      throw new RangeError("secondaryPhase must be a string");
    if (patch.message !== undefined && typeof patch.message !== "string") throw new RangeError("message must be a string");
    const everRan = phaseAt(job, this.now()).startTime > 0;
    job.cuts.push({
      at: this.now(),
      kind: "force",
      phase: patch.phase,
      secondaryPhase: patch.secondaryPhase ?? defaultSecondary(patch.phase, everRan),
      ...(patch.message ? { message: patch.message } : {}),
    });
    this.d.store.changed();
    return this.view(job);
  }

  /** Out-of-band removal, at once. */
  remove(id: string): boolean {
    return this.d.store.remove(id);
  }
}
