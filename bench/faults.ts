/**
 * Benchmark 5: sturdiness under faults. `pulumi up` and `pulumi destroy` of 20 training jobs while a
 * share of the API requests fail: 429 with Retry-After, 500, 503, dropped connections and added
 * latency, drawn uniformly, each striking either before the request is handled or after (the work is
 * done, the client sees the fault: the case that tempts a client to create a job twice); a 429 always
 * strikes before (a rate limiter refuses a request, it does not handle it). Draws come from the
 * emulator's seeded generator with a fixed seed: the sequence of faults is the same in every run;
 * which request meets which draw depends on the arrival order of the parallel requests.
 *
 * Reported per rate: jobs created, duplicates (a job name held by two jobs), jobs left behind after
 * destroy, failed operations (up/destroy exiting with an error), and API calls beyond the 0% run.
 * When a destroy fails it is run again, as a user would, at most twice more.
 */
import type { FaultStep, RunningEmulator } from "../emulator";
import { FAULT_KINDS, seededRandom } from "../emulator/faults";
import { isTerminal } from "../provider/v1/api/status";
import { callsByRoute } from "./lib/calls";
import { BENCH_PROJECT, benchEmulator } from "./lib/emulated";
import { trainingJobs } from "./lib/programs";
import { BenchPulumi, lastLines } from "./lib/pulumi";
import { printTable, seconds, type Verdict } from "./lib/report";

export const RATES = [0, 0.1, 0.2, 0.4] as const;
export const JOBS = 20;
export const SEED = 20_240_601;
const REMOVAL_DELAY_MS = 3_000;
/** More fault draws than any run makes; the run checks that some are left, i.e. the rate held throughout. */
const DRAWS = 5_000;
const MAX_DESTROY_RUNS = 3;

export interface FaultRun {
  rate: number;
  jobsCreated: number;
  duplicates: number;
  inState: number;
  leftAfterFirstDestroy: number;
  leftBehind: number;
  failedOperations: number;
  destroyRuns: number;
  errors: string[];
  upMs: number;
  destroyMs: number;
  calls: number;
  /** Calls per route. */
  routes: Record<string, number>;
  faultsInjected: number;
  /** Injected faults per kind and phase, e.g. `500/after`. */
  faultKinds: Record<string, number>;
  extraCalls?: number;
}

export interface FaultsResult {
  jobs: number;
  seed: number;
  runs: FaultRun[];
  verdicts: Verdict[];
}

/**
 * The fault sequence for a rate: for each request in arrival order, with probability `rate` a kind
 * drawn uniformly from all five and a phase (before/after) drawn uniformly, except that a 429 always
 * strikes before the request is handled; otherwise no fault.
 */
export function faultSteps(rate: number, seed: number, count = DRAWS): FaultStep[] {
  const random = seededRandom(seed);
  const steps: FaultStep[] = [];
  for (let i = 0; i < count; i++) {
    if (random() < rate) {
      const kind = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!;
      const after = random() < 0.5;
      // A 429 is a rate limiter's refusal: the request was not handled (the client relies on that).
      steps.push({ kind, phase: after && kind !== "429" ? "after" : "before" });
    } else {
      steps.push({ kind: "none" });
    }
  }
  return steps;
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/** Jobs listed and not being deleted. */
function remaining(emu: RunningEmulator): number {
  return emu.control.jobs(BENCH_PROJECT).filter((j) => j.deletion !== "pending").length;
}

async function runAt(pulumi: BenchPulumi, rate: number): Promise<FaultRun> {
  const { emu, credentials } = await benchEmulator({ deleteDelayMs: REMOVAL_DELAY_MS, jobDurationMs: 500, seed: SEED });
  let destroyed = false;
  const stack = await pulumi.stack(
    `faults-${Math.round(rate * 100)}-${Date.now().toString(36)}`,
    trainingJobs(() => JOBS),
    emu,
    credentials,
  );
  try {
    if (rate > 0) emu.control.addFaultScript({ id: "bench-faults", steps: faultSteps(rate, SEED) });
    emu.control.clearRequests();
    const errors: string[] = [];
    let failedOperations = 0;

    process.stderr.write(`[faults] ${Math.round(rate * 100)}%: up\n`);
    const up = await stack.up(JOBS);
    if (!up.ok) {
      failedOperations++;
      errors.push(`up: ${up.error ?? ""}`);
    }
    const jobs = emu.control.jobs(BENCH_PROJECT);
    const names = new Set(jobs.map((j) => j.jobName));
    const inState =
      (await stack.stack.exportStack()).deployment?.resources?.filter((r: { type: string }) => r.type.endsWith("modelarts:TrainingJob"))
        .length ?? 0;
    // Stable jobs before destroy, as in the scale benchmark (bounded wait on a condition).
    const deadline = Date.now() + 30_000;
    while (!emu.control.jobs(BENCH_PROJECT).every((j) => isTerminal(j.status)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    let destroyMs = 0;
    let leftAfterFirstDestroy = -1;
    let destroyRuns = 0;
    for (; destroyRuns < MAX_DESTROY_RUNS;) {
      process.stderr.write(`[faults] ${Math.round(rate * 100)}%: destroy\n`);
      const destroy = await stack.destroy(JOBS);
      destroyRuns++;
      destroyMs += destroy.ms;
      if (leftAfterFirstDestroy < 0) leftAfterFirstDestroy = remaining(emu);
      if (destroy.ok) {
        destroyed = true;
        break;
      }
      failedOperations++;
      errors.push(`destroy: ${destroy.error ?? ""}`);
    }
    const requests = emu.control.requests();
    if (requests.length >= 10_000) throw new Error("faults: the emulator's request log overflowed (10 000 entries)");
    if (rate > 0 && !emu.control.faults().scripts.some((s) => s.id === "bench-faults")) {
      throw new Error(`faults: the ${DRAWS} fault draws ran out; the rate did not hold to the end`);
    }
    return {
      rate,
      jobsCreated: jobs.length,
      duplicates: jobs.length - names.size,
      inState,
      leftAfterFirstDestroy,
      leftBehind: remaining(emu),
      failedOperations,
      destroyRuns,
      errors: errors.map((e) => lastLines(e, 3)),
      upMs: up.ms,
      destroyMs,
      calls: requests.length,
      routes: callsByRoute(requests),
      faultsInjected: requests.filter((r) => r.fault !== undefined).length,
      faultKinds: countBy(requests.filter((r) => r.fault !== undefined).map((r) => `${r.fault}/${r.faultPhase ?? "before"}`)),
    };
  } finally {
    if (!destroyed) await stack.destroy(JOBS);
    await stack.remove().catch(() => undefined);
    await emu.close();
  }
}

export async function runFaults(pulumi: BenchPulumi): Promise<FaultsResult> {
  const runs: FaultRun[] = [];
  for (const rate of RATES) runs.push(await runAt(pulumi, rate));
  const base = runs.find((r) => r.rate === 0);
  for (const r of runs) if (base) r.extraCalls = r.calls - base.calls;

  const verdicts: Verdict[] = [];
  for (const r of runs) {
    const pct = `${Math.round(r.rate * 100)}%`;
    verdicts.push({ figure: `faults ${pct}: duplicates`, value: String(r.duplicates), target: "0", met: r.duplicates === 0 });
    verdicts.push({
      figure: `faults ${pct}: jobs left behind after destroy`,
      value: String(r.leftBehind),
      target: "0",
      met: r.leftBehind === 0,
    });
    if (r.rate <= 0.2) {
      verdicts.push({
        figure: `faults ${pct}: failed operations`,
        value: String(r.failedOperations),
        target: "0",
        met: r.failedOperations === 0,
      });
    }
  }
  printTable(
    `5. Sturdiness under faults (${JOBS} jobs; 429/500/503/drop/latency, before or after handling; seed ${SEED})`,
    [
      "fault rate",
      "faults injected",
      "jobs created",
      "in state",
      "duplicates",
      "left after 1st destroy",
      "left behind",
      "failed ops",
      "destroy runs",
      "up s",
      "destroy s",
      "API calls",
      "extra calls vs 0%",
    ],
    runs.map((r) => [
      `${Math.round(r.rate * 100)}%`,
      r.faultsInjected,
      r.jobsCreated,
      r.inState,
      r.duplicates,
      r.leftAfterFirstDestroy,
      r.leftBehind,
      r.failedOperations,
      r.destroyRuns,
      seconds(r.upMs),
      seconds(r.destroyMs),
      r.calls,
      base && r !== base ? `+${r.extraCalls} (+${Math.round(((r.extraCalls ?? 0) / base.calls) * 100)}%)` : "-",
    ]),
  );
  for (const r of runs) for (const e of r.errors) process.stdout.write(`   ${Math.round(r.rate * 100)}%: ${e}\n`);
  return { jobs: JOBS, seed: SEED, runs, verdicts };
}
