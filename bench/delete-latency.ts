/**
 * Benchmark 1: delete latency overhead, and the calls of many deletes at once. For each removal delay
 * of the emulator, a completed job is deleted by the provider's own `delete` and, as the reference, by
 * a naive poller that lists every fixed 5 s. Both run on emulated time (frozen emulator clock, every
 * sleep advances it): the overhead is exact and a 600 s removal takes a second of wall time.
 *
 *   overhead = emulated time when delete returns − the job's `goneAt` (set by the emulator at DELETE)
 *   calls    = API requests in the emulator's log during the delete (list pages, DELETE, retries)
 *
 * Then 100 completed jobs are deleted at once by one provider (one process, as under the engine), and
 * the list calls of the whole batch are set against those of one delete with the same removal delay.
 */
import type { ModelArtsApi } from "../provider/v1/api/types";
import { TrainingJobProviderImpl } from "../provider/v1/resource/provider";
import { DEFAULT_PACES } from "../provider/shared/resource/poller";
import type { Clock, PollSchedule } from "../provider/shared/resource/waiter";
import { BENCH_JOB_CONFIG, BENCH_PROJECT, linkedEmulator, QuiescentClock, type LinkedEmulator } from "./lib/emulated";
import { printTable, seconds, type Verdict } from "./lib/report";
import { mean, percentile } from "./lib/stats";

/** Removal delays shown one by one, in milliseconds. */
export const DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000] as const;
/** The naive reference: list every fixed 5 s after the DELETE. */
export const NAIVE_INTERVAL_MS = 5_000;
/**
 * A sweep of 120 removal delays from 1 s to 600 s, in steps of 5.021 s (a step that is no multiple of
 * either poller's interval, so that no delay is flattered by landing on a poll).
 */
const SWEEP_MS = Array.from({ length: 120 }, (_, i) => 1_000 + i * 5_021);
/** The targets of issue 19: p95 overhead of removals up to 20 s; 5 % beyond; never above 15 s. */
export const P95_OVERHEAD_TARGET_MS = 1_000;
export const SHORT_REMOVAL_MS = 20_000;
export const LONG_REMOVAL_SHARE = 0.05;
export const MAX_OVERHEAD_TARGET_MS = 15_000;
/** Concurrent deletes, and the removal delay they share. */
export const CONCURRENT_DELETES = 100;
export const CONCURRENT_DELAY_MS = 60_000;
/** Target of issue 13: a batch's list calls at most this many times those of one delete. */
export const MAX_LIST_RATIO = 1.5;
/** Call target of issue 6 for one delete of a 120 s removal (kept to show what the faster pace costs). */
export const MAX_CALLS_120S = 12;

export type Poller = "provider" | "naive-5s";

export interface DeleteRun {
  poller: Poller;
  delayMs: number;
  overheadMs: number;
  calls: number;
  listCalls: number;
}

const isList = (r: { method: string; path: string }) => r.method === "GET" && /\/training-jobs(\?|$)/.test(r.path);

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

/** A client that records each job's `goneAt`, which the emulator sets when it accepts the DELETE. */
function observing(env: LinkedEmulator, goneAt: Map<string, number>): ModelArtsApi {
  const { emu, client } = env;
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "deleteJob") {
        return async (id: string, options?: object) => {
          await target.deleteJob(id, options);
          const at = emu.control.job(id)?.goneAt;
          if (at !== undefined && !goneAt.has(id)) goneAt.set(id, at);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Creates `count` jobs and lets them complete, so that no delete has a version to stop first. */
async function completedJobs(env: LinkedEmulator, count: number): Promise<Array<{ jobId: string; jobName: string }>> {
  const jobs: Array<{ jobId: string; jobName: string }> = [];
  for (let i = 0; i < count; i++) {
    const jobName = `latency-${++serial}`;
    const created = await env.client.createJob({ jobName, config: BENCH_JOB_CONFIG });
    jobs.push({ jobId: created.jobId, jobName });
  }
  await env.clock.sleep(env.emu.control.behaviour().jobDurationMs + 1);
  return jobs;
}

function providerOn(env: LinkedEmulator, client: ModelArtsApi, schedule: PollSchedule | undefined): TrainingJobProviderImpl {
  return new TrainingJobProviderImpl({ clientFor: () => client, clock: env.clock, ...(schedule ? { poll: schedule } : {}) });
}

/** Deletes one completed job with the given poller and measures it. */
async function measure(env: LinkedEmulator, poller: Poller, delayMs: number, schedule: PollSchedule | undefined): Promise<DeleteRun> {
  const { emu, clock } = env;
  emu.control.setBehaviour({ deleteDelayMs: delayMs });
  const [job] = await completedJobs(env, 1);
  const { jobId, jobName } = job!;
  const goneAt = new Map<string, number>();
  const observed = observing(env, goneAt);
  emu.control.clearRequests();
  if (poller === "provider") {
    await providerOn(env, observed, schedule).delete(jobId, { jobId, jobName, config: BENCH_JOB_CONFIG, stopBeforeDelete: true });
  } else {
    await naiveDelete(observed, clock, jobId, jobName);
  }
  const returnedAt = clock.now();
  const requests = emu.control.requests();
  const gone = goneAt.get(jobId);
  if (gone === undefined) throw new Error(`bench: the emulator reported no goneAt for job ${jobId}`);
  if (emu.control.job(jobId) !== undefined) throw new Error(`bench: job ${jobId} is still there after the ${poller} delete returned`);
  return { poller, delayMs, overheadMs: returnedAt - gone, calls: requests.length, listCalls: requests.filter(isList).length };
}

export interface ConcurrentRun {
  poller: Poller;
  deletes: number;
  delayMs: number;
  listCalls: number;
  calls: number;
  maxOverheadMs: number;
  /** Emulated time from the first DELETE to the last delete returning. */
  spanMs: number;
}

/** Deletes `count` completed jobs at once through one provider (one process, as under the engine) and counts the calls. */
async function concurrent(env: LinkedEmulator, count: number, delayMs: number): Promise<ConcurrentRun> {
  const poller: Poller = "provider";
  const { emu } = env;
  emu.control.setBehaviour({ deleteDelayMs: delayMs });
  const jobs = await completedJobs(env, count);
  const goneAt = new Map<string, number>();
  // Time moves only when every delete is waiting: a burst of 100 DELETEs takes no emulated time.
  const quiet = new QuiescentClock(emu);
  const observed = quiet.track(observing(env, goneAt));
  const provider = new TrainingJobProviderImpl({ clientFor: () => observed, clock: quiet });
  emu.control.clearRequests();
  const returnedAt = new Map<string, number>();
  await Promise.all(
    jobs.map(async ({ jobId, jobName }) => {
      await provider.delete(jobId, { jobId, jobName, config: BENCH_JOB_CONFIG, stopBeforeDelete: true });
      returnedAt.set(jobId, quiet.now());
    }),
  );
  const requests = emu.control.requests();
  if (requests.length >= 10_000) throw new Error("bench: the emulator's request log overflowed (10 000 entries)");
  const left = jobs.filter((j) => emu.control.job(j.jobId) !== undefined);
  if (left.length > 0) throw new Error(`bench: ${left.length} jobs still there after the concurrent ${poller} deletes returned`);
  const overheads = jobs.map((j) => returnedAt.get(j.jobId)! - goneAt.get(j.jobId)!);
  const firstGone = Math.min(...goneAt.values()) - delayMs;
  return {
    poller,
    deletes: count,
    delayMs,
    listCalls: requests.filter(isList).length,
    calls: requests.length,
    maxOverheadMs: Math.max(...overheads),
    spanMs: Math.max(...returnedAt.values()) - firstGone,
  };
}

export interface SweepFigures {
  poller: Poller;
  p50OverheadMs: number;
  p95OverheadMs: number;
  worstOverheadMs: number;
  worstAtDelayMs: number;
  meanOverheadMs: number;
  meanCalls: number;
  maxCalls: number;
  delays: number;
}

export interface DeleteLatencyResult {
  runs: DeleteRun[];
  sweep: SweepFigures[];
  concurrent: ConcurrentRun[];
  single: DeleteRun;
  naiveSingle: DeleteRun;
  verdicts: Verdict[];
  paces: typeof DEFAULT_PACES | { near: PollSchedule; long: PollSchedule };
}

/** Runs benchmark 1. `schedule` replaces the provider's default pace (exploration only). */
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
    const sweep: SweepFigures[] = (["provider", "naive-5s"] as const).map((poller) => {
      const mine = sweepRuns.filter((r) => r.poller === poller);
      const worst = mine.reduce((a, b) => (b.overheadMs > a.overheadMs ? b : a));
      const overheads = mine.map((r) => r.overheadMs);
      return {
        poller,
        p50OverheadMs: percentile(overheads, 50),
        p95OverheadMs: percentile(overheads, 95),
        worstOverheadMs: worst.overheadMs,
        worstAtDelayMs: worst.delayMs,
        meanOverheadMs: Math.round(mean(overheads)),
        meanCalls: Math.round(mean(mine.map((r) => r.calls)) * 10) / 10,
        maxCalls: Math.max(...mine.map((r) => r.calls)),
        delays: mine.length,
      };
    });
    const single = await measure(env, "provider", CONCURRENT_DELAY_MS, schedule);
    // Naive pollers are independent: N of them make N times the calls of one (on emulated time, whose
    // sleeps each advance the one clock, N sleeping pollers cannot run side by side).
    const naiveSingle = await measure(env, "naive-5s", CONCURRENT_DELAY_MS, schedule);
    const batches: ConcurrentRun[] = [await concurrent(env, CONCURRENT_DELETES, CONCURRENT_DELAY_MS)];
    const verdicts: Verdict[] = [];
    const naive = sweep.find((s) => s.poller === "naive-5s")!;
    // Issue 19: the overhead of a removal of up to 20 s stays within 1 s (p95); beyond, within 5 % of
    // the removal, and never above 15 s.
    const providerRuns = [...sweepRuns, ...runs].filter((r) => r.poller === "provider");
    const short = providerRuns.filter((r) => r.delayMs <= SHORT_REMOVAL_MS).map((r) => r.overheadMs);
    const long = providerRuns.filter((r) => r.delayMs > SHORT_REMOVAL_MS);
    const worstShare = Math.max(...long.map((r) => r.overheadMs / r.delayMs));
    const worst = Math.max(...providerRuns.map((r) => r.overheadMs));
    verdicts.push({
      figure: `delete overhead p95, the ${short.length} removals of 20 s or less (emulated time)`,
      value: `${seconds(percentile(short, 95))} s`,
      target: `<= ${seconds(P95_OVERHEAD_TARGET_MS)} s`,
      met: percentile(short, 95) <= P95_OVERHEAD_TARGET_MS,
    });
    verdicts.push({
      figure: `delete overhead as a share of the removal, the ${long.length} removals above 20 s (worst)`,
      value: `${(worstShare * 100).toFixed(1)} % (p95 overhead ${seconds(
        percentile(
          long.map((r) => r.overheadMs),
          95,
        ),
      )} s; naive 5 s p95 over the sweep: ${seconds(naive.p95OverheadMs)} s)`,
      target: `<= ${LONG_REMOVAL_SHARE * 100} %`,
      met: worstShare <= LONG_REMOVAL_SHARE,
    });
    verdicts.push({
      figure: `delete overhead max, the sweep and the delays ${DELAYS_MS.map((d) => seconds(d)).join("/")} s`,
      value: `${seconds(worst)} s (naive 5 s: ${seconds(naive.worstOverheadMs)} s)`,
      target: `<= ${seconds(MAX_OVERHEAD_TARGET_MS)} s`,
      met: worst <= MAX_OVERHEAD_TARGET_MS,
    });
    const batch = batches[0]!;
    const ratio = batch.listCalls / single.listCalls;
    verdicts.push({
      figure: `list calls of ${CONCURRENT_DELETES} concurrent deletes / one delete, ${seconds(CONCURRENT_DELAY_MS)} s removal (emulated time)`,
      value: `${batch.listCalls} / ${single.listCalls} = x${ratio.toFixed(2)} (naive 5 s: ${CONCURRENT_DELETES * naiveSingle.listCalls})`,
      target: `<= x${MAX_LIST_RATIO}`,
      met: ratio <= MAX_LIST_RATIO,
    });
    const at120 = runs.find((r) => r.poller === "provider" && r.delayMs === 120_000);
    if (at120) {
      verdicts.push({
        figure: "API calls of one delete, 120 s removal (issue 6)",
        value: String(at120.calls),
        target: `<= ${MAX_CALLS_120S}`,
        met: at120.calls <= MAX_CALLS_120S,
      });
    }

    const paces = schedule ? { near: schedule, long: schedule } : DEFAULT_PACES;
    printTable(
      `1. Delete latency overhead (emulated time; provider near pace: first ${paces.near.firstMs} ms, x${paces.near.factor}, cap ${paces.near.maxMs} ms, then ${(paces.near.share ?? 0) * 100} % of the time waited up to ${paces.near.shareCapMs ?? 15_000} ms)`,
      ["removal delay s", "provider overhead s", "naive-5s overhead s", "provider calls", "naive-5s calls"],
      DELAYS_MS.map((d) => {
        const p = runs.find((r) => r.poller === "provider" && r.delayMs === d)!;
        const n = runs.find((r) => r.poller === "naive-5s" && r.delayMs === d)!;
        return [seconds(d), seconds(p.overheadMs), seconds(n.overheadMs), p.calls, n.calls];
      }),
    );
    printTable(
      `   Sweep of ${SWEEP_MS.length} removal delays, 1 s to 600 s in 5.021 s steps`,
      ["poller", "p50 overhead s", "p95 overhead s", "worst overhead s", "worst at delay s", "mean overhead s", "mean calls", "max calls"],
      sweep.map((x) => [
        x.poller,
        seconds(x.p50OverheadMs),
        seconds(x.p95OverheadMs),
        seconds(x.worstOverheadMs),
        seconds(x.worstAtDelayMs),
        seconds(x.meanOverheadMs),
        x.meanCalls,
        x.maxCalls,
      ]),
    );
    printTable(
      `   ${CONCURRENT_DELETES} deletes at once vs one delete, ${seconds(CONCURRENT_DELAY_MS)} s removal (one provider, emulated time)`,
      ["run", "deletes", "list calls", "all calls", "max overhead s", "first DELETE to last return s"],
      [
        ["provider, one delete", 1, single.listCalls, single.calls, seconds(single.overheadMs), undefined],
        ...batches.map((b) => [`${b.poller}, at once`, b.deletes, b.listCalls, b.calls, seconds(b.maxOverheadMs), seconds(b.spanMs)]),
        ["naive-5s, one delete", 1, naiveSingle.listCalls, naiveSingle.calls, seconds(naiveSingle.overheadMs), undefined],
        [
          `naive-5s, ${CONCURRENT_DELETES} independent pollers`,
          CONCURRENT_DELETES,
          CONCURRENT_DELETES * naiveSingle.listCalls,
          CONCURRENT_DELETES * naiveSingle.calls,
          seconds(naiveSingle.overheadMs),
          undefined,
        ],
      ],
    );
    return { runs, sweep, concurrent: batches, single, naiveSingle, verdicts, paces };
  } finally {
    await env.emu.close();
  }
}
