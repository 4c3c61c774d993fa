import { strict as assert } from "node:assert";
import { isNotFound } from "../../../provider/shared/api/errors";
import { PartialStateError } from "../../../provider/v2/resource/provider";
import { checkAndCreate, emulatedProvider, jobInputs, SERIALIZED, type EmulatedProvider } from "./emulated";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("v2 provider lifecycle (emulator, emulated time)", () => {
  let h: EmulatedProvider;
  beforeEach(async () => {
    h = await emulatedProvider();
  });
  afterEach(async () => {
    await h.emu.close();
  });

  describe("create", () => {
    it("with waitFor accepted returns the service's UUID as the id, with the job's outputs and the declared inputs", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "accepted-1" }));
      assert.match(id, UUID);
      assert.equal(outs["jobId"], id);
      assert.equal(outs["jobName"], "accepted-1");
      assert.equal(outs["phase"], "Creating");
      assert.equal(outs["startTime"], "");
      assert.match(outs["createTime"] as string, /^\d{4}-\d\d-\d\dT/);
      assert.equal(outs["flavorName"], "Computing CPU(8U) instance");
      assert.deepEqual(outs["tasks"], ["worker-0"]);
      assert.deepEqual(outs["algorithm"], jobInputs()["algorithm"], "the declared algorithm, not the echo");
      assert.equal(outs["__provider"], undefined);
      assert.equal((await h.client.getJob(id)).name, "accepted-1");
    });

    it("autonames from project, stack and resource so that preview and up agree", async () => {
      const a = await h.provider.check({}, { ...jobInputs(), autonamePrefix: "mnist", autonameSeed: "proj/dev" });
      const b = await h.provider.check({}, { ...jobInputs(), autonamePrefix: "mnist", autonameSeed: "proj/dev" });
      const other = await h.provider.check({}, { ...jobInputs(), autonamePrefix: "mnist", autonameSeed: "proj/prod" });
      assert.match(a.inputs["jobName"] as string, /^mnist-[0-9a-f]{7}$/);
      assert.equal(a.inputs["jobName"], b.inputs["jobName"]);
      assert.notEqual(a.inputs["jobName"], other.inputs["jobName"]);
      assert.equal(a.inputs["jobNameAutonamed"], true);
    });

    it("with waitFor running waits until the job runs", async () => {
      const { outs } = await checkAndCreate(h, jobInputs({ jobName: "running-1", waitFor: "running" }));
      assert.equal(outs["phase"], "Running");
      assert.notEqual(outs["startTime"], "");
      assert.ok(
        h.progress.some((l) => /to be running: Pending/.test(l)),
        h.progress.join("\n"),
      );
    });

    it("with waitFor completed waits until the job completed", async () => {
      const { outs } = await checkAndCreate(h, jobInputs({ jobName: "completed-1", waitFor: "completed" }));
      assert.equal(outs["phase"], "Completed");
      assert.ok((outs["duration"] as number) > 0);
    });

    it("a job that fails after acceptance is a partial state carrying its id, and the service's message", async () => {
      const created = checkAndCreate(h, jobInputs({ jobName: "fails-1", waitFor: "completed" }));
      // Force the failure once the job exists (the create is waiting on it).
      let jobId: string | undefined;
      for (let i = 0; i < 200 && jobId === undefined; i++) {
        jobId = (await h.emu.control.v2Jobs())
          .map((j) => j["metadata"] as { id: string; name: string })
          .find((m) => m.name === "fails-1")?.id;
        if (jobId === undefined) await new Promise((r) => setImmediate(r));
      }
      assert.ok(jobId);
      await h.emu.control.setV2Phase(jobId, {
        phase: "Failed",
        secondaryPhase: "Failed",
        message: "Traceback: CUDA out of memory\n  at train.py:42 with password=hunter2hunter2",
      });
      const error = await created.then(
        () => assert.fail("create succeeded"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof PartialStateError, String(error));
      assert.equal(error.id, jobId);
      assert.equal(error.properties["jobId"], jobId);
      assert.equal(error.properties["__provider"], SERIALIZED);
      assert.match(error.message, /ended in Failed/);
      assert.match(error.message, /worker-0: Traceback: CUDA out of memory/);
      assert.match(error.message, /last \d+ log lines? of worker-0:\n(.*\n)*\s+at train\.py:42/, "the tail of the task's log says why");
      assert.doesNotMatch(error.message, /hunter2/, "the log tail is redacted");
      assert.match(error.message, /It is recorded in the stack/);
    });

    it("Abnormal ends a running wait too, naming the secondary phase", async () => {
      const created = checkAndCreate(h, jobInputs({ jobName: "abnormal-1", waitFor: "running" }));
      let jobId: string | undefined;
      for (let i = 0; i < 200 && jobId === undefined; i++) {
        jobId = (await h.emu.control.v2Jobs())
          .map((j) => j["metadata"] as { id: string; name: string })
          .find((m) => m.name === "abnormal-1")?.id;
        if (jobId === undefined) await new Promise((r) => setImmediate(r));
      }
      await h.emu.control.setV2Phase(jobId!, { phase: "Abnormal", secondaryPhase: "CreateFailed", message: "image pull failed" });
      const error = await created.catch((e: unknown) => e);
      assert.ok(error instanceof PartialStateError, String(error));
      assert.match(error.message, /ended in Abnormal \(CreateFailed\): worker-0: image pull failed/);
      assert.match(error.message, /It is recorded in the stack.*\nlast 2 log lines of worker-0:\n {2}image pull failed\n/);
    });
  });

  describe("read", () => {
    it("refresh reports the job's phase and keeps the declared algorithm and spec (the service's echoes are no drift)", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "refresh-1" }));
      await h.emu.control.advance(30_000);
      const read = await h.provider.read(id, outs);
      assert.equal(read.id, id);
      assert.equal(read.props!["phase"], "Running");
      assert.deepEqual(read.props!["algorithm"], outs["algorithm"]);
      assert.deepEqual(read.props!["spec"], outs["spec"]);
      assert.equal(read.inputs!["phase"], undefined, "computed outputs are not inputs");
      const diff = await h.provider.diff(id, read.props!, { ...jobInputs({ jobName: "refresh-1" }) });
      assert.equal(diff.changes, false);
    });

    it("annotations the service adds are never drift", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "annotated-1", annotations: { team: "vision" } }));
      const read = await h.provider.read(id, outs);
      assert.deepEqual(read.props!["annotations"], { team: "vision" });
      const diff = await h.provider.diff(id, read.props!, jobInputs({ jobName: "annotated-1", annotations: { team: "vision" } }));
      assert.equal(diff.changes, false);
    });

    it("refresh after an out-of-band delete returns no id once the job is provably gone", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "gone-1" }));
      await h.emu.control.deleteV2Job(id);
      const read = await h.provider.read(id, outs);
      assert.deepEqual(read, {});
    });

    it("refresh keeps a job made moments ago that GET and the search do not show yet", async () => {
      await h.emu.control.setBehaviour({ v2ReadVisibilityDelayMs: 10_000, v2ListVisibilityDelayMs: 10_000 });
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "lag-1" }));
      const read = await h.provider.read(id, outs);
      assert.equal(read.id, id);
    });

    it("get reads a job by id with its algorithm and spec as the service reports them, without the service's additions", async () => {
      const { id } = await checkAndCreate(h, jobInputs({ jobName: "get-1" }));
      const read = await h.provider.read(id, {});
      assert.equal(read.props!["jobName"], "get-1");
      assert.equal(read.props!["description"], "a provider test job");
      const algorithm = read.props!["algorithm"] as Record<string, unknown>;
      // By name and version, as the service reports them besides the id the job was made with.
      assert.deepEqual(algorithm["engine"], { engineName: "PyTorch", engineVersion: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" });
      assert.deepEqual(algorithm["outputs"], [{ name: "train_url", remote: { obs: { obsUrl: "/bucket/out/" } } }]);
      assert.deepEqual(read.props!["spec"], { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1 } });
    });

    it("get of an unknown id fails instead of recording an empty job", async () => {
      await assert.rejects(h.provider.read("00000000-0000-4000-8000-000000000000", {}), /no training job with id 00000000/);
    });
  });

  describe("update", () => {
    it("changes the description in place and keeps the job", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "update-1" }));
      const news = { ...outs, description: "second", __provider: SERIALIZED };
      const diff = await h.provider.diff(id, outs, news);
      assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
      const { outs: after } = await h.provider.update(id, outs, news);
      assert.equal(after["description"], "second");
      assert.equal(after["jobId"], id);
      assert.equal((await h.client.getJob(id)).description, "second");
    });

    it("a waitFor change changes nothing at the service, and the outputs report the job as it is now", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "update-2" }));
      assert.equal(outs["phase"], "Creating");
      await h.emu.control.advance(30_000);
      const before = (await h.emu.control.requests({})).length;
      const { outs: after } = await h.provider.update(id, outs, { ...outs, waitFor: "running" });
      assert.equal(after["waitFor"], "running");
      assert.equal(after["phase"], "Running", "fresh, not the phase the create saw");
      assert.ok((after["duration"] as number) > 0);
      assert.ok(after["startTime"] !== "");
      const calls = (await h.emu.control.requests({})).slice(before);
      assert.deepEqual(
        calls.filter((r) => r.method !== "GET" && !r.path.endsWith("/training-job-searches")),
        [],
        "only look-ups",
      );
    });
  });

  describe("delete", () => {
    it("terminates a running job, deletes it and waits until it is provably gone", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "delete-1", waitFor: "running" }));
      await h.provider.delete(id, outs);
      await assert.rejects(h.client.getJob(id), (e: unknown) => isNotFound(e));
      assert.equal((await h.client.searchAllJobs({})).filter((j) => j.id === id).length, 0);
      const methods = (await h.emu.control.requests({})).map((r) => `${r.method} ${r.path.replace(/^\/v2\/[^/]+/, "")}`);
      assert.ok(methods.includes(`POST /training-jobs/${id}/actions`), methods.join("\n"));
      assert.ok(methods.indexOf(`POST /training-jobs/${id}/actions`) < methods.indexOf(`DELETE /training-jobs/${id}`));
      assert.ok(
        h.progress.some((l) => /terminating it \(Running\) before deleting/.test(l)),
        h.progress.join("\n"),
      );
      assert.ok(
        h.progress.some((l) => /removed after/.test(l)),
        h.progress.join("\n"),
      );
    });

    it("with stopBeforeDelete false deletes a running job without terminating it", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "delete-2", waitFor: "running", stopBeforeDelete: false }));
      await h.provider.delete(id, outs);
      const methods = (await h.emu.control.requests({})).map((r) => r.path);
      assert.ok(!methods.some((p) => p.endsWith("/actions")));
      assert.equal(await h.emu.control.v2Job(id), undefined);
    });

    it("waits for the asynchronous removal: still listed after the 202, gone only when search and GET agree", async () => {
      await h.emu.control.setBehaviour({ deleteDelayMs: 40_000 });
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "delete-3", waitFor: "completed" }));
      const before = await h.elapsed();
      await h.provider.delete(id, outs);
      assert.ok((await h.elapsed()) - before >= 40_000, "returned before the removal");
      await assert.rejects(h.client.getJob(id), (e: unknown) => isNotFound(e));
    });

    it("does not take a job the search no longer lists for gone while GET still finds it", async () => {
      await h.emu.control.setBehaviour({ deleteDelayMs: 30_000, v2ListIncludesDeleting: false });
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "delete-7", waitFor: "completed" }));
      const before = await h.elapsed();
      await h.provider.delete(id, outs);
      assert.ok((await h.elapsed()) - before >= 30_000, "returned while GET still found the job");
      assert.equal(await h.emu.control.v2Job(id), undefined);
    });

    it("a not-found answered as HTTP 404 counts as gone too, and a second delete of the removed job is success", async () => {
      await h.emu.control.setBehaviour({ v2RepeatDelete: "not-found", v2NotFoundStyle: "404-2775", v2DeletingPhase: "Terminating" });
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "delete-8", waitFor: "completed" }));
      await h.provider.delete(id, outs);
      assert.equal(await h.emu.control.v2Job(id), undefined);
      await h.provider.delete(id, outs);
      assert.ok(h.progress.some((l) => /is already gone/.test(l)));
    });

    it("is idempotent: a job already gone is success", async () => {
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "delete-4" }));
      await h.emu.control.deleteV2Job(id);
      await h.provider.delete(id, outs);
      assert.ok(h.progress.some((l) => /is already gone/.test(l)));
    });

    it("terminates first when the service refuses to delete a running job (409)", async () => {
      await h.emu.control.setBehaviour({ v2DeleteRunning: "reject-2796" });
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "delete-5", waitFor: "running", stopBeforeDelete: false }));
      await h.provider.delete(id, outs);
      assert.equal(await h.emu.control.v2Job(id), undefined);
      assert.ok(
        h.progress.some((l) => /refused to delete a running job/.test(l)),
        h.progress.join("\n"),
      );
    });

    it("a deletion slower than timeouts.delete fails saying the job stays in the stack", async () => {
      await h.emu.control.setBehaviour({ deleteDelayMs: 600_000 });
      const { id, outs } = await checkAndCreate(h, jobInputs({ jobName: "delete-6", waitFor: "completed", timeouts: { delete: "2m" } }));
      const error = await h.provider.delete(id, outs).catch((e: unknown) => e);
      assert.ok(error instanceof Error && error.name === "DeleteTimeoutError", String(error));
      assert.match(error.message, /still there; it stays in the stack/);
      assert.match(error.message, /Raise timeouts.delete \(now 2m\)/);
    });
  });
});
