import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../../emulator/index";
import { AuthenticationError, ModelArtsApiError, isNotFound } from "../../../provider/shared/api/errors";
import { ModelArtsClient } from "../../../provider/v1/api/client";
import { PROJECT, akskClient, jobRequest, startTestEmulator } from "../../shared/api/helpers";

describe("ModelArtsClient against the emulator (AK/SK)", () => {
  let emu: RunningEmulator;
  let client: ModelArtsClient;

  before(async () => {
    emu = await startTestEmulator();
    client = akskClient(emu);
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
  });

  it("creates a job and the emulator holds exactly that job", async () => {
    const created = await client.createJob(jobRequest("create-one"));
    assert.equal(created.jobName, "create-one");
    assert.match(created.jobId, /^\d+$/);
    assert.match(created.versionId, /^\d+$/);
    assert.equal(created.versionName, "V0001");
    assert.equal(created.status, 1);
    assert.ok(created.createTime > 0);
    const jobs = emu.control.jobs(PROJECT);
    assert.equal(jobs.length, 1);
    assert.equal(String(jobs[0]!.jobId), created.jobId);
  });

  it("lists jobs with search, status, sorting and paging parameters", async () => {
    for (const name of ["alpha-1", "alpha-2", "alpha-3", "beta-1"]) await client.createJob(jobRequest(name));
    const page = await client.listJobs({ searchContent: "alpha", perPage: 2, page: 1, sortBy: "job_name", order: "desc" });
    assert.equal(page.jobTotalCount, 3);
    assert.deepEqual(
      page.jobs.map((j) => j.jobName),
      ["alpha-3", "alpha-2"],
    );
    const byStatus = await client.listJobs({ status: 1, perPage: 10 });
    assert.equal(byStatus.jobs.length, 4);
    const none = await client.listJobs({ status: 10 });
    assert.equal(none.jobs.length, 0);
  });

  it("walks every page of the list until job_total_count", async () => {
    for (let i = 0; i < 5; i++) await client.createJob(jobRequest(`paged-${i}`));
    emu.control.clearRequests();
    const all = await client.listAllJobs({ perPage: 2 });
    assert.deepEqual(all.map((j) => j.jobName).sort(), ["paged-0", "paged-1", "paged-2", "paged-3", "paged-4"]);
    const listCalls = emu.control.requests({ method: "GET", pathRegex: "/training-jobs\\?" });
    assert.equal(listCalls.length, 3);
  });

  it("finds a job by its exact name although the search matches substrings", async () => {
    await client.createJob(jobRequest("demo-2"));
    const demo = await client.createJob(jobRequest("demo"));
    await client.createJob(jobRequest("xdemo"));
    const found = await client.findJobByName("demo");
    assert.equal(found?.jobId, demo.jobId);
    assert.equal(await client.findJobByName("dem"), undefined);
  });

  it("reads version details and lists versions", async () => {
    const created = await client.createJob(jobRequest("versions"));
    const details = await client.getVersion(created.jobId, created.versionId);
    assert.equal(details.jobId, created.jobId);
    assert.equal(details.versionId, created.versionId);
    assert.equal(details.jobName, "versions");
    assert.equal(details.specId, 1);
    assert.equal(details.appUrl, "/bucket/app/");
    assert.deepEqual(details.parameters, [{ label: "lr", value: "0.01" }]);
    const list = await client.listVersions(created.jobId);
    assert.equal(list.versionCount, 1);
    assert.deepEqual(
      list.versions.map((v) => v.versionId),
      [created.versionId],
    );
  });

  it("creates a new version from the previous one", async () => {
    const created = await client.createJob(jobRequest("new-version"));
    const v2 = await client.createVersion(created.jobId, {
      jobDesc: "second run",
      config: { ...jobRequest("x").config, trainUrl: "/bucket/out2/", preVersionId: created.versionId },
    });
    assert.equal(v2.jobId, created.jobId);
    assert.notEqual(v2.versionId, created.versionId);
    const details = await client.getVersion(created.jobId, v2.versionId);
    assert.equal(details.preVersionId, created.versionId);
    assert.equal(details.trainUrl, "/bucket/out2/");
    assert.equal((await client.listVersions(created.jobId)).versionCount, 2);
  });

  it("changes the description in place", async () => {
    const created = await client.createJob(jobRequest("describe"));
    await client.updateDescription(created.jobId, "new words");
    const [summary] = (await client.listJobs({ searchContent: "describe" })).jobs;
    assert.equal(summary?.jobDesc, "new words");
  });

  it("stops a running version", async () => {
    const created = await client.createJob(jobRequest("stop-me"));
    await client.stopVersion(created.jobId, created.versionId);
    assert.equal((await client.getVersion(created.jobId, created.versionId)).status, 9);
    emu.control.advance(60_000);
    assert.ok([12, 13].includes((await client.getVersion(created.jobId, created.versionId)).status));
  });

  it("deletes a version and then the job, which leaves the list after the emulator's delay", async () => {
    const created = await client.createJob(jobRequest("delete-me"));
    const v2 = await client.createVersion(created.jobId, { config: { ...jobRequest("x").config, preVersionId: created.versionId } });
    await client.deleteVersion(created.jobId, v2.versionId);
    emu.control.advance(60_000);
    assert.deepEqual(
      (await client.listVersions(created.jobId)).versions.map((v) => v.versionId),
      [created.versionId],
    );
    await client.deleteJob(created.jobId);
    assert.ok(
      (await client.listAllJobs()).some((j) => j.jobId === created.jobId),
      "still listed right after DELETE",
    );
    emu.control.advance(60_000);
    assert.ok(!(await client.listAllJobs()).some((j) => j.jobId === created.jobId), "gone after the delay");
  });

  it("lists resource flavours and AI engines", async () => {
    const specs = await client.listResourceSpecs();
    const one = specs.find((s) => s.specId === 1);
    assert.equal(one?.specCode, "modelarts.vm.cpu.2u");
    assert.equal(one?.maxNum, 2);
    const engines = await client.listEngines();
    assert.ok(engines.some((e) => e.engineId === 1 && e.engineName === "TensorFlow"));
  });

  it("reads log file names and log lines of a running job", async () => {
    const created = await client.createJob(jobRequest("logs"));
    emu.control.advance(20_000);
    const files = await client.logFileNames(created.jobId, created.versionId);
    assert.ok(files.length >= 1);
    const log = await client.logs(created.jobId, created.versionId, { logFile: files[0]!, lines: 10 });
    assert.ok(log.lines > 0);
    assert.match(log.startLine, /^\d+$/);
    assert.match(log.endLine, /^\d+$/);
    assert.ok(log.content.length > 0);
  });

  it("copes with ids and statuses answered as JSON strings", async () => {
    emu.control.setBehaviour({ idsAsStrings: true });
    const created = await client.createJob(jobRequest("strings"));
    assert.equal(typeof created.status, "number");
    assert.equal(created.status, 1);
    assert.equal(typeof created.createTime, "number");
    assert.match(created.jobId, /^\d+$/);
    assert.equal((await client.getVersion(created.jobId, created.versionId)).jobId, created.jobId);
  });

  it("explains a duplicate name with the code, the name and the project", async () => {
    await client.createJob(jobRequest("twice"));
    const error = await client.createJob(jobRequest("twice")).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(ModelArtsApiError.isInstance(error));
    assert.equal(error.errorCode, "ModelArts.0103");
    assert.equal(error.httpStatus, 400);
    assert.equal(error.operation, 'create training job "twice"');
    assert.match(error.message, new RegExp(`^ModelArts\\.0103: a training job named "twice" already exists in project ${PROJECT}`));
    assert.match(error.message, /HTTP 400 BadRequest/);
    assert.equal(emu.control.jobs(PROJECT).length, 1);
  });

  it("reports an unknown job as not found", async () => {
    const error = await client.getVersion("424242", "1").catch((e: unknown) => e);
    assert.ok(isNotFound(error), String(error));
    assert.match(String(error), /training job 424242 \(version 1\) does not exist/);
  });

  it("treats is_success false on an HTTP 200 as a failure", async () => {
    emu.control.setBehaviour({ errorsAsHttp200: true });
    const error = await client.getVersion("424242", "1").catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error));
    assert.equal(error.httpStatus, 200);
    assert.ok(isNotFound(error));
  });

  it("fails with AuthenticationError when the secret key is wrong, and says what to check", async () => {
    const wrong = akskClient(emu, { secretKey: "SK-wrong-s3cr3t-key-000000000000001" });
    const error = await wrong.listJobs().catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.httpStatus, 401);
    assert.match(error.message, /modelarts:accessKey and modelarts:secretKey/);
    assert.match(error.message, /clock/);
  });

  it("logs one line per attempt with method, path, status, duration and request id, and nothing else", async () => {
    const lines: string[] = [];
    const logged = akskClient(emu, {}, { logger: (l) => lines.push(l) });
    await logged.listJobs({ searchContent: "x" });
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      new RegExp(`^modelarts: GET /v1/${PROJECT}/training-jobs\\?search_content=x -> 200 in \\d+ ms \\(attempt 1\\)`),
    );
    assert.doesNotMatch(lines[0]!, /authorization|x-sdk-date|SDK-HMAC/i);
  });

  it("prints itself without secrets", () => {
    assert.match(
      String(client),
      /^ModelArtsClient\(http:\/\/127\.0\.0\.1:\d+, project [0-9a-f]{32}, AK\/SK \(access key AKTESTCLIENT00000001\)\)$/,
    );
  });
});

describe("ModelArtsClient with 19-digit ids", () => {
  let emu: RunningEmulator;
  before(async () => {
    // Both above 2^53: a bare pre_version_id in the create-version body must survive too.
    emu = await startTestEmulator({ idBase: "1234567890123456789", versionIdBase: "9007199254740993" });
  });
  after(async () => {
    await emu.close();
  });

  it("keeps job and version ids above 2^53 exact through create, list, details and delete", async () => {
    const client = akskClient(emu);
    const created = await client.createJob(jobRequest("big-ids"));
    assert.equal(created.jobId, "1234567890123456789");
    assert.equal(created.versionId, "9007199254740993");
    const listed = await client.findJobByName("big-ids");
    assert.equal(listed?.jobId, "1234567890123456789");
    assert.equal(listed?.versionId, "9007199254740993");
    const details = await client.getVersion(created.jobId, created.versionId);
    assert.equal(details.jobId, "1234567890123456789");
    const v2 = await client.createVersion(created.jobId, { config: { ...jobRequest("x").config, preVersionId: created.versionId } });
    assert.equal((await client.getVersion(created.jobId, v2.versionId)).preVersionId, "9007199254740993");
    await client.deleteJob(created.jobId);
  });
});
