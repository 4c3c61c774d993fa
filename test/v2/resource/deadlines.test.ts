import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { ModelArtsError, ModelArtsTimeoutError } from "../../../provider/shared/api/errors";
import { READ_TIMEOUT_MS } from "../../../provider/shared/resource/lifecycle";
import { Pollers } from "../../../provider/shared/resource/poller";
import { createV2Client } from "../../../provider/v2/api/client";
import type { ModelArtsV2Api } from "../../../provider/v2/api/types";
import { PartialStateError, TrainingJobV2ProviderImpl } from "../../../provider/v2/resource/provider";
import { SkipClock } from "../../helpers/skip-clock";
import { jobInputs } from "./emulated";

const PROJECT = "0123456789abcdef0123456789abcdef";
const AK = "AKDEADLINESV20000001";
const SK = "SK-deadlines-v2-secret-00000000000001";
/** Each attempt may take this long; retries back off 2 s, 4 s, 8 s, 16 s (full jitter made constant). */
const REQUEST_TIMEOUT_MS = 200;
const STEP_TIMEOUT = "10s";
const STEP_TIMEOUT_MS = 10_000;
/** Never answered within a test. */
const HANG_MS = 600_000;
const SEARCH = "/training-job-searches";

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.fail("expected the step to fail"),
    (e: unknown) => e,
  );
}

describe("every v2 step ends within its timeout plus one request timeout, and says what it observed", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let clock: SkipClock;
  let client: ModelArtsV2Api;

  beforeEach(async () => {
    emu = await startEmulator({ port: 0, accessKeys: { [AK]: SK }, frozenClock: true, killMs: 0 });
    clock = new SkipClock();
    client = createV2Client(
      { endpoint: emu.url, projectId: PROJECT, accessKey: AK, secretKey: SK, requestTimeout: `${REQUEST_TIMEOUT_MS}ms` },
      {},
      { clock, retry: { baseDelayMs: 2000, maxDelayMs: 20_000 } },
    );
  });
  afterEach(async () => {
    await emu.close();
  });

  function provider(): TrainingJobV2ProviderImpl {
    return new TrainingJobV2ProviderImpl({ clientFor: () => client, clock, pollers: new Pollers(clock), randomSuffix: () => "abc1234" });
  }

  async function createdJob(jobName: string, patch: Record<string, unknown> = {}) {
    const { inputs } = await provider().check(
      {},
      jobInputs({ jobName, timeouts: { create: STEP_TIMEOUT, delete: STEP_TIMEOUT }, ...patch }),
    );
    return provider().create(inputs);
  }

  function searchNeverAnswers(): void {
    emu.control.setFaultDefaults({ latencyMs: HANG_MS });
    emu.control.setFaultRate({ rate: 1, kinds: ["latency"], method: "POST", pathRegex: SEARCH });
  }

  it("ends a create whose waits never get an answer within timeouts.create plus one request timeout, keeping the job in the state", async () => {
    searchNeverAnswers();
    // The look-up before the POST must answer: only the searches of the wait hang.
    emu.control.addFaultScript({ method: "POST", pathRegex: SEARCH, steps: ["none"] });
    const { inputs } = await provider().check(
      {},
      jobInputs({ jobName: "hang-create", waitFor: "running", timeouts: { create: STEP_TIMEOUT } }),
    );
    const started = clock.now();
    const error = await failure(provider().create(inputs));
    const elapsed = clock.now() - started;
    assert.ok(elapsed <= STEP_TIMEOUT_MS + REQUEST_TIMEOUT_MS, `create took ${elapsed} ms`);
    assert.ok(error instanceof PartialStateError, String(error));
    assert.equal(error.id, (emu.control.v2Jobs(PROJECT)[0]!["metadata"] as { id: string }).id);
    assert.match(error.message, /no answer/);
  });

  it("ends a delete whose removal is never confirmed within timeouts.delete plus one request timeout, saying no answer came", async () => {
    const { id, outs } = await createdJob("hang-delete", { stopBeforeDelete: false });
    emu.control.setBehaviour({ deleteDelayMs: HANG_MS });
    const deleted = provider().delete(id, outs);
    // The searches hang once the DELETE is in: the removal wait gets no answer.
    for (let i = 0; i < 2000 && emu.control.requests({ method: "DELETE" }).length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    searchNeverAnswers();
    const started = clock.now();
    const error = await failure(deleted);
    assert.ok(clock.now() - started <= STEP_TIMEOUT_MS + REQUEST_TIMEOUT_MS, `delete took ${clock.now() - started} ms`);
    assert.ok(ModelArtsError.isInstance(error) && error.name === "DeleteTimeoutError", String(error));
    assert.match(error.message, /did not answer the last look-up, so whether the job is gone is unknown/);
    assert.match(error.message, /it stays in the stack/);
    assert.equal(emu.control.v2Jobs(PROJECT).length, 1);
  });

  it("says a job is still there, with its phase, when the polls answer until the deadline", async () => {
    const { id, outs } = await createdJob("slow-removal");
    emu.control.setBehaviour({ deleteDelayMs: HANG_MS });
    const started = clock.now();
    const error = await failure(provider().delete(id, outs));
    assert.ok(clock.now() - started <= STEP_TIMEOUT_MS + REQUEST_TIMEOUT_MS, `delete took ${clock.now() - started} ms`);
    assert.ok(ModelArtsError.isInstance(error) && error.name === "DeleteTimeoutError", String(error));
    assert.match(error.message, /last status Terminated/);
    assert.match(error.message, /the job is still there/);
  });

  it("ends a refresh against a service that never answers within the read timeout plus one request timeout, whatever the retry settings", async () => {
    const { id, outs } = await createdJob("hang-read");
    // Retries that alone would go on for a day: only the read's own deadline ends the refresh.
    client = createV2Client(
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
    emu.control.setFaultRate({ rate: 1, kinds: ["latency"], pathRegex: "/training-job" });
    const started = clock.now();
    const error = await failure(provider().read(id, outs));
    const elapsed = clock.now() - started;
    assert.ok(elapsed <= READ_TIMEOUT_MS + REQUEST_TIMEOUT_MS, `refresh took ${elapsed} ms`);
    assert.ok(elapsed >= READ_TIMEOUT_MS - 20_000, `refresh gave up after ${elapsed} ms, before its deadline`);
    assert.ok(error instanceof ModelArtsTimeoutError, String(error));
  });
});
