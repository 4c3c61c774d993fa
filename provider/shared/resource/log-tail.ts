/**
 * Why a job failed, in its own words: the last lines of its tasks' logs, bounded and redacted, for
 * the error that reports the failure. Shared by v1 and v2; each version fetches its own logs.
 */
import { redact } from "../api/errors";

/** How much of a failed job's log an error carries. */
export interface LogTailLimits {
  /** Last lines per task. @default 20 */
  lines: number;
  /** Bytes (UTF-8) of log text in all, across tasks. @default 4096 */
  bytes: number;
  /** Tasks whose logs are read. @default 2 */
  tasks: number;
}

export const DEFAULT_LOG_TAIL: Readonly<LogTailLimits> = Object.freeze({ lines: 20, bytes: 4096, tasks: 2 });

/** One task's log text, or why it could not be read. */
export type TaskLog = { task: string; text: string } | { task: string; unavailable: string };

/** The last `lines` non-empty lines of a log, each redacted, cut from the front to at most `bytes` bytes. */
export function tailOf(text: string, lines: number, bytes: number): string[] {
  const all = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const kept = all.slice(-lines).map((l) => redact(l));
  let size = kept.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  while (kept.length > 0 && size > bytes) {
    const first = kept.shift()!;
    size -= Buffer.byteLength(first) + 1;
  }
  return kept;
}

/**
 * The log section of a failure message: per task, its last lines (within the byte budget that the
 * tasks share), or why its log was unavailable. Empty when there is nothing to show.
 */
export function formatLogTails(logs: readonly TaskLog[], limits: LogTailLimits = DEFAULT_LOG_TAIL): string {
  const parts: string[] = [];
  let budget = limits.bytes;
  for (const log of logs.slice(0, limits.tasks)) {
    if ("unavailable" in log) {
      parts.push(`log of ${log.task}: unavailable (${redact(log.unavailable)})`);
      continue;
    }
    const lines = tailOf(log.text, limits.lines, budget);
    if (lines.length === 0) continue;
    budget -= lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    parts.push(`last ${lines.length} log line${lines.length === 1 ? "" : "s"} of ${log.task}:\n${lines.map((l) => `  ${l}`).join("\n")}`);
    if (budget <= 0) break;
  }
  return parts.join("\n");
}
