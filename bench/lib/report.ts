/**
 * Output of the benchmarks: a plain-text table on stdout, and a JSON file under `bench/results/`
 * that carries the figures, their targets and the machine they came from.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./paths";

export type Cell = string | number | boolean | null | undefined;

/** Prints a table with a title; numbers are right-aligned, everything else left-aligned. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly Cell[])[]): void {
  const text = rows.map((row) => header.map((_, i) => format(row[i])));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[], numeric: readonly boolean[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number" || r[i] === undefined || r[i] === null),
  );
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(line(header, numeric) + "\n");
  process.stdout.write(widths.map((w) => "-".repeat(w)).join("  ") + "\n");
  for (const r of text) process.stdout.write(line(r, numeric) + "\n");
}

function format(cell: Cell): string {
  if (cell === undefined || cell === null) return "-";
  if (typeof cell === "boolean") return cell ? "yes" : "NO";
  if (typeof cell === "number") return Number.isInteger(cell) ? String(cell) : cell.toFixed(2);
  return cell;
}

/** Seconds with two decimals, from milliseconds. */
export function seconds(ms: number): number {
  return Math.round(ms / 10) / 100;
}

export interface MachineInfo {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  node: string;
  pulumiSdk: string;
  pulumiCli?: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews the figures. */
  loadAverage: number[];
}

/** `nproc`, memory, CPU model (from /proc/cpuinfo), Node and Pulumi versions. */
export function machineInfo(pulumiBin?: string): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? "unknown";
  try {
    const line = fs
      .readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) cpuModel = line.split(":").slice(1).join(":").trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  const info: MachineInfo = {
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel,
    node: process.version,
    pulumiSdk: (require("@pulumi/pulumi/package.json") as { version: string }).version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  if (pulumiBin) {
    try {
      info.pulumiCli = execFileSync(path.join(pulumiBin, "pulumi"), ["version"], { encoding: "utf8" }).trim();
    } catch {
      // reported as absent
    }
  }
  return info;
}

/** Writes `bench/results/<name>.json` and returns its path. */
export function writeResult(name: string, data: object): string {
  const dir = path.join(repoRoot(), "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ benchmark: name, finishedAt: new Date().toISOString(), ...data }, null, 2) + "\n");
  return file;
}

/** A figure against its target, for the JSON results and the summary. */
export interface Verdict {
  figure: string;
  value: string;
  target: string;
  met: boolean;
}
