/**
 * Benchmark 6 (issue 19): waits that respect the service, with the v2 provider against the emulator.
 *
 * - Scans per removal: one delete each of a job whose removal takes 20 / 60 / 120 / 600 s, on
 *   emulated time: the searches and GETs between the DELETE and the delete's return.
 * - A destroy of 100 jobs spread over 3 workspaces, one provider process, on a discrete-event
 *   emulated clock (many operations side by side): the calls per second of the account, the list /
 *   search calls per second on average, and the worst burst (in any window of w seconds, list calls
 *   beyond the pace's allowance of 10 + w).
 * - The same destroy under the emulator's gateway limit of 2 requests per second per account: failed
 *   deletes, requests sent inside a Retry-After, jobs left.
 * - Time to the first error with a wrong endpoint (a port that refuses, and one answering HTML 502),
 *   real time: a create must end within 30 s, having sent no POST.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type RunningEmulator } from "../emulator";
import { DEFAULT_PACE, PaceRegistry } from "../provider/shared/api/pace";
import { Pollers } from "../provider/shared/resource/poller";
import { createV2Client } from "../provider/v2/api/client";
import type { ModelArtsV2Api } from "../provider/v2/api/types";
import { TrainingJobV2ProviderImpl } from "../provider/v2/resource/provider";
import { BENCH_PROJECT, freshCredentials, QuiescentClock } from "./lib/emulated";
import { printTable, seconds, type Verdict } from "./lib/report";

export const REMOVALS_MS = [20_000, 60_000, 120_000, 600_000] as const;
/** The expectation: about 55 scans for 60 s and about 110 for 600 s. */
const EXPECTED_SCANS: Record<number, number> = { 60_000: 55, 600_000: 110 };
export const DESTROY_JOBS = 100;
export const WORKSPACES = ["0", "a".repeat(32), "b".repeat(32)] as const;
export const GATEWAY_RPS = 2;
export const FIRST_ERROR_TARGET_MS = 30_000;

const isSearch = (r: { method: string; path: string }) => r.method === "POST" && r.path.includes("/training-job-searches");

interface World {
  emu: RunningEmulator;
  client: ModelArtsV2Api;
  creator: ModelArtsV2Api;
  provider: TrainingJobV2ProviderImpl;
  clock: { now(): number };
}

/** A v2 provider whose sleeps (its own, the poller's, the pace's) run on the emulator's frozen clock. */
async function world(options: { concurrent: boolean; deleteDelayMs: number }): Promise<World> {
  const credentials = freshCredentials();
  const setup = freshCredentials();
  const emu = await startEmulator({
    port: 0,
    accessKeys: { [credentials.accessKey]: credentials.secretKey, [setup.accessKey]: setup.secretKey },
    projectId: BENCH_PROJECT,
    frozenClock: true,
    jobDurationMs: 1_000,
    killMs: 0,
    deleteDelayMs: options.deleteDelayMs,
    // Emulated time runs far ahead of the wall clock here: signatures are dated on it.
    maxClockSkewMs: 24 * 3_600_000,
  });
  const linked = {
    now: () => emu.control.clock().now,
    sleep: async (ms: number) => void emu.control.advance(Math.max(1, Math.ceil(ms))),
  };
  const quiet = options.concurrent ? new QuiescentClock(emu) : undefined;
  const clock = quiet ?? linked;
  const raw = createV2Client(
    { endpoint: emu.url, projectId: BENCH_PROJECT, ...credentials },
    {},
    { clock: { now: clock.now, sleep: clock.sleep }, paces: new PaceRegistry(clock) },
  );
  const client = quiet ? quiet.track<ModelArtsV2Api>(raw) : raw;
  const provider = new TrainingJobV2ProviderImpl({ clientFor: () => client, clock, pollers: new Pollers(clock) });
  // Another account makes the jobs, unpaced, so that the measured account starts fresh.
  const creator = createV2Client(
    { endpoint: emu.url, projectId: BENCH_PROJECT, ...setup },
    {},
    { paces: new PaceRegistry(linked), pace: { maxRequestsPerSecond: 1000, listsPerSecond: 1000, burst: 1000 } },
  );
  return { emu, client, creator, provider, clock };
}

const JOB = (name: string, workspaceId: string) => ({
  metadata: { name, workspaceId, description: "bench" },
  algorithm: {
    codeDir: "/bucket/code/",
    bootFile: "/bucket/code/train.py",
    engine: { engineName: "PyTorch", engineVersion: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" },
  },
  spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1 } },
});

/** Creates `n` jobs over the workspaces (another account), lets them complete, and returns the state a delete gets. */
async function completedJobs(w: World, n: number): Promise<Array<{ id: string; outs: Record<string, unknown> }>> {
  const jobs: Array<{ id: string; outs: Record<string, unknown> }> = [];
  for (let i = 0; i < n; i++) {
    const job = await w.creator.createJob(JOB(`bench-${i}`, WORKSPACES[i % WORKSPACES.length]!) as never);
    jobs.push({
      id: job.id,
      outs: {
        jobId: job.id,
        jobName: job.name,
        workspaceId: job.workspaceId,
        createTime: new Date(job.createTime).toISOString(),
        timeouts: { delete: "60m" },
      },
    });
  }
  w.emu.control.advance(120_000);
  return jobs;
}

export interface ScansRow {
  removalS: number;
  searches: number;
  gets: number;
  overheadMs: number;
}

async function scansPerRemoval(): Promise<ScansRow[]> {
  const rows: ScansRow[] = [];
  for (const removal of REMOVALS_MS) {
    const w = await world({ concurrent: false, deleteDelayMs: removal });
    try {
      const [created] = await completedJobs(w, 1);
      w.emu.control.clearRequests();
      const started = w.clock.now();
      await w.provider.delete(created!.id, created!.outs);
      const log = w.emu.control.requests();
      const deleteAt = log.find((r) => r.method === "DELETE")?.emulatorTime ?? started;
      const after = log.filter((r) => r.emulatorTime >= deleteAt && r.method !== "DELETE");
      rows.push({
        removalS: removal / 1000,
        searches: after.filter(isSearch).length,
        gets: after.filter((r) => r.method === "GET").length,
        overheadMs: w.clock.now() - deleteAt - removal,
      });
    } finally {
      await w.emu.close();
    }
  }
  return rows;
}

export interface DestroyRun {
  gatewayRps: number | null;
  jobs: number;
  failed: number;
  left: number;
  emulatedS: number;
  calls: number;
  listCalls: number;
  callsPerSecond: number;
  listsPerSecond: number;
  /** Worst, over every window of w s: list calls − (burst + w). Positive: a burst above the pace. */
  worstListExcess: number;
  throttled: number;
  insideRetryAfter: number;
}

async function destroy(gatewayRps: number | null): Promise<DestroyRun> {
  const w = await world({ concurrent: true, deleteDelayMs: 30_000 });
  try {
    const jobs = await completedJobs(w, DESTROY_JOBS);
    if (gatewayRps !== null) await w.emu.control.setRateLimit({ requestsPerSecond: gatewayRps });
    w.emu.control.clearRequests();
    const started = w.clock.now();
    const outcomes = await Promise.allSettled(jobs.map((j) => w.provider.delete(j.id, j.outs)));
    const ended = w.clock.now();
    const firstFailure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (firstFailure) process.stdout.write(`   first failed delete: ${String(firstFailure.reason).slice(0, 300)}\n`);
    const log = w.emu.control.requests();
    const lists = log
      .filter(isSearch)
      .map((r) => r.emulatorTime)
      .sort((a, b) => a - b);
    let worst = -Infinity;
    for (let i = 0; i < lists.length; i++) {
      for (let j = i; j < lists.length; j++) {
        const windowS = (lists[j]! - lists[i]!) / 1000;
        const excess = j - i + 1 - (DEFAULT_PACE.burst + windowS);
        worst = Math.max(worst, excess);
      }
    }
    const limit = w.emu.control.rateLimit();
    const spanS = Math.max((ended - started) / 1000, 1e-3);
    return {
      gatewayRps,
      jobs: jobs.length,
      failed: outcomes.filter((o) => o.status === "rejected").length,
      left: w.emu.control.v2Jobs(BENCH_PROJECT).length,
      emulatedS: Math.round(spanS * 10) / 10,
      calls: log.length,
      listCalls: lists.length,
      callsPerSecond: Math.round((log.length / spanS) * 100) / 100,
      listsPerSecond: Math.round((lists.length / spanS) * 100) / 100,
      worstListExcess: Math.round(worst * 10) / 10,
      throttled: limit.throttled,
      insideRetryAfter: limit.insideRetryAfter,
    };
  } finally {
    await w.emu.close();
  }
}

export interface FirstErrorRun {
  endpoint: string;
  ms: number;
  posts: number;
  error: string;
}

/** A create against an endpoint that is not ModelArts, on real time with the real retry policy. */
async function firstError(kind: "refused" | "html-502"): Promise<FirstErrorRun> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${(req.url ?? "").split("?")[0]}`);
    req.resume();
    res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (kind === "refused") await new Promise((r) => server.close(r));
  try {
    const credentials = freshCredentials();
    const client = createV2Client({ endpoint: url, projectId: BENCH_PROJECT, ...credentials }, {});
    const provider = new TrainingJobV2ProviderImpl({ clientFor: () => client });
    const { inputs } = await provider.check(
      {},
      {
        jobName: `wrong-endpoint-${kind}`,
        algorithm: {
          codeDir: "/bucket/code/",
          bootFile: "/bucket/code/train.py",
          engine: { engineName: "PyTorch", engineVersion: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" },
        },
        spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1 } },
        __provider: "bench",
      },
    );
    const t0 = performance.now();
    const error = await provider.create(inputs).then(
      () => "(no error)",
      (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)),
    );
    return {
      endpoint: kind,
      ms: Math.round(performance.now() - t0),
      posts: seen.filter((r) => /^POST \/v2\/\w+\/training-jobs$/.test(r)).length,
      error,
    };
  } finally {
    if (kind !== "refused") {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }
}

export interface WaitsResult {
  scans: ScansRow[];
  destroys: DestroyRun[];
  firstErrors: FirstErrorRun[];
  verdicts: Verdict[];
}

export async function runWaits(): Promise<WaitsResult> {
  const scans = await scansPerRemoval();
  printTable(
    "Scans per removal (v2, one delete, emulated time): calls after the DELETE",
    ["removal", "searches", "GETs", "overhead"],
    scans.map((r) => [`${r.removalS} s`, String(r.searches), String(r.gets), `${seconds(r.overheadMs)} s`]),
  );
  const destroys = [await destroy(null), await destroy(GATEWAY_RPS)];
  printTable(
    `Destroy of ${DESTROY_JOBS} jobs over ${WORKSPACES.length} workspaces (v2, one account, emulated time, 30 s removals)`,
    ["gateway limit", "failed", "left", "emulated", "calls/s", "lists/s", "worst list burst", "429s", "inside Retry-After"],
    destroys.map((d) => [
      d.gatewayRps === null ? "none" : `${d.gatewayRps}/s`,
      String(d.failed),
      String(d.left),
      `${d.emulatedS} s`,
      String(d.callsPerSecond),
      String(d.listsPerSecond),
      d.worstListExcess <= 0 ? `within (${d.worstListExcess})` : `+${d.worstListExcess}`,
      String(d.throttled),
      String(d.insideRetryAfter),
    ]),
  );
  const firstErrors = [await firstError("refused"), await firstError("html-502")];
  printTable(
    "Time to the first error with a wrong endpoint (real time, create)",
    ["endpoint", "time", "POSTs", "error"],
    firstErrors.map((f) => [f.endpoint, `${seconds(f.ms)} s`, String(f.posts), f.error.slice(0, 100)]),
  );
  const verdicts: Verdict[] = [];
  for (const r of scans) {
    const expected = EXPECTED_SCANS[r.removalS * 1000];
    verdicts.push({
      figure: `scans (searches) during a ${r.removalS} s removal`,
      value: `${r.searches} searches + ${r.gets} GET`,
      target: expected === undefined ? "(reported)" : `about ${expected}`,
      met: expected === undefined ? true : Math.abs(r.searches - expected) <= expected * 0.15,
    });
  }
  const [free, limited] = destroys as [DestroyRun, DestroyRun];
  verdicts.push({
    figure: `list/search calls per second, destroy of ${DESTROY_JOBS} jobs over ${WORKSPACES.length} workspaces`,
    value: `${free.listsPerSecond}/s on average (all calls ${free.callsPerSecond}/s); worst burst ${free.worstListExcess} beyond 10 + 1/s`,
    target: "<= 1/s on average, no burst above the limit",
    met: free.listsPerSecond <= 1 && free.worstListExcess <= 0 && free.failed === 0 && free.left === 0,
  });
  verdicts.push({
    figure: `the same destroy under a gateway limit of ${GATEWAY_RPS} requests/s`,
    value: `${limited.failed} failed, ${limited.insideRetryAfter} requests inside a Retry-After, ${limited.left} jobs left (${limited.throttled} 429s, ${limited.emulatedS} s)`,
    target: "0 / 0 / 0",
    met: limited.failed === 0 && limited.insideRetryAfter === 0 && limited.left === 0,
  });
  for (const f of firstErrors) {
    verdicts.push({
      figure: `time to the first error, create against a wrong endpoint (${f.endpoint})`,
      value: `${seconds(f.ms)} s, ${f.posts} POST`,
      target: `<= ${seconds(FIRST_ERROR_TARGET_MS)} s, no POST`,
      met: f.ms <= FIRST_ERROR_TARGET_MS && f.posts === 0 && /EndpointUnreachableError/.test(f.error),
    });
  }
  return { scans, destroys, firstErrors, verdicts };
}
