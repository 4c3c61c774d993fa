/**
 * Peak memory of processes started under this one (the Pulumi CLI and the dynamic-provider host it
 * launches), by polling /proc. Each sample reads `VmHWM`, the kernel's own high-water mark of the
 * resident set, so a peak between two samples is not missed as long as the process is still alive
 * at the next sample.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type ProcessRole = "provider" | "engine" | "other";

export interface ProcessPeak {
  pid: number;
  role: ProcessRole;
  command: string;
  /** Peak resident set size, bytes. */
  peakRssBytes: number;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Parent pid from /proc/<pid>/stat (the field after the parenthesised command, which may hold spaces). */
function parentOf(pid: number): number | undefined {
  const stat = readProc(pid, "stat");
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid !== undefined) parents.set(Number(name), ppid);
  }
  const out: number[] = [];
  const wanted = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!wanted.has(pid) && wanted.has(ppid)) {
        wanted.add(pid);
        out.push(pid);
        grew = true;
      }
    }
  }
  return out;
}

function roleOf(argv: string[]): ProcessRole {
  if (argv.some((a) => a.includes("dynamic-provider"))) return "provider";
  if (path.basename(argv[0] ?? "") === "pulumi") return "engine";
  return "other";
}

/** Samples the peak RSS of this process's descendants until `stop()` is called. */
export class PeakSampler {
  private readonly peaks = new Map<number, ProcessPeak>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 200) {}

  start(): this {
    if (!fs.existsSync("/proc/self/status")) return this; // not Linux: no figures
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Stops sampling and returns the peaks seen, one per process. */
  stop(): ProcessPeak[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (fs.existsSync("/proc/self/status")) this.sample();
    return [...this.peaks.values()];
  }

  private sample(): void {
    for (const pid of descendantsOf(process.pid)) {
      const status = readProc(pid, "status");
      const hwm = status?.match(/^VmHWM:\s+(\d+) kB/m);
      if (!hwm) continue;
      const bytes = Number(hwm[1]) * 1024;
      const known = this.peaks.get(pid);
      if (known) {
        known.peakRssBytes = Math.max(known.peakRssBytes, bytes);
        // A shell shim exec()s node: the role can change under the same pid.
        if (known.role === "other") this.classify(pid, known);
        continue;
      }
      const peak: ProcessPeak = { pid, role: "other", command: "", peakRssBytes: bytes };
      this.classify(pid, peak);
      this.peaks.set(pid, peak);
    }
  }

  private classify(pid: number, peak: ProcessPeak): void {
    const argv = (readProc(pid, "cmdline") ?? "").split("\0").filter((a) => a.length > 0);
    peak.role = roleOf(argv);
    peak.command = argv
      .map((a) => path.basename(a))
      .join(" ")
      .slice(0, 120);
  }
}

/** The largest peak among processes of a role, in MiB (undefined when none was seen). */
export function peakMiB(peaks: readonly ProcessPeak[], role: ProcessRole): number | undefined {
  const mine = peaks.filter((p) => p.role === role);
  if (mine.length === 0) return undefined;
  return Math.round((Math.max(...mine.map((p) => p.peakRssBytes)) / 2 ** 20) * 10) / 10;
}
