import { strict as assert } from "node:assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { createClient } from "../../../provider/shared/api/config";
import { ModelArtsError, ModelArtsTimeoutError } from "../../../provider/shared/api/errors";
import { READ_TIMEOUT_MS } from "../../../provider/shared/resource/lifecycle";
import type { ModelArtsApi } from "../../../provider/v1/api/types";
import { PartialStateError, TrainingJobProviderImpl } from "../../../provider/v1/resource/provider";
import { SkipClock } from "../../helpers/skip-clock";

const PROJECT = "0123456789abcdef0123456789abcdef";
const AK = "AKDEADLINES000000001";
const SK = "SK-deadlines-secret-0000000000000001";
const CONFIG = {
  workerServerNum: 1,
  specId: 1,
  engineId: 4,
  appUrl: "/bucket/app/",
  bootFileUrl: "/bucket/app/train.py",
  dataUrl: "/bucket/data/",
};
/** Each attempt may take this long; retries back off 2 s, 4 s, 8 s, 16 s (full jitter made constant). */
const REQUEST_TIMEOUT_MS = 200;
const STEP_TIMEOUT = "10s";
const STEP_TIMEOUT_MS = 10_000;
/** Never answered within a test. */
const HANG_MS = 600_000;

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.fail("expected the step to fail"),
    (e: unknown) => e,
  );
}

describe("every step ends within its timeout plus one request timeout, and says what it observed", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let clock: SkipClock;
  let client: ModelArtsApi;
  let progress: string[];

  beforeEach(async () => {
    // killMs 0: a stop ends at once, although the emulator's clock stands still.
    emu = await startEmulator({ port: 0, accessKeys: { [AK]: SK }, frozenClock: true, killMs: 0 });
    clock = new SkipClock();
    progress = [];
    client = createClient(
      { endpoint: emu.url, projectId: PROJECT, accessKey: AK, secretKey: SK, requestTimeout: `${REQUEST_TIMEOUT_MS}ms` },
      {},
      {
        clock,
        retry: { baseDelayMs: 2000, maxDelayMs: 20_000 },
      },
    );
  });
  afterEach(async () => {
    await emu.close();
  });

  function provider(api: ModelArtsApi = client): TrainingJobProviderImpl {
    return new TrainingJobProviderImpl({ clientFor: () => api, clock, progress: (l) => progress.push(l), randomSuffix: () => "abc1234" });
  }

  async function createdJob(jobName: string): Promise<{ id: string; outs: Record<string, unknown> }> {
    const { inputs } = await provider().check({}, { jobName, config: CONFIG, timeouts: { create: STEP_TIMEOUT, delete: STEP_TIMEOUT } });
    return provider().create(inputs);
  }

  /** The list (GET /training-jobs?…) never answers from now on. */
  function listNeverAnswers(): void {
    emu.control.setFaultDefaults({ latencyMs: HANG_MS });
    emu.control.setFaultRate({ rate: 1, kinds: ["latency"], method: "GET", pathRegex: "/training-jobs\\?" });
  }

  it("ends a delete whose list never answers within timeouts.delete plus one request timeout, saying no answer came", async () => {
    const { id, outs } = await createdJob("hang-delete");
    listNeverAnswers();
    const started = clock.now();
    const error = await failure(provider().delete(id, outs));
    const elapsed = clock.now() - started;
    assert.ok(elapsed <= STEP_TIMEOUT_MS + REQUEST_TIMEOUT_MS, `delete took ${elapsed} ms`);
    assert.ok(ModelArtsError.isInstance(error), String(error));
    assert.match(error.message, /timed out: no answer from http:\/\/127\.0\.0\.1:\d+ within \d+ ms per attempt/);
    assert.doesNotMatch(error.message, /still listed/);
    assert.equal(emu.control.jobs(PROJECT).length, 1, "the job is untouched and stays in the stack");
  });

  it("ends a create whose version never answers within timeouts.create plus one request timeout, keeping the job in the state", async () => {
    emu.control.setFaultDefaults({ latencyMs: HANG_MS });
    emu.control.setFaultRate({ rate: 1, kinds: ["latency"], method: "GET", pathRegex: "/versions/\\d+$" });
    const { inputs } = await provider().check({}, { jobName: "hang-create", config: CONFIG, timeouts: { create: STEP_TIMEOUT } });
    const started = clock.now();
    const error = await failure(provider().create(inputs));
    const elapsed = clock.now() - started;
    assert.ok(elapsed <= STEP_TIMEOUT_MS + REQUEST_TIMEOUT_MS, `create took ${elapsed} ms`);
    assert.ok(error instanceof PartialStateError, String(error));
    assert.equal(error.id, String(emu.control.jobs(PROJECT)[0]!.jobId));
    assert.match(error.message, /the last poll got no answer: .*no answer from http:\/\/127\.0\.0\.1:\d+/);
  });

  it("says a deleted job's removal is unknown, not that it is still listed, when every poll is refused", async () => {
    const { id, outs } = await createdJob("refused-polls");
    // After DELETE, the look-ups go to a port where nothing listens (connection refused).
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const dead = createClient(
      { endpoint: `http://127.0.0.1:${deadPort}`, projectId: PROJECT, accessKey: AK, secretKey: SK, maxAttempts: 1 },
      {},
      { clock },
    );
    let deleted = false;
    const routed = new Proxy(client, {
      get(target, key) {
        if (key === "deleteJob") {
          return async (...args: Parameters<ModelArtsApi["deleteJob"]>) => {
            await target.deleteJob(...args);
            deleted = true;
          };
        }
        if (key === "listAllJobs")
          return (...args: Parameters<ModelArtsApi["listAllJobs"]>) => (deleted ? dead : target).listAllJobs(...args);
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    emu.control.setBehaviour({ deleteDelayMs: HANG_MS });
    const error = await failure(provider(routed).delete(id, outs));
    assert.ok(ModelArtsError.isInstance(error) && error.name === "DeleteTimeoutError", String(error));
    assert.match(error.message, /the last poll got no answer: .*connection refused/);
    assert.match(error.message, /did not answer the last look-up, so whether the job is gone is unknown/);
    assert.doesNotMatch(error.message, /still listed/);
  });

  it("says a job is still listed, with its status, when the polls answer until the deadline", async () => {
    const { id, outs } = await createdJob("slow-removal");
    emu.control.setBehaviour({ deleteDelayMs: HANG_MS });
    const error = await failure(provider().delete(id, outs));
    assert.ok(ModelArtsError.isInstance(error) && error.name === "DeleteTimeoutError", String(error));
    assert.match(error.message, /the job is still listed with status JOBSTAT_\w+ \(\d+\)/);
  });

  it("ends a refresh against a service that never answers within the read timeout plus one request timeout, whatever the retry settings", async () => {
    const { id, outs } = await createdJob("hang-read");
    // Retries that alone would go on for a day: only the read's own deadline ends the refresh.
    const patient = createClient(
      {
        endpoint: emu.url,
        projectId: PROJECT,
        accessKey: AK,
        secretKey: SK,
        requestTimeout: `${REQUEST_TIMEOUT_MS}ms`,
        maxAttempts: 100,
        maxRetryDuration: "24h",
      },
      {},
      { clock, retry: { baseDelayMs: 2000, maxDelayMs: 20_000 } },
    );
    emu.control.setFaultDefaults({ latencyMs: HANG_MS });
    emu.control.setFaultRate({ rate: 1, kinds: ["latency"], method: "GET", pathRegex: "/training-jobs" });
    const started = clock.now();
    const error = await failure(provider(patient).read(id, outs));
    const elapsed = clock.now() - started;
    assert.ok(elapsed <= READ_TIMEOUT_MS + REQUEST_TIMEOUT_MS, `refresh took ${elapsed} ms`);
    assert.ok(elapsed >= READ_TIMEOUT_MS - 20_000, `refresh gave up after ${elapsed} ms, before its deadline`);
    assert.ok(error instanceof ModelArtsTimeoutError, String(error));
  });
});
