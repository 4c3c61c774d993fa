/**
 * Benchmark 2: stack scale with the real engine. `pulumi up` then `pulumi destroy` of stacks of 1, 10,
 * 50 and 100 training jobs against the emulator (real time, removal delay 10 s, jobs that complete
 * within a second so that none is running when destroy starts), and of the same numbers of a trivial
 * dynamic resource that does nothing: the engine's own floor, measured in the same run, size by size.
 *
 * Reported: wall time of each operation, its ratio to the floor, peak RSS of the dynamic-provider
 * process (and of the engine), and the API calls the emulator logged: the list calls of a destroy of
 * 100 jobs against those of a destroy of one (the deletes of one process share their list scans).
 */
import type { RequestLogEntry } from "../emulator";
import { isTerminal } from "../provider/v1/api/status";
import { callsByRoute } from "./lib/calls";
import { BENCH_PROJECT, benchEmulator } from "./lib/emulated";
import { PeakSampler, peakMiB, type ProcessPeak } from "./lib/procs";
import { nothings, trainingJobs } from "./lib/programs";
import { BenchPulumi, lastLines, type BenchStack } from "./lib/pulumi";
import { printTable, seconds, type Verdict } from "./lib/report";
import { linearFit } from "./lib/stats";

export const SIZES = [1, 10, 50, 100] as const;
/**
 * The emulator's removal delay for this benchmark: long enough that the waits, not the engine, make
 * most of a destroy (and that 100 deletes polling each on their own would show in the calls), short
 * enough that the five destroys of training jobs (one in 13 waves of the default `--parallel`) take
 * a few minutes.
 */
export const REMOVAL_DELAY_MS = 10_000;
/** Target of issue 13: the list calls of destroying 100 jobs at most this many times those of one. */
export const MAX_LIST_RATIO = 1.5;
/** The engine's `--parallel` for every operation: at least the largest stack, so that deletes run together. */
export const PARALLEL = 128;
/** The engine's own default (`pulumi up --help`: 4 per CPU, 8 on this machine), measured once for comparison. */
const DEFAULT_PARALLEL = 8;

export type Kind = "training-job" | "floor";

export interface OperationFigures {
  ms: number;
  ok: boolean;
  error?: string;
  calls: number;
  /** Calls per route (training-job stacks only). */
  routes: Record<string, number>;
  providerPeakMiB?: number;
  enginePeakMiB?: number;
  providerProcesses: number;
}

export interface ScaleRow {
  kind: Kind;
  jobs: number;
  parallel: number;
  up: OperationFigures;
  destroy: OperationFigures;
}

export interface StackScaleResult {
  removalDelayMs: number;
  parallel: number;
  rows: ScaleRow[];
  callsFit: { up: ReturnType<typeof linearFit>; destroy: ReturnType<typeof linearFit> };
  verdicts: Verdict[];
}

async function operation(
  run: () => Promise<{ ms: number; ok: boolean; error?: string }>,
  calls: () => RequestLogEntry[],
): Promise<OperationFigures> {
  const sampler = new PeakSampler().start();
  const result = await run();
  const peaks: ProcessPeak[] = sampler.stop();
  const log = calls();
  const figures: OperationFigures = {
    ms: result.ms,
    ok: result.ok,
    calls: log.length,
    routes: callsByRoute(log),
    providerProcesses: peaks.filter((p) => p.role === "provider").length,
  };
  if (result.error !== undefined) figures.error = result.error;
  const provider = peakMiB(peaks, "provider");
  if (provider !== undefined) figures.providerPeakMiB = provider;
  const engine = peakMiB(peaks, "engine");
  if (engine !== undefined) figures.enginePeakMiB = engine;
  return figures;
}

/** Waits (bounded) until the condition holds, polling every 100 ms. */
async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`stack-scale: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runStackScale(pulumi: BenchPulumi, options: { withDefaultParallel?: boolean } = {}): Promise<StackScaleResult> {
  const { emu, credentials } = await benchEmulator({ deleteDelayMs: REMOVAL_DELAY_MS, jobDurationMs: 500 });
  const counts: Record<Kind, number> = { "training-job": 0, floor: 0 };
  const stacks: Partial<Record<Kind, BenchStack>> = {};
  const tag = Date.now().toString(36);
  try {
    stacks["training-job"] = await pulumi.stack(
      `scale-jobs-${tag}`,
      trainingJobs(() => counts["training-job"]),
      emu,
      credentials,
    );
    stacks.floor = await pulumi.stack(
      `scale-floor-${tag}`,
      nothings(() => counts.floor),
      emu,
      credentials,
    );
    const apiCalls = () => {
      const log = emu.control.requests();
      if (log.length >= 10_000) throw new Error("stack-scale: the emulator's request log overflowed (10 000 entries)");
      return log;
    };

    const rows: ScaleRow[] = [];
    const plan: Array<{ jobs: number; parallel: number }> = SIZES.map((jobs) => ({ jobs, parallel: PARALLEL }));
    if (options.withDefaultParallel) plan.push({ jobs: 100, parallel: DEFAULT_PARALLEL });
    for (const { jobs, parallel } of plan) {
      for (const kind of ["floor", "training-job"] as const) {
        if (kind === "floor" && parallel !== PARALLEL) continue;
        const stack = stacks[kind]!;
        counts[kind] = jobs;
        process.stderr.write(`[stack-scale] ${kind} x${jobs} (--parallel ${parallel}): up\n`);
        emu.control.clearRequests();
        const up = await operation(() => stack.up(parallel), apiCalls);
        if (kind === "training-job" && up.ok) {
          await until(`${jobs} jobs in the emulator`, () => emu.control.jobs(BENCH_PROJECT).length === jobs, 10_000);
          // Stable jobs: none may still be running when destroy starts (it would stop it first).
          await until("every job to finish", () => emu.control.jobs(BENCH_PROJECT).every((j) => isTerminal(j.status)), 30_000);
        }
        process.stderr.write(`[stack-scale] ${kind} x${jobs} (--parallel ${parallel}): destroy\n`);
        emu.control.clearRequests();
        const destroy = await operation(() => stack.destroy(parallel), apiCalls);
        if (kind === "training-job" && destroy.ok && emu.control.jobs(BENCH_PROJECT).length !== 0) {
          destroy.ok = false;
          destroy.error = `${emu.control.jobs(BENCH_PROJECT).length} jobs still listed after destroy returned`;
        }
        rows.push({ kind, jobs, parallel, up, destroy });
        if (!up.ok || !destroy.ok)
          process.stderr.write(`[stack-scale] ${kind} x${jobs} failed: ${lastLines(up.error ?? destroy.error ?? "")}\n`);
      }
    }

    const main = rows.filter((r) => r.parallel === PARALLEL);
    const jobRows = main.filter((r) => r.kind === "training-job");
    const floorOf = (jobs: number) => main.find((r) => r.kind === "floor" && r.jobs === jobs);
    const callsFit = {
      up: linearFit(
        jobRows.map((r) => r.jobs),
        jobRows.map((r) => r.up.calls),
      ),
      destroy: linearFit(
        jobRows.map((r) => r.jobs),
        jobRows.map((r) => r.destroy.calls),
      ),
    };

    const verdicts: Verdict[] = [];
    const big = jobRows.find((r) => r.jobs === 100);
    const bigFloor = floorOf(100);
    if (big && bigFloor) {
      const limit = bigFloor.destroy.ms + 1.5 * REMOVAL_DELAY_MS;
      verdicts.push({
        figure: "destroy of 100 jobs",
        value: `${seconds(big.destroy.ms)} s`,
        target: `<= floor ${seconds(bigFloor.destroy.ms)} s + 1.5 x ${seconds(REMOVAL_DELAY_MS)} s = ${seconds(limit)} s`,
        met: big.destroy.ok && big.destroy.ms <= limit,
      });
    }
    const listsOf = (r: ScaleRow | undefined) => r?.destroy.routes["GET /training-jobs"] ?? 0;
    const one = jobRows.find((r) => r.jobs === 1);
    if (big && one) {
      const ratio = listsOf(big) / listsOf(one);
      verdicts.push({
        figure: "list calls of destroying 100 jobs / destroying 1",
        value: `${listsOf(big)} / ${listsOf(one)} = x${ratio.toFixed(2)}`,
        target: `<= x${MAX_LIST_RATIO}`,
        met: big.destroy.ok && one.destroy.ok && ratio <= MAX_LIST_RATIO,
      });
    }
    {
      const perJob = jobRows.filter((r) => r.jobs >= 10).map((r) => r.up.calls / r.jobs);
      const spread = perJob.length > 0 ? Math.max(...perJob) / Math.min(...perJob) : NaN;
      const fit = callsFit.up;
      verdicts.push({
        figure: "API calls of up, linear in jobs",
        value: `${fit.slope.toFixed(2)} per job + ${fit.intercept.toFixed(1)}, R² ${fit.r2.toFixed(4)}; per-job spread (10-100 jobs) x${spread.toFixed(2)}`,
        target: "R² >= 0.99 and per-job calls within ±25% from 10 to 100 jobs",
        met: fit.r2 >= 0.99 && spread <= 1.25,
      });
    }
    {
      // Since the deletes share their list scans, a destroy's calls are one DELETE per job plus lists
      // that grow with its duration: at most linear, never more per job in a bigger stack.
      const sized = jobRows.filter((r) => r.jobs >= 10).sort((a, b) => a.jobs - b.jobs);
      const perJob = sized.map((r) => r.destroy.calls / r.jobs);
      const growth = perJob.length > 0 ? Math.max(...perJob.map((p) => p / perJob[0]!)) : NaN;
      verdicts.push({
        figure: "API calls of destroy, at most linear in jobs",
        value: `per job ${sized.map((r, i) => `${r.jobs}: ${perJob[i]!.toFixed(2)}`).join(", ")}; largest / 10 jobs x${growth.toFixed(2)}`,
        target: "per-job calls from 10 to 100 jobs at most x1.25 those of 10 jobs",
        met: growth <= 1.25,
      });
    }
    verdicts.push({
      figure: "every up and destroy succeeded",
      value: rows.every((r) => r.up.ok && r.destroy.ok) ? "yes" : "no",
      target: "yes",
      met: rows.every((r) => r.up.ok && r.destroy.ok),
    });

    printTable(
      `2. Stack scale with the real engine (removal delay ${seconds(REMOVAL_DELAY_MS)} s)`,
      [
        "resources",
        "kind",
        "--parallel",
        "up s",
        "up / floor",
        "destroy s",
        "destroy / floor",
        "provider peak MiB",
        "engine peak MiB",
        "API calls up",
        "API calls destroy",
        "list calls destroy",
        "ok",
      ],
      rows.map((r) => {
        const floor = floorOf(r.jobs);
        const ratio = (a: number, b: number | undefined) => (b && r.kind !== "floor" ? Math.round((a / b) * 100) / 100 : undefined);
        return [
          r.jobs,
          r.kind,
          r.parallel,
          seconds(r.up.ms),
          ratio(r.up.ms, floor?.up.ms),
          seconds(r.destroy.ms),
          ratio(r.destroy.ms, floor?.destroy.ms),
          Math.max(r.up.providerPeakMiB ?? 0, r.destroy.providerPeakMiB ?? 0) || undefined,
          Math.max(r.up.enginePeakMiB ?? 0, r.destroy.enginePeakMiB ?? 0) || undefined,
          r.kind === "floor" ? undefined : r.up.calls,
          r.kind === "floor" ? undefined : r.destroy.calls,
          r.kind === "floor" ? undefined : listsOf(r),
          r.up.ok && r.destroy.ok,
        ];
      }),
    );
    return { removalDelayMs: REMOVAL_DELAY_MS, parallel: PARALLEL, rows, callsFit, verdicts };
  } finally {
    for (const stack of Object.values(stacks)) await stack?.remove().catch(() => undefined);
    await emu.close();
  }
}
