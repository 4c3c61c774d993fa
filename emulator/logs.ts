/**
 * Synthetic training logs: lines derived from a version's timeline (one per status change, plus
 * progress lines while running), each with a 19-digit position (epoch ms × 10^6 + sequence).
 */
import { JobStatus } from "../provider/v1/api/status";
import { StatusChange } from "./lifecycle";

export interface LogLine {
  position: bigint;
  text: string;
}

const STATUS_LINES: Record<number, string> = {
  [JobStatus.IMAGE_CREATING]: "[Modelarts Service Log]Building the job image",
  [JobStatus.IMAGE_FAILED]: "[Modelarts Service Log]Building the job image failed",
  [JobStatus.SUBMIT_TRYING]: "[Modelarts Service Log]Submitting the training job",
  [JobStatus.SUBMIT_FAILED]: "[Modelarts Service Log]Submitting the training job failed",
  [JobStatus.WAITING]: "[Modelarts Service Log]Waiting for resources",
  [JobStatus.RUNNING]: "[Modelarts Service Log]Training start",
  [JobStatus.COMPLETED]: "[Modelarts Service Log]Training completed.",
  [JobStatus.FAILED]: "[Modelarts Service Log]Training failed: the process exited with code 1",
  [JobStatus.KILLING]: "[Modelarts Service Log]Stopping the training job",
  [JobStatus.KILLED]: "[Modelarts Service Log]Training job killed.",
  [JobStatus.CANCELED]: "[Modelarts Service Log]Training job canceled.",
  [JobStatus.LOST]: "[Modelarts Service Log]Lost contact with the training job",
};

const PROGRESS_STEPS = 10;

/**
 * A worker's log file name as the live service gives it: `job-` plus the job name in lower case
 * with `_` as `-`, then `.` and the worker index (job `jobtest_TF` → `job-jobtest-tf.0`).
 */
export function logFileName(jobName: string, worker: number): string {
  return `job-${jobName.toLowerCase().replace(/_/g, "-")}.${worker}`;
}

/** The lines of one worker's log file up to `now`; empty before submission. */
export function logLines(timeline: readonly StatusChange[], now: number, worker: number): LogLine[] {
  const events: Array<{ at: number; text: string }> = [];
  for (const change of timeline) {
    if (change.at > now) break;
    const text = STATUS_LINES[change.status];
    if (text) events.push({ at: change.at, text: change.status === JobStatus.RUNNING ? `${text} (worker ${worker})` : text });
  }
  const runIndex = timeline.findIndex((c) => c.status === JobStatus.RUNNING);
  const run = timeline[runIndex];
  if (run && run.at <= now) {
    const end = Math.min(now, timeline[runIndex + 1]?.at ?? Number.POSITIVE_INFINITY);
    const runEnd = timeline[runIndex + 1]?.at ?? run.at;
    const step = Math.max(1, Math.floor((runEnd - run.at) / PROGRESS_STEPS));
    for (let i = 1, at = run.at + step; at < end && i < PROGRESS_STEPS; i++, at += step) {
      events.push({ at, text: `step ${i * 100}: loss=${(1 / (i + 1)).toFixed(4)} (worker ${worker})` });
    }
  }
  events.sort((a, b) => a.at - b.at);
  return events.map((e, i) => ({ position: BigInt(Math.max(0, e.at)) * 1_000_000n + BigInt(i), text: e.text }));
}

export interface LogPage {
  content: string;
  lines: number;
  start_line: string;
  end_line: string;
}

/**
 * Selects lines like `aom-log`: without `baseLine` the newest `count` lines; with it, `desc` gives
 * the records following the position and `asc` the ones preceding it.
 */
export function selectLines(all: readonly LogLine[], count: number, baseLine: string | undefined, order: "asc" | "desc"): LogPage {
  let picked: readonly LogLine[];
  if (baseLine === undefined || baseLine === "") {
    picked = count === 0 ? [] : all.slice(-count);
  } else {
    const base = BigInt(baseLine);
    picked =
      order === "desc"
        ? all.filter((l) => l.position > base).slice(0, count)
        : count === 0
          ? []
          : all.filter((l) => l.position < base).slice(-count);
  }
  const first = picked[0];
  const last = picked[picked.length - 1];
  return {
    content: picked.map((l) => l.text).join("\n"),
    lines: picked.length,
    start_line: first ? first.position.toString() : (baseLine ?? ""),
    end_line: last ? last.position.toString() : (baseLine ?? ""),
  };
}
