/**
 * A v2 job's phase as a pure function of the emulator's time (no timers): the planned timeline
 * Creating → Pending → Running → Completed, cut by a terminate (Terminating, then Terminated after
 * `killMs`) or by a phase forced through the control API (Failed, Abnormal, a recovery, anything).
 */
import { Cut, V2JobRecord } from "./model";

/** Splits a total duration (create to Completed): 10% Creating, 10% Pending, the rest Running. */
export function planFor(totalMs: number): V2JobRecord["plan"] {
  const t = Math.max(0, totalMs);
  const creatingMs = Math.round(t * 0.1);
  const pendingMs = Math.round(t * 0.1);
  return { creatingMs, pendingMs, runningMs: Math.max(0, t - creatingMs - pendingMs) };
}

interface Event {
  at: number;
  phase: string;
  secondaryPhase: string;
  message?: string;
}

export interface PhaseState {
  phase: string;
  secondaryPhase: string;
  /** When the job first entered Running (0 if never). */
  startTime: number;
  /** Run time so far, ms (frozen once it left Running). */
  duration: number;
  /** Set when a forced phase carried one (shown as the task's message). */
  message?: string;
}

function timeline(job: V2JobRecord): Event[] {
  const { creatingMs, pendingMs, runningMs } = job.plan;
  const c = job.createTime;
  let events: Event[] = [
    { at: c, phase: "Creating", secondaryPhase: "Creating" },
    { at: c + creatingMs, phase: "Pending", secondaryPhase: "Queuing" },
    { at: c + creatingMs + pendingMs, phase: "Running", secondaryPhase: "Running" },
    { at: c + creatingMs + pendingMs + runningMs, phase: "Completed", secondaryPhase: "Completed" },
  ];
  const cuts: Cut[] = [...job.cuts].sort((a, b) => a.at - b.at);
  for (const cut of cuts) {
    events = events.filter((e) => e.at < cut.at);
    if (cut.kind === "terminate") {
      events.push({ at: cut.at, phase: "Terminating", secondaryPhase: "Terminating" });
      events.push({ at: cut.at + cut.killMs, phase: "Terminated", secondaryPhase: "Terminated" });
    } else {
      events.push({ at: cut.at, phase: cut.phase, secondaryPhase: cut.secondaryPhase, ...(cut.message ? { message: cut.message } : {}) });
    }
  }
  return events;
}

/** The job's phase at `now`. */
export function phaseAt(job: V2JobRecord, now: number): PhaseState {
  const events = timeline(job).filter((e) => e.at <= now);
  const current = events[events.length - 1] ?? { at: job.createTime, phase: "Creating", secondaryPhase: "Creating" };
  const startIndex = events.findIndex((e) => e.phase === "Running");
  const started = startIndex >= 0 ? (events[startIndex] as Event) : undefined;
  let duration = 0;
  if (started) {
    const end = events.slice(startIndex + 1).find((e) => e.phase !== "Running");
    duration = (end ? end.at : now) - started.at;
  }
  return {
    phase: current.phase,
    secondaryPhase: current.secondaryPhase,
    startTime: started?.at ?? 0,
    duration,
    ...(current.message ? { message: current.message } : {}),
  };
}

/** The secondary phase the reference pairs with a forced level-1 phase, when none is given. */
export function defaultSecondary(phase: string, everRan: boolean): string {
  if (phase === "Abnormal") return everRan ? "Lost" : "CreateFailed";
  if (phase === "Pending") return "Queuing";
  return phase;
}
