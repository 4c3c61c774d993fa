import { strict as assert } from "node:assert";
import type { RequestLogEntry, RunningEmulator } from "../../../emulator/index";
import { ModelArtsApiError, ModelArtsTimeoutError, isNotFound } from "../../../provider/shared/api/errors";
import { PROJECT, startTestEmulator, v2AkskClient, v2Request, waitFor } from "./helpers";
import { startScriptServer, wireJob, type ScriptServer } from "./search-server";

const V2 = `^/v2/${PROJECT}`;
const JOBS = `${V2}/training-jobs`;

/** The v2 request log as [method, path without project and ids, status] triples. */
function calls(emu: RunningEmulator): Array<[string, string, RequestLogEntry["status"]]> {
  return emu.control.requests({ pathRegex: V2 }).map((r) => [
    r.method,
    r.path
      .replace(`/v2/${PROJECT}`, "")
      .replace(/\?.*/, "")
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "ID"),
    r.status,
  ]);
}

describe("v2 client: retries and faults against the emulator", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator({ jobDurationMs: 100_000, deleteDelayMs: 5_000, killMs: 2_000 });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
  });

  it("retries 500, 503 and a dropped connection on a GET until it succeeds", async () => {
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("f-get"));
    emu.control.addFaultScript({ method: "GET", pathRegex: `${JOBS}/`, steps: ["500", "503", "drop"] });
    assert.equal((await client.getJob(job.id)).id, job.id);
    assert.deepEqual(calls(emu).slice(1), [
      ["GET", "/training-jobs/ID", 500],
      ["GET", "/training-jobs/ID", 503],
      ["GET", "/training-jobs/ID", "dropped"],
      ["GET", "/training-jobs/ID", 200],
    ]);
  });

  it("retries a 429 on the search after its Retry-After", async () => {
    emu.control.addFaultScript({
      method: "POST",
      pathRegex: `${V2}/training-job-searches`,
      steps: [{ kind: "429", retryAfterSeconds: 1 }],
    });
    await v2AkskClient(emu).searchJobs();
    const log = emu.control.requests({ pathRegex: `${V2}/training-job-searches` });
    assert.deepEqual(
      log.map((r) => r.status),
      [429, 200],
    );
    const gap = Date.parse(log[1]!.time) - Date.parse(log[0]!.time);
    assert.ok(gap >= 1000, `the retry came ${gap} ms after the 429; Retry-After asked for 1000 ms`);
  });

  it("retries PUT, terminate and DELETE, which are safe to repeat", async () => {
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("f-idempotent"));
    emu.control.addFaultScript({ method: "PUT", steps: ["500"] });
    emu.control.addFaultScript({ method: "POST", pathRegex: "/actions$", steps: ["503"] });
    emu.control.addFaultScript({ method: "DELETE", steps: ["drop"] });
    await client.updateDescription(job.id, "d2");
    await client.terminateJob(job.id);
    emu.control.advance(2_000);
    await client.deleteJob(job.id);
    assert.deepEqual(calls(emu).slice(1), [
      ["PUT", "/training-jobs/ID", 500],
      ["PUT", "/training-jobs/ID", 200],
      ["POST", "/training-jobs/ID/actions", 503],
      ["POST", "/training-jobs/ID/actions", 202],
      ["DELETE", "/training-jobs/ID", "dropped"],
      ["DELETE", "/training-jobs/ID", 202],
    ]);
  });

  it("gives up after maxAttempts with the last error, its status kept", async () => {
    emu.control.addFaultScript({ method: "GET", pathRegex: `${V2}/training-job-engines`, steps: ["503", "503", "503"] });
    const error = await v2AkskClient(emu, { maxAttempts: 3 })
      .listEngines()
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.equal(error.httpStatus, 503);
    assert.match(error.message, /HTTP 503 ServiceUnavailable, while trying to list training engines/);
    assert.equal(emu.control.requests({ pathRegex: `${V2}/training-job-engines` }).length, 3);
  });

  for (const step of ["500", "503", "drop"] as const) {
    it(`hands a create answered with ${step} (after the job was made) to the caller without re-sending it`, async () => {
      emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: [step] });
      const error = await v2AkskClient(emu)
        .createJob(v2Request(`f-ambiguous-${step}`))
        .catch((e: unknown) => e);
      assert.ok(ModelArtsApiError.isInstance(error), String(error));
      assert.equal(error.httpStatus, step === "drop" ? 0 : Number(step));
      assert.deepEqual(calls(emu), [["POST", "/training-jobs", step === "drop" ? "dropped" : Number(step)]]);
      assert.equal(emu.control.v2Jobs(PROJECT).length, 1, "the job exists: the answer was lost after it was made");
    });
  }

  it("hands a timed-out create to the caller without re-sending it", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: [{ kind: "latency", latencyMs: 5_000 }] });
    const error = await v2AkskClient(emu, { requestTimeout: "300ms" })
      .createJob(v2Request("f-timeout"))
      .catch((e: unknown) => e);
    assert.ok(error instanceof ModelArtsTimeoutError, String(error));
    await waitFor(() => emu.control.requests({ method: "POST" }).length === 1, "the POST to be logged");
    assert.equal(emu.control.requests({ method: "POST", pathRegex: `${JOBS}$` }).length, 1);
  });

  it("re-sends a create refused with 429, which did nothing, and makes one job", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, steps: [{ kind: "429", retryAfterSeconds: 0 }] });
    const job = await v2AkskClient(emu).createJob(v2Request("f-throttled"));
    assert.deepEqual(calls(emu), [
      ["POST", "/training-jobs", 429],
      ["POST", "/training-jobs", 201],
    ]);
    assert.deepEqual(
      emu.control.v2Jobs(PROJECT).map((j) => (j["metadata"] as { id: string }).id),
      [job.id],
    );
  });

  it("reports the refusal, not 'name exists', when the re-sent create meets the job the refused one made", async () => {
    emu.control.addFaultScript({ method: "POST", pathRegex: `${JOBS}$`, phase: "after", steps: [{ kind: "429", retryAfterSeconds: 0 }] });
    const error = await v2AkskClient(emu)
      .createJob(v2Request("f-throttled-after"))
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.equal(error.httpStatus, 429);
    assert.deepEqual(
      emu.control.requests({ method: "POST", pathRegex: `${JOBS}$` }).map((r) => [r.status, r.errorCode]),
      [
        [429, "ModelArts.2799"],
        [400, "ModelArts.2751"],
      ],
    );
  });

  it("does not retry a 400: a duplicate name is ModelArts.2751 after one POST", async () => {
    const client = v2AkskClient(emu);
    await client.createJob(v2Request("f-dup"));
    const error = await client.createJob(v2Request("f-dup")).catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.equal(error.errorCode, "ModelArts.2751");
    assert.match(error.message, /a training job named "f-dup" already exists in project/);
    assert.equal(emu.control.requests({ method: "POST", pathRegex: `${JOBS}$` }).length, 2);
  });

  it("keeps the 409 status and code of a refused delete (ModelArts.2878), not retried and not 'not found'", async () => {
    emu.control.setBehaviour({ v2DeleteRunning: "reject-2878" });
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("f-409"));
    const error = await client.deleteJob(job.id).catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.deepEqual([error.httpStatus, error.errorCode, isNotFound(error)], [409, "ModelArts.2878", false]);
    assert.match(error.message, /the status of training job .* changed meanwhile; retry later/);
    assert.equal(emu.control.requests({ method: "DELETE" }).length, 1);
  });

  it("a second DELETE answered 2775 is not found, which the caller reads as gone", async () => {
    emu.control.setBehaviour({ v2RepeatDelete: "not-found" });
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("f-repeat"));
    await client.deleteJob(job.id);
    assert.ok(isNotFound(await client.deleteJob(job.id).catch((e: unknown) => e)));
  });

  it("aborts a call and its pending retry when the signal fires", async () => {
    emu.control.addFaultScript({ method: "GET", pathRegex: `${V2}/training-job-engines`, steps: [{ kind: "429", retryAfterSeconds: 30 }] });
    const controller = new AbortController();
    const call = v2AkskClient(emu).listEngines({ signal: controller.signal });
    await waitFor(() => emu.control.requests({ pathRegex: `${V2}/training-job-engines` }).length === 1, "the first attempt");
    controller.abort(new Error("user cancelled"));
    await assert.rejects(call, /user cancelled/);
    assert.equal(emu.control.requests({ pathRegex: `${V2}/training-job-engines` }).length, 1);
  });

  it("ends a call that never gets an answer at the step's deadline", async () => {
    emu.control.addFaultScript({ method: "GET", pathRegex: `${V2}/training-job-flavors`, steps: [{ kind: "latency", latencyMs: 10_000 }] });
    const started = Date.now();
    const error = await v2AkskClient(emu)
      .listFlavors({}, { deadline: { remainingMs: () => 300 - (Date.now() - started) } })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ModelArtsTimeoutError, String(error));
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});

describe("v2 client: answers the emulator does not give (scripted server)", () => {
  let server: ScriptServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("accepts a PUT answered 200 with a null body, and a DELETE answered 200 or 204", async () => {
    const answers = [{ status: 200, body: "null" }, { status: 200, body: "" }, { status: 204 }];
    server = await startScriptServer((_req, i) => answers[i] ?? { status: 500 });
    const client = v2AkskClient(server);
    await client.updateDescription("id-1", "x");
    await client.deleteJob("id-1");
    await client.deleteJob("id-1");
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.path, r.body]),
      [
        ["PUT", `/v2/${PROJECT}/training-jobs/id-1`, { description: "x" }],
        ["DELETE", `/v2/${PROJECT}/training-jobs/id-1`, undefined],
        ["DELETE", `/v2/${PROJECT}/training-jobs/id-1`, undefined],
      ],
    );
  });

  it("counts only 200 to 204 as success: a 206 on DELETE is a failure", async () => {
    server = await startScriptServer(() => ({ status: 206, body: {} }));
    const error = await v2AkskClient(server, { maxAttempts: 1 })
      .deleteJob("id-2")
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.equal(error.httpStatus, 206);
  });

  it("a terminate answered 202 without a job body is accepted and returns nothing", async () => {
    server = await startScriptServer(() => ({ status: 202 }));
    assert.equal(await v2AkskClient(server).terminateJob("id-3"), undefined);
    assert.deepEqual(server.requests[0]!.body, { action_type: "terminate" });
  });

  it("a 200 job without metadata.id is an unexpected answer naming the operation", async () => {
    const job = wireJob("x");
    delete (job["metadata"] as Record<string, unknown>)["id"];
    server = await startScriptServer(() => ({ status: 200, body: job }));
    const error = await v2AkskClient(server)
      .getJob("id-4")
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.match(error.message, /unexpected answer while trying to read training job id-4: the job has no metadata\.id/);
  });

  it("parses the v2 error envelope: code, message and status, and a 404 path error is not 'not found'", async () => {
    const answers = [
      {
        status: 400,
        body: { error_code: "ModelArts.2775", error_msg: "Training job (ID: id-5) not found.", error_solution: "Check the job." },
      },
      { status: 404, body: { error_code: "ModelArts.2836", error_msg: "Path not found." } },
      { status: 404, body: { error_code: "ModelArts.2786", error_msg: "Project ID mismatch." } },
      { status: 404, body: "<html>not found</html>" },
    ];
    server = await startScriptServer((_req, i) => answers[i] ?? { status: 500 });
    const client = v2AkskClient(server);
    const results = [];
    for (let i = 0; i < answers.length; i++) results.push(await client.getJob("id-5").catch((e: unknown) => e));
    const [gone, path, project, html] = results as ModelArtsApiError[];
    assert.deepEqual(
      [gone!.httpStatus, gone!.errorCode, gone!.serviceMessage, isNotFound(gone)],
      [400, "ModelArts.2775", "Training job (ID: id-5) not found.", true],
    );
    assert.deepEqual([path!.httpStatus, path!.errorCode, isNotFound(path)], [404, "ModelArts.2836", false]);
    assert.match(path!.message, /this API does not exist at this endpoint/);
    assert.match(gone!.message, /service says: "Training job \(ID: id-5\) not found\."; service suggests: "Check the job\."/);
    assert.deepEqual([project!.name, project!.errorCode, isNotFound(project)], ["AuthenticationError", "ModelArts.2786", false]);
    assert.deepEqual([html!.httpStatus, html!.errorCode, isNotFound(html)], [404, undefined, true]);
  });
});
