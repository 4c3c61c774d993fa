import { strict as assert } from "node:assert";
import type { RequestLogEntry, RunningEmulator } from "../../../emulator/index";
import { ModelArtsApiError, ModelArtsTimeoutError } from "../../../provider/shared/api/errors";
import { PROJECT, akskClient, jobRequest, startTestEmulator, waitFor } from "./helpers";

const JOBS = `^/v1/${PROJECT}/training-jobs`;
const LIST = `${JOBS}(\\?|$)`;

/** The request log as [method, path without project and query, status] triples. */
function calls(emu: RunningEmulator): Array<[string, string, RequestLogEntry["status"]]> {
  return emu.control.requests({ pathRegex: "^/v1/" }).map((r) => [
    r.method,
    r.path
      .replace(`/v1/${PROJECT}`, "")
      .replace(/\?.*/, "")
      .replace(/\d{6,}/g, "N"),
    r.status,
  ]);
}

describe("retries and fault handling against the emulator", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
  });

  it("retries a 429 after Retry-After, measured between the attempts the emulator received", async () => {
    emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: [{ kind: "429", retryAfterSeconds: 1 }] });
    await akskClient(emu).listJobs();
    const log = emu.control.requests({ pathRegex: LIST });
    assert.deepEqual(
      log.map((r) => r.status),
      [429, 200],
    );
    const gap = Date.parse(log[1]!.time) - Date.parse(log[0]!.time);
    assert.ok(gap >= 1000, `second attempt came ${gap} ms after the first; Retry-After asked for 1000 ms`);
  });

  it("retries 500, 503 and a dropped connection on a GET until it succeeds", async () => {
    emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: ["500", "503", "drop"] });
    const result = await akskClient(emu).listJobs();
    assert.equal(result.jobTotalCount, 0);
    assert.deepEqual(
      emu.control.requests({ pathRegex: LIST }).map((r) => r.status),
      [500, 503, "dropped", 200],
    );
  });

  it("gives up after maxAttempts with the last error", async () => {
    emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: ["503", "503", "503", "503"] });
    const error = await akskClient(emu, { maxAttempts: 3 })
      .listJobs()
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.equal(error.httpStatus, 503);
    assert.match(error.message, /HTTP 503 ServiceUnavailable/);
    assert.equal(emu.control.requests({ pathRegex: LIST }).length, 3);
  });

  it("times out a slow attempt and retries it", async () => {
    emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: [{ kind: "latency", latencyMs: 10_000 }] });
    const lines: string[] = [];
    await akskClient(emu, { requestTimeout: "1s" }, { logger: (l) => lines.push(l) }).listJobs();
    // The emulator logs an attempt when it answers; the client gave up on the first one before that.
    const attempts = lines.filter((l) => / -> /.test(l)).map((l) => /-> (\S+) in/.exec(l)?.[1]);
    assert.deepEqual(attempts, ["timeout", "200"]);
    assert.ok(
      lines.some((l) => /retrying GET .* after a timeout \(attempt 1 of 5\)/.test(l)),
      lines.join("\n"),
    );
  });

  it("fails with ModelArtsTimeoutError when every attempt times out", async () => {
    emu.control.addFaultScript({
      method: "GET",
      pathRegex: LIST,
      steps: [
        { kind: "latency", latencyMs: 3000 },
        { kind: "latency", latencyMs: 3000 },
      ],
    });
    const error = await akskClient(emu, { requestTimeout: "200ms", maxAttempts: 2 })
      .listJobs()
      .catch((e: unknown) => e);
    assert.ok(error instanceof ModelArtsTimeoutError, String(error));
    assert.match(
      error.message,
      /list training jobs timed out: no answer from http:\/\/127\.0\.0\.1:\d+ within 200 ms per attempt \(2 attempts/,
    );
  });

  it("retries PUT, DELETE and stop, which are safe to repeat", async () => {
    const client = akskClient(emu);
    const job = await client.createJob(jobRequest("idempotent"));
    emu.control.addFaultScript({ method: "PUT", steps: ["500"] });
    emu.control.addFaultScript({ method: "POST", pathRegex: "/stop$", steps: ["503"] });
    emu.control.addFaultScript({ method: "DELETE", steps: ["drop"] });
    await client.updateDescription(job.jobId, "d2");
    await client.stopVersion(job.jobId, job.versionId);
    await client.deleteJob(job.jobId);
    assert.deepEqual(calls(emu).slice(1), [
      ["PUT", "/training-jobs/N", 500],
      ["PUT", "/training-jobs/N", 200],
      ["POST", "/training-jobs/N/versions/N/stop", 503],
      ["POST", "/training-jobs/N/versions/N/stop", 200],
      ["DELETE", "/training-jobs/N", "dropped"],
      ["DELETE", "/training-jobs/N", 200],
    ]);
  });

  it("does not retry a 400", async () => {
    const client = akskClient(emu);
    await client.createJob(jobRequest("dup"));
    await assert.rejects(client.createJob(jobRequest("dup")), /ModelArts\.0103/);
    assert.equal(emu.control.requests({ method: "POST" }).length, 2);
  });

  it("aborts a call and its pending retry when the signal fires", async () => {
    emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: [{ kind: "429", retryAfterSeconds: 30 }] });
    const controller = new AbortController();
    const call = akskClient(emu).listJobs({}, { signal: controller.signal });
    await waitFor(() => emu.control.requests({ pathRegex: LIST }).length === 1, "the first attempt");
    const started = Date.now();
    controller.abort(new Error("user cancelled"));
    await assert.rejects(call, /user cancelled/);
    assert.ok(Date.now() - started < 5000);
    assert.equal(emu.control.requests({ pathRegex: LIST }).length, 1);
  });
});

describe("creating without blind re-sends after ambiguous failures", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
  });

  // Whether an ambiguous create made the job is settled by the provider, which has the evidence
  // (test/v1/resource/ownership.test.ts); the client only never re-sends such a create.
  for (const step of ["500", "503", "drop"] as const) {
    it(`hands a create answered with ${step} to the caller without re-sending it`, async () => {
      emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: [step] });
      const error = await akskClient(emu)
        .createJob(jobRequest(`ambiguous-${step}`))
        .catch((e: unknown) => e);
      assert.ok(ModelArtsApiError.isInstance(error), String(error));
      assert.equal(error.httpStatus, step === "drop" ? 0 : Number(step));
      assert.deepEqual(calls(emu), [["POST", "/training-jobs", step === "drop" ? "dropped" : Number(step)]]);
    });
  }

  it("hands a timed-out create to the caller without re-sending it", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: [{ kind: "latency", latencyMs: 5_000 }] });
    const error = await akskClient(emu, { requestTimeout: "500ms" })
      .createJob(jobRequest("ambiguous-timeout"))
      .catch((e: unknown) => e);
    assert.ok(error instanceof ModelArtsTimeoutError, String(error));
    await waitFor(() => emu.control.requests({ method: "POST" }).length === 1, "the POST to be logged");
    assert.equal(emu.control.requests({ method: "POST" }).length, 1);
  });

  it("re-sends after a 429 without looking, since a throttled create did nothing", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, steps: [{ kind: "429", retryAfterSeconds: 1 }] });
    await akskClient(emu).createJob(jobRequest("throttled"));
    assert.deepEqual(calls(emu), [
      ["POST", "/training-jobs", 429],
      ["POST", "/training-jobs", 200],
    ]);
  });

  it("reports the refusal, not 'name exists', when a re-sent create meets a job the refused one may have made", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: [{ kind: "429", retryAfterSeconds: 1 }] });
    const error = await akskClient(emu)
      .createJob(jobRequest("throttled-after"))
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.equal(error.httpStatus, 429);
    assert.deepEqual(
      emu.control.requests({ method: "POST" }).map((r) => r.status),
      [429, 400],
    );
  });

  it("adopts the new version when create version answered 500 after creating it", async () => {
    const client = akskClient(emu);
    const job = await client.createJob(jobRequest("version-ambiguous"));
    emu.control.addFaultScript({ method: "POST", pathRegex: "/versions$", phase: "after", steps: ["500"] });
    const v2 = await client.createVersion(job.jobId, { config: { ...jobRequest("x").config, preVersionId: job.versionId } });
    const versions = await client.listVersions(job.jobId);
    assert.equal(versions.versionCount, 2);
    assert.ok(versions.versions.some((v) => v.versionId === v2.versionId && v.preVersionId === job.versionId));
    assert.equal(emu.control.requests({ method: "POST", pathRegex: "/versions$" }).length, 1);
  });
});
