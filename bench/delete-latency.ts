/**
 * Benchmark 1: delete latency overhead. For each removal delay of the emulator, a completed job is
 * deleted by the provider's own `delete` and, as the reference, by a naive poller that lists every
 * fixed 5 s. Both run on emulated time (frozen emulator clock, every sleep advances it): the
 * overhead is exact and a 120 s removal takes milliseconds of wall time.
 *
 *   overhead = emulated time when delete returns − the job's `goneAt` (set by the emulator at DELETE)
 *   calls    = API requests in the emulator's log during the delete (list pages, DELETE, retries)
 */
import type { ModelArtsApi } from "../provider/v1/api/types";
import { TrainingJobProviderImpl } from "../provider/v1/resource/provider";
import { DEFAULT_POLL, type Clock, type PollSchedule } from "../provider/shared/resource/waiter";
import { BENCH_JOB_CONFIG, BENCH_PROJECT, linkedEmulator, type LinkedEmulator } from "./lib/emulated";
import { printTable, seconds, type Verdict } from "./lib/report";
import { mean } from "./lib/stats";

/** The removal delays of the issue, in milliseconds. */
export const DELAYS_MS = [1_000, 5_000, 30_000, 120_000] as const;
/** The naive reference: list every fixed 5 s after the DELETE. */
export const NAIVE_INTERVAL_MS = 5_000;
/** A sweep of removal delays, 1 s to 120 s in 0.5 s steps, for mean and worst-case figures. */
const SWEEP_MS = Array.from({ length: 239 }, (_, i) => 1_000 + i * 500);

export type Poller = "provider" | "naive-5s";

export interface DeleteRun {
  poller: Poller;
  delayMs: number;
  overheadMs: number;
  calls: number;
  listCalls: number;
}

/** Overhead target of the issue: at most 1 s or 10% of the removal delay, whichever is larger. */
export function overheadTargetMs(delayMs: number): number {
  return Math.max(1_000, 0.1 * delayMs);
}
/** Call target of the issue for a 120 s removal. */
export const MAX_CALLS_120S = 12;

/** The naive reference poller: DELETE, then list the same way every fixed interval until the job is gone. */
export async function naiveDelete(
  client: ModelArtsApi,
  clock: Clock,
  jobId: string,
  jobName: string,
  intervalMs = NAIVE_INTERVAL_MS,
): Promise<void> {
  await client.deleteJob(jobId);
  for (;;) {
    await clock.sleep(intervalMs);
    const jobs = await client.listAllJobs({ searchContent: jobName, perPage: 1000 });
    if (!jobs.some((j) => j.jobId === jobId)) return;
  }
}

let serial = 0;

/** Deletes one completed job with the given poller and measures it. */
async function measure(env: LinkedEmulator, poller: Poller, delayMs: number, schedule: PollSchedule | undefined): Promise<DeleteRun> {
  const { emu, client, clock } = env;
  emu.control.setBehaviour({ deleteDelayMs: delayMs });
  const jobName = `latency-${++serial}`;
  const created = await client.createJob({ jobName, config: BENCH_JOB_CONFIG });
  // Let the job complete, so that neither poller has a version to stop first.
  await clock.sleep(emu.control.behaviour().jobDurationMs + 1);

  // The emulator sets the job's `goneAt` when it accepts the DELETE; read it right after.
  let goneAt: number | undefined;
  const observed: ModelArtsApi = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "deleteJob") {
        return async (id: string, options?: object) => {
          await target.deleteJob(id, options);
          goneAt ??= emu.control.job(id)?.goneAt;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });

  emu.control.clearRequests();
  if (poller === "provider") {
    const provider = new TrainingJobProviderImpl({ clientFor: () => observed, clock, ...(schedule ? { poll: schedule } : {}) });
    await provider.delete(created.jobId, { jobId: created.jobId, jobName, config: BENCH_JOB_CONFIG, stopBeforeDelete: true });
  } else {
    await naiveDelete(observed, clock, created.jobId, jobName);
  }
  const returnedAt = clock.now();
  const requests = emu.control.requests();
  if (goneAt === undefined) throw new Error(`bench: the emulator reported no goneAt for job ${created.jobId}`);
  if (emu.control.job(created.jobId) !== undefined)
    throw new Error(`bench: job ${created.jobId} is still there after the ${poller} delete returned`);
  return {
    poller,
    delayMs,
    overheadMs: returnedAt - goneAt,
    calls: requests.length,
    listCalls: requests.filter((r) => r.method === "GET" && /\/training-jobs(\?|$)/.test(r.path)).length,
  };
}

export interface DeleteLatencyResult {
  runs: DeleteRun[];
  sweep: Array<{
    poller: Poller;
    meanOverheadMs: number;
    worstOverheadMs: number;
    worstAtDelayMs: number;
    meanCalls: number;
    maxCalls: number;
    withinTarget: number;
    delays: number;
  }>;
  verdicts: Verdict[];
  schedule: PollSchedule;
}

/** Runs benchmark 1. `schedule` replaces the provider's default poll schedule (exploration only). */
export async function runDeleteLatency(schedule?: PollSchedule): Promise<DeleteLatencyResult> {
  const env = await linkedEmulator({ jobDurationMs: 1_000, projectId: BENCH_PROJECT });
  try {
    const runs: DeleteRun[] = [];
    for (const delayMs of DELAYS_MS) {
      for (const poller of ["provider", "naive-5s"] as const) runs.push(await measure(env, poller, delayMs, schedule));
    }
    const sweepRuns: DeleteRun[] = [];
    for (const delayMs of SWEEP_MS) {
      for (const poller of ["provider", "naive-5s"] as const) sweepRuns.push(await measure(env, poller, delayMs, schedule));
    }
    const sweep = (["provider", "naive-5s"] as const).map((poller) => {
      const mine = sweepRuns.filter((r) => r.poller === poller);
      const worst = mine.reduce((a, b) => (b.overheadMs > a.overheadMs ? b : a));
      return {
        poller,
        meanOverheadMs: Math.round(mean(mine.map((r) => r.overheadMs))),
        worstOverheadMs: worst.overheadMs,
        worstAtDelayMs: worst.delayMs,
        meanCalls: Math.round(mean(mine.map((r) => r.calls)) * 10) / 10,
        maxCalls: Math.max(...mine.map((r) => r.calls)),
        withinTarget: mine.filter((r) => r.overheadMs <= overheadTargetMs(r.delayMs)).length,
        delays: mine.length,
      };
    });

    const verdicts: Verdict[] = [];
    for (const r of runs.filter((x) => x.poller === "provider")) {
      verdicts.push({
        figure: `delete overhead, ${seconds(r.delayMs)} s removal`,
        value: `${seconds(r.overheadMs)} s`,
        target: `<= ${seconds(overheadTargetMs(r.delayMs))} s`,
        met: r.overheadMs <= overheadTargetMs(r.delayMs),
      });
    }
    const at120 = runs.find((r) => r.poller === "provider" && r.delayMs === 120_000);
    if (at120) {
      verdicts.push({
        figure: "delete API calls, 120 s removal",
        value: String(at120.calls),
        target: `<= ${MAX_CALLS_120S}`,
        met: at120.calls <= MAX_CALLS_120S,
      });
    }

    const used = schedule ?? DEFAULT_POLL;
    printTable(
      `1. Delete latency overhead (emulated time; provider poll schedule: first ${used.firstMs} ms, x${used.factor}, cap ${used.maxMs} ms)`,
      ["removal delay s", "provider overhead s", "naive-5s overhead s", "target s", "provider calls", "naive-5s calls", "provider met"],
      DELAYS_MS.map((d) => {
        const p = runs.find((r) => r.poller === "provider" && r.delayMs === d)!;
        const n = runs.find((r) => r.poller === "naive-5s" && r.delayMs === d)!;
        const met = p.overheadMs <= overheadTargetMs(d) && (d !== 120_000 || p.calls <= MAX_CALLS_120S);
        return [seconds(d), seconds(p.overheadMs), seconds(n.overheadMs), seconds(overheadTargetMs(d)), p.calls, n.calls, met];
      }),
    );
    printTable(
      `   Sweep of ${SWEEP_MS.length} removal delays, 1 s to 120 s in 0.5 s steps`,
      ["poller", "mean overhead s", "worst overhead s", "worst at delay s", "mean calls", "max calls", "delays within overhead target"],
      sweep.map((s) => [
        s.poller,
        seconds(s.meanOverheadMs),
        seconds(s.worstOverheadMs),
        seconds(s.worstAtDelayMs),
        s.meanCalls,
        s.maxCalls,
        `${s.withinTarget}/${s.delays}`,
      ]),
    );
    return { runs, sweep, verdicts, schedule: used };
  } finally {
    await env.emu.close();
  }
}
