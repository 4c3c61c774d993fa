import { strict as assert } from "node:assert";
import { createClient } from "../../../provider/shared/api/config";
import { PartialStateError, TrainingJobProviderImpl } from "../../../provider/v1/resource/provider";
import { UNKNOWN } from "../../../provider/v1/resource/validate";
import { DEFAULT_PACES, scansWithin } from "../../../provider/shared/resource/poller";
import type { EmulatorOptions } from "../../../emulator";
import { AK, checkAndCreate, emulatedProvider, PROJECT, SERIALIZED, SK, type EmulatedProvider } from "./emulated";

const CONFIG = {
  workerServerNum: 1,
  specId: 1,
  engineId: 4,
  appUrl: "/bucket/app/",
  bootFileUrl: "/bucket/app/train.py",
  dataUrl: "/bucket/data/",
  trainUrl: "/bucket/out/",
  parameters: [{ label: "lr", value: "0.01" }],
};

/** The config of a job made outside Pulumi (wire form), and the same declared as resource input. */
const EXISTING_WIRE_CONFIG = {
  worker_server_num: 1,
  spec_id: 1,
  engine_id: 4,
  app_url: "/bucket/app/",
  boot_file_url: "/bucket/app/train.py",
  data_url: "/bucket/data/",
};

type Harness = EmulatedProvider;

/** With `clientSleepsAdvance`, the client's retry backoffs advance the emulated clock too (no wall-time waits). */
function harness(options: EmulatorOptions = {}, clientSleepsAdvance = false): Promise<Harness> {
  return emulatedProvider({ emulator: { killMs: 2_000, ...options }, randomSuffix: () => "abc1234", clientSleepsAdvance });
}

const created = checkAndCreate;

describe("TrainingJob provider against the emulator", function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => {
    await h?.emu.close();
  });

  describe("check", () => {
    beforeEach(async () => {
      h = await harness();
    });

    it("autonames a job from the resource name and keeps the name on later checks", async () => {
      const first = await h.provider.check({}, { autonamePrefix: "my model", config: CONFIG });
      assert.equal(first.inputs["jobName"], "my-model-abc1234");
      const again = await h.provider.check(first.inputs, { autonamePrefix: "my model", config: { ...CONFIG, workerServerNum: 2 } });
      assert.equal(again.inputs["jobName"], "my-model-abc1234");
      const explicit = await h.provider.check(first.inputs, { autonamePrefix: "my model", jobName: "chosen", config: CONFIG });
      assert.equal(explicit.inputs["jobName"], "chosen");
    });

    it("derives the autoname from the stack and resource name, so preview and update agree", async () => {
      const provider = new TrainingJobProviderImpl({ clientFor: () => h.client });
      const news = { autonamePrefix: "train", autonameSeed: "proj/dev", config: CONFIG };
      const preview = await provider.check({}, news);
      const update = await provider.check({}, news);
      assert.match(preview.inputs["jobName"] as string, /^train-[0-9a-f]{7}$/);
      assert.equal(update.inputs["jobName"], preview.inputs["jobName"]);
      const otherStack = await provider.check({}, { ...news, autonameSeed: "proj/prod" });
      assert.notEqual(otherStack.inputs["jobName"], preview.inputs["jobName"]);
    });

    it("reports failures with property paths and makes no API call", async () => {
      h.emu.control.clearRequests();
      const { failures } = await h.provider.check({}, { jobName: "x", config: { ...CONFIG, specId: undefined } });
      assert.deepEqual(failures, [
        {
          property: "config.specId",
          reason: "one of config.specId or config.flavor.code (public pool flavour) or config.poolId (dedicated pool) is required",
        },
      ]);
      assert.equal(h.emu.control.requests().length, 0);
    });

    it("skips unknown values during preview", async () => {
      const { failures } = await h.provider.check({}, { jobName: UNKNOWN, description: UNKNOWN, config: { ...CONFIG, dataUrl: UNKNOWN } });
      assert.deepEqual(failures, []);
    });
  });

  describe("create", () => {
    it("submits the job and returns its exact ids and outputs", async () => {
      h = await harness({ idBase: "9007199254740993" });
      const { id, outs } = await created(h, { jobName: "create-1", description: "first", config: CONFIG });
      assert.equal(id, "9007199254740993");
      const jobs = h.emu.control.jobs(PROJECT);
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.jobId, id);
      assert.equal(outs["jobId"], id);
      assert.equal(outs["jobName"], "create-1");
      assert.equal(outs["versionId"], jobs[0]!.versions[0]!.versionId);
      assert.equal(outs["versionName"], "V0001");
      assert.equal(outs["versionCount"], 1);
      assert.equal(outs["statusName"], "JOBSTAT_INIT");
      assert.equal(outs["createTime"], new Date(jobs[0]!.createTime).toISOString());
      assert.equal(outs["description"], "first");
      assert.equal(outs["__provider"], undefined);
    });

    it("waits for completion when asked, reporting each status", async () => {
      h = await harness();
      const { outs } = await created(h, { jobName: "create-2", waitFor: "completed", config: CONFIG });
      assert.equal(outs["status"], 10);
      assert.equal(outs["statusName"], "JOBSTAT_COMPLETED");
      assert.ok(
        h.progress.some((l) => /JOBSTAT_RUNNING \(8\) after \d+s/.test(l)),
        h.progress.join("\n"),
      );
      assert.ok(h.progress.some((l) => /JOBSTAT_COMPLETED \(10\)/.test(l)));
    });

    it("reports a failure after acceptance as a partial-state error carrying the job", async () => {
      h = await harness({ rules: [{ match: { jobName: "fails-in-run" }, failAt: "run" }] });
      const error = await created(h, { jobName: "fails-in-run", waitFor: "completed", config: CONFIG }).then(
        () => assert.fail("create should fail"),
        (e: unknown) => e as PartialStateError,
      );
      assert.ok(error instanceof PartialStateError);
      const job = h.emu.control.jobs(PROJECT)[0]!;
      assert.equal(error.id, job.jobId);
      assert.equal(error.properties["jobId"], job.jobId);
      assert.equal(error.properties["__provider"], SERIALIZED, "the host needs the serialized provider to delete later");
      assert.equal(error.properties["status"], 1);
      assert.match(error.message, /training job \d+ was created but did not reach the requested state: .*JOBSTAT_FAILED \(11\)/);
      assert.match(
        error.message,
        /It is recorded in the stack.*\nlast \d+ log lines of job-fails-in-run\.0:\n(  .*\n)*  \[Modelarts Service Log\]Training failed: the process exited with code 1$/,
        "the error ends with the tail of the worker's log",
      );
    });

    it("reports running out of time after acceptance as a partial-state error too", async () => {
      h = await harness();
      const error = await created(h, { jobName: "too-slow", waitFor: "completed", timeouts: { create: "10s" }, config: CONFIG }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof PartialStateError);
      assert.match(
        error.message,
        /timed out after 10s waiting for training job \d+ \("too-slow"\) version \d+ to be completed; last status/,
      );
    });

    it("fails before acceptance without a partial state when the service says no", async () => {
      h = await harness();
      await created(h, { jobName: "dup", config: CONFIG });
      const error = await created(h, { jobName: "dup", config: CONFIG }).catch((e: unknown) => e);
      assert.ok(!(error instanceof PartialStateError));
      assert.match(String(error), /training job "dup" already exists as job \d+/);
      assert.equal(h.emu.control.jobs(PROJECT).length, 1);
    });
  });

  describe("read", () => {
    beforeEach(async () => {
      h = await harness();
    });

    it("reports no drift for an unchanged job", async () => {
      const { id, outs } = await created(h, { jobName: "read-1", description: "d", waitFor: "completed", config: CONFIG });
      const { id: readId, props } = await h.provider.read(id, outs);
      assert.equal(readId, id);
      assert.deepEqual(props, outs);
    });

    it("reflects drift of the description and the status", async () => {
      const { id, outs } = await created(h, { jobName: "read-2", description: "d", config: CONFIG });
      h.emu.control.patchJob(id, { jobDesc: "changed by hand", status: 12 });
      const { props } = await h.provider.read(id, outs);
      assert.equal(props!["description"], "changed by hand");
      assert.equal(props!["status"], 12);
      assert.equal(props!["statusName"], "JOBSTAT_KILLED");
    });

    it("returns no id for a job deleted outside Pulumi, so refresh drops it", async () => {
      const { id, outs } = await created(h, { jobName: "read-3", config: CONFIG });
      h.emu.control.deleteJob(id, { immediate: true });
      assert.deepEqual(await h.provider.read(id, outs), {});
    });

    it("returns the checked inputs unchanged on a refresh of an unchanged job, so the next diff is empty", async () => {
      const { inputs: checked } = await h.provider.check({}, { autonamePrefix: "refresh", description: "d", config: CONFIG });
      const { id, outs } = await h.provider.create({ ...checked, __provider: SERIALIZED });
      const { props, inputs } = await h.provider.read(id, { ...outs, __provider: SERIALIZED });
      assert.deepEqual(inputs, checked);
      assert.equal(props!["jobId"], id);
      const { changes } = await h.provider.diff(id, props!, { ...checked, __provider: SERIALIZED });
      assert.equal(changes, false);
    });

    it("returns drift in the inputs too, so that the next up shows it as a change", async () => {
      const { inputs: checked } = await h.provider.check({}, { jobName: "read-4", description: "d", config: CONFIG });
      const { id, outs } = await h.provider.create({ ...checked, __provider: SERIALIZED });
      h.emu.control.patchJob(id, { jobDesc: "changed by hand" });
      const { props, inputs } = await h.provider.read(id, outs);
      assert.equal(inputs!["description"], "changed by hand");
      const { changes } = await h.provider.diff(id, props!, checked);
      assert.equal(changes, true);
    });

    it("reads a job by id alone (TrainingJob.get), building every output and the whole config from the service", async () => {
      const existing = h.emu.control.createJob(PROJECT, {
        job_name: "made-elsewhere",
        job_desc: "by hand",
        config: { ...EXISTING_WIRE_CONFIG, train_url: "/bucket/out/", parameter: [{ label: "lr", value: "0.01" }] },
      });
      h.emu.control.clearRequests();
      const { id, props, inputs } = await h.provider.read(existing.jobId, { __provider: SERIALIZED });
      assert.equal(id, existing.jobId);
      assert.equal(props!["jobId"], existing.jobId);
      assert.equal(props!["jobName"], "made-elsewhere");
      assert.equal(props!["versionId"], existing.versionId);
      assert.match(props!["versionName"] as string, /^V\d{4}$/);
      assert.equal(props!["statusName"], "JOBSTAT_INIT");
      assert.equal(props!["versionCount"], 1);
      assert.match(props!["createTime"] as string, /^\d{4}-\d\d-\d\dT/);
      assert.equal(props!["description"], "by hand");
      assert.deepEqual(props!["config"], CONFIG);
      assert.equal(props!["__provider"], undefined);
      assert.deepEqual(inputs, { jobName: "made-elsewhere", description: "by hand", config: CONFIG });
      assert.deepEqual(
        h.emu.control.requests().filter((r) => r.method !== "GET"),
        [],
        "a read must not change anything",
      );
    });

    it("reads a job by id alone in the project the look-up keys name", async () => {
      const other = "fedcba9876543210fedcba9876543210";
      const existing = h.emu.control.createJob(other, { job_name: "elsewhere", config: EXISTING_WIRE_CONFIG });
      const clients: Array<Record<string, unknown>> = [];
      const provider = new TrainingJobProviderImpl({
        clientFor: (target) => {
          clients.push({ ...target });
          return createClient({ endpoint: h.emu.url, projectId: target.projectId ?? PROJECT, accessKey: AK, secretKey: SK }, {});
        },
      });
      const { props } = await provider.read(existing.jobId, { projectId: other, __provider: SERIALIZED });
      assert.deepEqual(clients, [{ projectId: other }]);
      assert.equal(props!["projectId"], other);
      assert.equal(props!["jobName"], "elsewhere");
      await assert.rejects(
        h.provider.read(existing.jobId, { __provider: SERIALIZED }),
        /no training job with id/,
        "not in the default project",
      );
    });

    it("fails a get for an id that no job has, naming the id and the project", async () => {
      await assert.rejects(h.provider.read("987654321", { __provider: SERIALIZED }), (error: Error) => {
        assert.equal(error.name, "GetError");
        assert.match(error.message, new RegExp(`no training job with id 987654321 exists in project ${PROJECT}`));
        return true;
      });
    });
  });

  describe("update", () => {
    beforeEach(async () => {
      h = await harness();
    });

    it("changes the description in place, and reports the version's status as it is now", async () => {
      const { id, outs } = await created(h, { jobName: "upd-1", description: "old", config: CONFIG });
      h.emu.control.advance(30_000);
      h.emu.control.clearRequests();
      const { outs: after } = await h.provider.update(id, outs, {
        jobName: "upd-1",
        description: "new",
        config: CONFIG,
        __provider: SERIALIZED,
      });
      assert.equal(h.emu.control.job(id)!.jobDesc, "new");
      assert.equal(after["description"], "new");
      assert.equal(after["versionId"], outs["versionId"]);
      assert.notEqual(after["status"], outs["status"], "fresh, not the status the create saw");
      assert.equal(after["status"], 8, "JOBSTAT_RUNNING");
      assert.deepEqual(
        h.emu.control.requests().map((r) => r.method),
        ["PUT", "GET"],
      );
    });

    it("fails without touching the state when nothing was accepted", async () => {
      await h.emu.close();
      h = await harness({}, true);
      const { id, outs } = await created(h, { jobName: "upd-3", description: "old", config: CONFIG });
      h.emu.control.addFaultScript({ method: "PUT", steps: ["500", "500", "500", "500", "500"] });
      const error = await h.provider
        .update(id, outs, { jobName: "upd-3", description: "new", config: CONFIG, __provider: SERIALIZED })
        .catch((e: unknown) => e);
      assert.ok(!(error instanceof PartialStateError), String(error));
      assert.match(String(error), /500/);
    });

    it("records only what the service accepted when a later step fails", async () => {
      const { id, outs } = await created(h, { jobName: "upd-4", description: "old", config: CONFIG });
      const error = await h.provider
        .update(id, outs, {
          jobName: "upd-4",
          description: "new",
          config: { ...CONFIG, engineId: 999 },
          __provider: SERIALIZED,
        })
        .catch((e: unknown) => e);
      assert.ok(error instanceof PartialStateError, String(error));
      assert.equal(error.properties["description"], "new", "the description change was applied");
      assert.deepEqual(error.properties["config"], CONFIG, "the rejected config is not recorded");
      assert.equal(error.properties["__provider"], SERIALIZED);
      assert.match(error.message, /ModelArts\.2780/);
    });

    it("creates a new version for a config change, stopping the running version first", async () => {
      const { id, outs } = await created(h, { jobName: "upd-2", waitFor: "running", config: CONFIG });
      assert.equal(outs["status"], 8);
      const { outs: after } = await h.provider.update(id, outs, {
        jobName: "upd-2",
        waitFor: "running",
        config: { ...CONFIG, workerServerNum: 2 },
        __provider: SERIALIZED,
      });
      const job = h.emu.control.job(id)!;
      assert.equal(job.versions.length, 2);
      assert.equal(job.versions[0]!.status, 12, "the previous version was stopped");
      assert.equal(after["versionId"], job.versions[1]!.versionId);
      assert.equal(after["versionName"], "V0002");
      assert.equal(after["versionCount"], 2);
      assert.equal(after["status"], 8);
      assert.ok(h.emu.control.requests().some((r) => r.method === "POST" && r.path.endsWith("/stop")));
    });
  });

  describe("delete", () => {
    it("sends DELETE and returns only after the job has left the list", async () => {
      h = await harness({ deleteDelayMs: 30_000 });
      const { id, outs } = await created(h, { jobName: "del-1", waitFor: "completed", config: CONFIG });
      h.emu.control.clearRequests();
      const started = h.emu.control.clock().now;
      await h.provider.delete(id, outs);
      assert.equal(h.emu.control.job(id), undefined);
      const elapsed = h.emu.control.clock().now - started;
      assert.ok(elapsed >= 30_000 && elapsed <= 45_000, `delete took ${elapsed} ms of emulated time`);
      const requests = h.emu.control.requests();
      assert.equal(requests.filter((r) => r.method === "DELETE").length, 1);
      // The look-up, the DELETE, and the removal wait's list scans on the near pace (one more at the end).
      const bound = 2 + scansWithin(elapsed, DEFAULT_PACES.near) + 1;
      assert.ok(requests.length <= bound, `${requests.length} calls, more than the ${bound} of the near pace over ${elapsed} ms`);
    });

    it("stops a running job first, then deletes it", async () => {
      h = await harness();
      const { id, outs } = await created(h, { jobName: "del-2", waitFor: "running", config: CONFIG });
      h.emu.control.clearRequests();
      await h.provider.delete(id, outs);
      assert.equal(h.emu.control.job(id), undefined);
      const calls = h.emu.control.requests().map((r) => `${r.method} ${r.path.replace(/\?.*/, "")}`);
      const stopAt = calls.findIndex((c) => c.startsWith("POST") && c.endsWith("/stop"));
      const deleteAt = calls.findIndex((c) => c.startsWith("DELETE"));
      assert.ok(stopAt >= 0 && deleteAt > stopAt, calls.join("\n"));
    });

    it("fails with a clear message when the service ends in delete-failed, keeping the job", async () => {
      h = await harness({ rules: [{ match: { jobName: "del-3" }, deleteOutcome: "fail" }] });
      const { id, outs } = await created(h, { jobName: "del-3", waitFor: "completed", config: CONFIG });
      await assert.rejects(h.provider.delete(id, outs), (e: Error) => {
        assert.equal(e.name, "DeleteFailedError");
        assert.match(e.message, /training job \d+ \("del-3"\) ended in JOBSTAT_DELETE_FAILED \(6\).*stays in the stack/);
        return true;
      });
      assert.equal(h.emu.control.job(id)!.status, 6);
    });

    it("fails when the job is still listed at the delete timeout, naming the last status", async () => {
      h = await harness({ deleteDelayMs: 3_600_000 });
      const { id, outs } = await created(h, { jobName: "del-4", waitFor: "completed", timeouts: { delete: "1m" }, config: CONFIG });
      await assert.rejects(h.provider.delete(id, outs), (e: Error) => {
        assert.equal(e.name, "DeleteTimeoutError");
        assert.match(
          e.message,
          /timed out after 1m waiting for training job \d+ \("del-4"\) to be removed; last status JOBSTAT_COMPLETED \(10\).*Raise timeouts.delete/,
        );
        return true;
      });
    });

    it("stops a running job and sends DELETE again when the service refuses with 409", async () => {
      h = await harness({ rejectDeleteWhileRunning: true });
      const { id, outs } = await created(h, { jobName: "del-409", waitFor: "running", stopBeforeDelete: false, config: CONFIG });
      h.emu.control.clearRequests();
      await h.provider.delete(id, outs);
      assert.equal(h.emu.control.job(id), undefined);
      const deletes = h.emu.control.requests().filter((r) => r.method === "DELETE");
      assert.deepEqual(
        deletes.map((r) => r.status),
        [409, 200],
      );
      assert.ok(h.progress.some((l) => /refused to delete a running job; stopping version/.test(l)));
    });

    it("keeps polling when the list fails for longer than the client retries", async () => {
      h = await harness({ deleteDelayMs: 30_000 }, true);
      const { id, outs } = await created(h, { jobName: "del-503", waitFor: "completed", config: CONFIG });
      // Six 503s in a row outlast one call's five attempts; they start after the first list.
      h.emu.control.addFaultScript({
        method: "GET",
        pathRegex: "/training-jobs\\?",
        steps: ["none", "503", "503", "503", "503", "503", "503"],
      });
      await h.provider.delete(id, outs);
      assert.equal(h.emu.control.job(id), undefined);
      assert.ok(
        h.progress.some((l) => /no answer this time .*503.*polling again/.test(l)),
        h.progress.join("\n"),
      );
    });

    it("succeeds for a job that is already gone", async () => {
      h = await harness();
      const { id, outs } = await created(h, { jobName: "del-5", config: CONFIG });
      h.emu.control.deleteJob(id, { immediate: true });
      h.emu.control.clearRequests();
      await h.provider.delete(id, outs);
      assert.equal(h.emu.control.requests().filter((r) => r.method === "DELETE").length, 0);
    });

    it("treats a not-found answer to DELETE as success", async () => {
      h = await harness({ repeatDeleteAnswer: "not-found" });
      const { id, outs } = await created(h, { jobName: "del-6", waitFor: "completed", config: CONFIG });
      h.emu.control.deleteJob(id);
      await h.provider.delete(id, outs);
    });
  });

  describe("adopt", () => {
    it("adopts an existing job by id instead of creating one", async () => {
      h = await harness();
      const existing = h.emu.control.createJob(PROJECT, {
        job_name: "made-elsewhere",
        config: EXISTING_WIRE_CONFIG,
      });
      const { id, outs } = await created(h, {
        adoptJobId: existing.jobId,
        config: {
          workerServerNum: 1,
          specId: 1,
          engineId: 4,
          appUrl: "/bucket/app/",
          bootFileUrl: "/bucket/app/train.py",
          dataUrl: "/bucket/data/",
        },
      });
      assert.equal(id, existing.jobId);
      assert.equal(outs["jobName"], "made-elsewhere");
      assert.equal(h.emu.control.jobs(PROJECT).length, 1);
    });

    it("refuses to adopt a job whose config differs, naming the fields", async () => {
      h = await harness();
      const existing = h.emu.control.createJob(PROJECT, {
        job_name: "other",
        config: EXISTING_WIRE_CONFIG,
      });
      await assert.rejects(created(h, { adoptJobId: existing.jobId, config: { ...CONFIG, workerServerNum: 2 } }), /config.workerServerNum/);
    });
  });
});
