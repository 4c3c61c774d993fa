import { strict as assert } from "node:assert";
import type { RequestLogEntry, RunningEmulator } from "../../emulator/index";
import { ModelArtsApiError, ModelArtsTimeoutError } from "../../provider/api/errors";
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

describe("creating without duplicates after ambiguous failures", () => {
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

  it("adopts the job when create answered 500 after creating it", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: ["500"] });
    const result = await akskClient(emu).createJob(jobRequest("ambiguous-500"));
    const jobs = emu.control.jobs(PROJECT);
    assert.equal(jobs.length, 1);
    assert.equal(result.jobId, String(jobs[0]!.jobId));
    assert.equal(result.versionName, "V0001");
    assert.match(result.resourceId ?? "", /^job/);
    assert.deepEqual(calls(emu), [
      ["POST", "/training-jobs", 500],
      ["GET", "/training-jobs", 200],
      ["GET", "/training-jobs/N/versions/N", 200],
    ]);
  });

  it("adopts the job when the connection dropped after it was created", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: ["drop"] });
    const result = await akskClient(emu).createJob(jobRequest("ambiguous-drop"));
    assert.equal(emu.control.jobs(PROJECT).length, 1);
    assert.equal(emu.control.requests({ method: "POST" }).length, 1);
    assert.equal(result.jobName, "ambiguous-drop");
  });

  it("adopts the job when create timed out after creating it", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: [{ kind: "latency", latencyMs: 10_000 }] });
    const result = await akskClient(emu, { requestTimeout: "1s" }).createJob(jobRequest("ambiguous-timeout"));
    assert.equal(emu.control.jobs(PROJECT).length, 1);
    assert.equal(result.jobId, String(emu.control.jobs(PROJECT)[0]!.jobId));
  });

  it("looks first and re-sends when the ambiguous create did not create the job", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "before", steps: ["503"] });
    await akskClient(emu).createJob(jobRequest("not-created"));
    assert.equal(emu.control.jobs(PROJECT).length, 1);
    assert.deepEqual(calls(emu), [
      ["POST", "/training-jobs", 503],
      ["GET", "/training-jobs", 200],
      ["POST", "/training-jobs", 200],
    ]);
  });

  it("re-sends after a 429 without looking, since a throttled create did nothing", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, steps: [{ kind: "429", retryAfterSeconds: 1 }] });
    await akskClient(emu).createJob(jobRequest("throttled"));
    assert.deepEqual(calls(emu), [
      ["POST", "/training-jobs", 429],
      ["POST", "/training-jobs", 200],
    ]);
  });

  it("adopts a job that a 429 answer hid, when its configuration is the one sent", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: [{ kind: "429", retryAfterSeconds: 1 }] });
    const result = await akskClient(emu).createJob(jobRequest("throttled-after"));
    const jobs = emu.control.jobs(PROJECT).filter((j) => j.jobName === "throttled-after");
    assert.equal(jobs.length, 1);
    assert.equal(result.jobId, jobs[0]!.jobId);
  });

  it("does not adopt a same-named job with another configuration after a 429", async () => {
    emu.control.createJob(PROJECT, {
      job_name: "someone-elses",
      config: {
        worker_server_num: 2,
        app_url: "/bucket/app/",
        boot_file_url: "/bucket/app/train.py",
        data_url: "/bucket/data/",
        spec_id: 1,
        engine_id: 1,
      },
    });
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, steps: [{ kind: "429", retryAfterSeconds: 1 }] });
    await assert.rejects(akskClient(emu).createJob(jobRequest("someone-elses")), /ModelArts\.0103/);
  });

  it("adopts the job when the list lags behind and the re-sent create says the name exists", async () => {
    emu.control.unfreeze();
    emu.control.setBehaviour({ listVisibilityDelayMs: 400 });
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: ["500"] });
    const result = await akskClient(emu, {}, { retry: { baseDelayMs: 100, maxDelayMs: 1000 } }).createJob(jobRequest("lagging"));
    assert.equal(emu.control.jobs(PROJECT).length, 1);
    assert.equal(result.jobId, String(emu.control.jobs(PROJECT)[0]!.jobId));
    const statuses = emu.control.requests({ method: "POST" }).map((r) => r.status);
    assert.deepEqual(statuses, [500, 400], "the second POST was answered 'name exists'");
  });

  it("makes exactly one job per create under a 40% fault rate", async () => {
    // 5xx and drops strike after the work is done (the ambiguous case); throttling strikes before it.
    emu.control.setFaultRate({ rate: 0.4, kinds: ["500", "503", "drop"], seed: 7, phase: "after" });
    emu.control.addFaultScript({ method: "POST", steps: ["429", "none", "429"] });
    const client = akskClient(emu, { maxAttempts: 10 });
    const names = Array.from({ length: 8 }, (_, i) => `stormy-${i}`);
    const results = await Promise.all(names.map((n) => client.createJob(jobRequest(n))));
    emu.control.clearFaults();
    const jobs = emu.control.jobs(PROJECT);
    assert.equal(jobs.length, 8);
    assert.deepEqual(results.map((r) => r.jobName).sort(), names.sort());
    assert.deepEqual(new Set(results.map((r) => r.jobId)), new Set(jobs.map((j) => String(j.jobId))));
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
