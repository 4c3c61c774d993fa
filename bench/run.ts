/**
 * `npm run bench`: builds, then runs the five benchmarks of issue 6 and the waits of issue 19 in one go, prints a table for
 * each and a summary of every figure against its target, and writes JSON under `bench/results/`.
 *
 *   node dist/bench/run.js                 all six
 *   node dist/bench/run.js delete faults   only these (delete, startup, state, scale, faults, waits)
 *
 * Exploration only (not for the published figures): BENCH_POLL=firstMs,factor,maxMs runs the delete
 * benchmark with that poll schedule instead of the provider's default, and writes
 * `delete-latency-custom.json`.
 */
import * as os from "node:os";
import type { PollSchedule } from "../provider/shared/resource/waiter";
import { runDeleteLatency } from "./delete-latency";
import { runFaults } from "./faults";
import { BenchPulumi } from "./lib/pulumi";
import { machineInfo, printTable, seconds, writeResult, type MachineInfo, type Verdict } from "./lib/report";
import { runStackScale } from "./stack-scale";
import { runStartup } from "./startup";
import { runStateSize } from "./state-size";
import { runWaits } from "./waits";

const BENCHMARKS = ["delete", "startup", "state", "scale", "faults", "waits"] as const;
type Name = (typeof BENCHMARKS)[number];
const FILES: Record<Name, string> = {
  delete: "delete-latency",
  startup: "startup",
  state: "state-size",
  scale: "stack-scale",
  faults: "faults",
  waits: "waits",
};

function pollFromEnv(): PollSchedule | undefined {
  const text = process.env["BENCH_POLL"];
  if (!text) return undefined;
  const [firstMs, factor, maxMs] = text.split(",").map(Number);
  if (![firstMs, factor, maxMs].every((n) => Number.isFinite(n)))
    throw new RangeError(`BENCH_POLL must be firstMs,factor,maxMs, got ${text}`);
  return { firstMs: firstMs!, factor: factor!, maxMs: maxMs! };
}

async function main(args: string[]): Promise<void> {
  const unknown = args.filter((a) => !(BENCHMARKS as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; choose from ${BENCHMARKS.join(", ")}`);
  const selected: Name[] = args.length > 0 ? BENCHMARKS.filter((b) => args.includes(b)) : [...BENCHMARKS];
  const started = performance.now();
  const needsEngine = selected.some((b) => b !== "delete" && b !== "waits");
  const pulumi = needsEngine ? await BenchPulumi.start() : undefined;
  const machine: MachineInfo = machineInfo(pulumi?.binDir);
  process.stdout.write(
    `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `Pulumi CLI ${machine.pulumiCli ?? "-"}, @pulumi/pulumi ${machine.pulumiSdk}; load average ${machine.loadAverage.join(" ")}\n`,
  );
  const verdicts: Verdict[] = [];
  const timings: Record<string, number> = {};
  try {
    for (const name of selected) {
      const t0 = performance.now();
      let result: { verdicts: Verdict[] };
      let file = FILES[name];
      switch (name) {
        case "delete": {
          const schedule = pollFromEnv();
          result = await runDeleteLatency(schedule);
          if (schedule) file = "delete-latency-custom";
          break;
        }
        case "startup":
          result = await runStartup(pulumi!.binDir);
          break;
        case "state":
          result = await runStateSize(pulumi!);
          break;
        case "scale":
          result = await runStackScale(pulumi!, { withDefaultParallel: true });
          break;
        case "faults":
          result = await runFaults(pulumi!);
          break;
        case "waits":
          result = await runWaits();
          break;
      }
      const wallMs = performance.now() - t0;
      timings[name] = Math.round(wallMs);
      writeResult(file, { machine, wallMs: Math.round(wallMs), ...result });
      verdicts.push(...result.verdicts);
      process.stdout.write(`   (${FILES[name]}: ${seconds(wallMs)} s wall time)\n`);
    }
  } finally {
    pulumi?.dispose();
  }
  const totalMs = performance.now() - started;
  printTable(
    "Summary: each figure against its target",
    ["figure", "value", "target", "met"],
    verdicts.map((v) => [v.figure, v.value, v.target, v.met]),
  );
  process.stdout.write(
    `\nTotal wall time: ${seconds(totalMs)} s (${selected.join(", ")}); load average now ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  if (selected.length === BENCHMARKS.length && !pollFromEnv()) {
    const loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
    writeResult("summary", { machine, loadAverageAtEnd, totalWallMs: Math.round(totalMs), timings, verdicts });
  }
}

main(process.argv.slice(2)).then(
  // The Automation API's in-process language server may keep handles open: end explicitly.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
