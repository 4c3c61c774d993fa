/**
 * Job lifecycle as pure functions of time: a version's plan (stage durations, optional failure)
 * becomes a timeline of status changes, and the status at any instant is read from it. No timers.
 *
 * INIT(1) → [IMAGE_CREATING(2)] → SUBMIT_TRYING(4) → WAITING(7) → RUNNING(8) → COMPLETED(10),
 * or a failure at a chosen stage: IMAGE_FAILED(3), SUBMIT_FAILED(5), FAILED(11), LOST(14).
 * A stop (or the kill before a delete) cuts the timeline: KILLING(9), then KILLED(12)/CANCELED(13).
 */
import { JobStatus, isTerminal } from "../provider/v1/api/status";

/** Where a job is made to fail: image build (3), submission (5), run (11), or lost while running (14). */
export type FailStage = "image" | "submit" | "run" | "lost";
export const FAIL_STAGES: readonly FailStage[] = ["image", "submit", "run", "lost"];

/** Time spent in each stage, in milliseconds. */
export interface StageDurations {
  /** INIT (1). */
  initMs: number;
  /** IMAGE_CREATING (2); used only for custom-image jobs or when failing at "image". */
  imageMs: number;
  /** SUBMIT_TRYING (4). */
  submitMs: number;
  /** WAITING (7). */
  waitMs: number;
  /** RUNNING (8). */
  runMs: number;
}

/** Splits a total job duration (creation to COMPLETED) across the stages. */
export function splitDuration(totalMs: number, withImage: boolean): StageDurations {
  const t = Math.max(0, totalMs);
  const initMs = Math.round(t * 0.05);
  const imageMs = withImage ? Math.round(t * 0.1) : 0;
  const submitMs = Math.round(t * 0.1);
  const waitMs = Math.round(t * 0.1);
  const runMs = Math.max(0, t - initMs - imageMs - submitMs - waitMs);
  return { initMs, imageMs, submitMs, waitMs, runMs };
}

export interface VersionPlan {
  durations: StageDurations;
  failAt?: FailStage;
  /** Whether the IMAGE_CREATING stage is part of the run (custom image, or failing at "image"). */
  withImage: boolean;
}

/** A stop request: KILLING for `killMs` from `at`, then `outcome`. */
export interface StopEvent {
  at: number;
  killMs: number;
  outcome: 12 | 13;
}

/** A status forced from `at` on (control API: "set status", "fail now"). */
export interface ForcedStatus {
  at: number;
  status: number;
}

export interface StatusChange {
  status: number;
  at: number;
}

/** The natural timeline of a version created at `createTime`, following its plan. */
export function planTimeline(createTime: number, plan: VersionPlan): StatusChange[] {
  const d = plan.durations;
  const out: StatusChange[] = [{ status: JobStatus.INIT, at: createTime }];
  let t = createTime + d.initMs;
  if (plan.withImage) {
    out.push({ status: JobStatus.IMAGE_CREATING, at: t });
    t += d.imageMs;
    if (plan.failAt === "image") {
      out.push({ status: JobStatus.IMAGE_FAILED, at: t });
      return out;
    }
  }
  out.push({ status: JobStatus.SUBMIT_TRYING, at: t });
  t += d.submitMs;
  if (plan.failAt === "submit") {
    out.push({ status: JobStatus.SUBMIT_FAILED, at: t });
    return out;
  }
  out.push({ status: JobStatus.WAITING, at: t });
  t += d.waitMs;
  out.push({ status: JobStatus.RUNNING, at: t });
  if (plan.failAt === "lost") {
    out.push({ status: JobStatus.LOST, at: t + Math.round(d.runMs / 2) });
    return out;
  }
  t += d.runMs;
  out.push({ status: plan.failAt === "run" ? JobStatus.FAILED : JobStatus.COMPLETED, at: t });
  return out;
}

/** The status in force at `t` (the first entry's status before the timeline starts). */
export function statusAt(timeline: readonly StatusChange[], t: number): number {
  let status = timeline[0]?.status ?? JobStatus.UNKNOWN;
  for (const change of timeline) {
    if (change.at <= t) status = change.status;
    else break;
  }
  return status;
}

/** Cuts a timeline at `at` and continues with `tail` (changes at or after `at`). */
function cut(timeline: readonly StatusChange[], at: number, tail: StatusChange[]): StatusChange[] {
  return [...timeline.filter((c) => c.at < at), ...tail];
}

/**
 * The full timeline: the plan, cut by a stop (only if the version was still in progress when the
 * stop arrived) and by a forced status.
 */
export function versionTimeline(createTime: number, plan: VersionPlan, stop?: StopEvent, forced?: ForcedStatus): StatusChange[] {
  let timeline = planTimeline(createTime, plan);
  const events: Array<{ at: number; apply: (tl: StatusChange[]) => StatusChange[] }> = [];
  if (stop) {
    events.push({
      at: stop.at,
      apply: (tl) =>
        isTerminal(statusAt(tl, stop.at))
          ? tl
          : cut(tl, stop.at, [
              { status: JobStatus.KILLING, at: stop.at },
              { status: stop.outcome, at: stop.at + stop.killMs },
            ]),
    });
  }
  if (forced) events.push({ at: forced.at, apply: (tl) => cut(tl, forced.at, [{ status: forced.status, at: forced.at }]) });
  events.sort((a, b) => a.at - b.at);
  for (const e of events) timeline = e.apply(timeline);
  return timeline;
}

export interface VersionState {
  status: number;
  /** When RUNNING began, if it did by `t`. */
  startTime?: number;
  /** Milliseconds spent running (RUNNING and what followed it until a terminal status), at `t`. */
  durationMs: number;
  /** When the version reached its terminal status, if it did by `t`. */
  endTime?: number;
}

/** Status, start time and run duration of a version at instant `t`. */
export function stateAt(timeline: readonly StatusChange[], t: number): VersionState {
  const status = statusAt(timeline, t);
  const running = timeline.find((c) => c.status === JobStatus.RUNNING && c.at <= t);
  const terminal = timeline.find((c) => c.at <= t && isTerminal(c.status));
  const state: VersionState = { status, durationMs: 0 };
  if (terminal) state.endTime = terminal.at;
  if (running) {
    state.startTime = running.at;
    state.durationMs = Math.max(0, (terminal ? terminal.at : t) - running.at);
  }
  return state;
}

/** The failure status for "fail now", by the stage a version is in. */
export function failureStatusFor(current: number): number {
  switch (current) {
    case JobStatus.IMAGE_CREATING:
      return JobStatus.IMAGE_FAILED;
    case JobStatus.INIT:
    case JobStatus.SUBMIT_TRYING:
      return JobStatus.SUBMIT_FAILED;
    default:
      return JobStatus.FAILED;
  }
}
