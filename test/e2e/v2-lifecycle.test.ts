/**
 * The v2.TrainingJob lifecycle under the real Pulumi engine: create, no-op, refresh, description
 * update in place, replacement on a config change (deleting first when the name stays), refresh
 * after an out-of-band delete, and a destroy that waits for the asynchronous removal, each against
 * an emulator of its own.
 */
import { strict as assert } from "node:assert";
import { PROJECT_ID, checkPackageBuilt, eventually, pulumiCli, withScenario } from "./harness";
import { V2_API, v2Job, v2JobPath, v2Jobs, v2StateJobs } from "./v2-harness";
import { FLAVOR_NAME, singleV2Job, v2Algorithm, v2Spec, type V2Args } from "./v2-programs";

/** Short jobs and quick deletions, so that a scenario spends its time in the engine, not waiting. */
const FAST = { jobDurationMs: 1500, deleteDelayMs: 500 };

describe("e2e: the v2.TrainingJob lifecycle under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000); // the first run on a machine builds the Pulumi CLI
    checkPackageBuilt();
    await pulumiCli();
  });

  it("up creates exactly one v2 job whose outputs match the emulator; a second preview and up change nothing; refresh finds no drift", async () => {
    // A short job awaited to completion: its phase stays Completed between the operations.
    const args: V2Args = { description: "e2e create", waitFor: "completed", algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("create", () => ({ args })), emulator: FAST }, async (s) => {
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 3 });
      const jobs = v2Jobs(s);
      assert.equal(jobs.length, 1);
      assert.equal(s.requests("POST", V2_API.jobs).length, 1);
      assert.equal(s.requests(undefined, /^\/v1\//).length, 0, "a v2 job never calls the v1 API");
      const job = jobs[0]!;
      const out = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
      assert.match(job.id, /^[0-9a-f]{8}-[0-9a-f]{4}-/, "the service's UUID");
      assert.equal(out.jobId, job.id);
      assert.equal(out.jobName, job.name);
      assert.match(job.name, /^create-[0-9a-f]{7}$/, "autonamed from the resource name");
      assert.equal(job.phase, "Completed");
      assert.equal(out.phase, "Completed");
      assert.equal(typeof out.secondaryPhase, "string");
      assert.equal(out.createTime, new Date(job.createTime).toISOString());
      assert.match(String(out.startTime), /^\d{4}-\d\d-\d\dT/, "the job started");
      assert.ok(typeof out.duration === "number" && out.duration > 0, `duration ${String(out.duration)}`);
      assert.equal(out.flavorName, FLAVOR_NAME);
      assert.deepEqual(out.tasks, ["worker-0"]);
      assert.equal(job.description, "e2e create");
      const sent = job.raw.algorithm as Record<string, unknown>;
      assert.equal(sent.code_dir, "/e2e-bucket/v2/code/");
      assert.equal(sent.boot_file, "/e2e-bucket/v2/code/train.py");
      assert.deepEqual(sent.environments, [{ E2E: "1" }], "the answer form: an array of maps");
      const [state] = await v2StateJobs(s);
      assert.equal(state?.id, job.id, "the resource id is the job id");
      const exported = await s.exportText();
      for (const [name, secret] of Object.entries(s.secrets)) assert.ok(!exported.includes(secret), `the ${name} is in the state`);

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { same: 3 });
      const again = await s.up({ expectNoChanges: true });
      assert.deepEqual(again.summary.resourceChanges, { same: 3 });
      const recorded = async () => (await v2StateJobs(s)).map((r) => ({ id: r.id, outputs: r.outputs }));
      const before = await recorded();
      const refresh = await s.refresh();
      assert.deepEqual(refresh.summary.resourceChanges, { same: 3 });
      // The engine summarises a refresh by its inputs; the outputs it recorded must not have moved either.
      assert.deepEqual(await recorded(), before);
      assert.equal(s.requests("POST", V2_API.jobs).length, 1, "no second job was submitted");
      assert.equal(v2Jobs(s).length, 1);
    });
  });

  it("changing the description previews and applies as an in-place update of the same job", async () => {
    let args: V2Args = { description: "before", waitFor: "completed", algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("describe", () => ({ args })), emulator: FAST }, async (s) => {
      const first = await s.up();
      const [before] = v2Jobs(s);
      assert.ok(before);
      args = { ...args, description: "after" };

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { update: 1, same: 2 });
      assert.match(preview.stdout, /~\s+description\s*:\s*"before"\s*=>\s*"after"/);
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { update: 1, same: 2 });

      const jobs = v2Jobs(s);
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]?.id, before.id, "the same job");
      assert.equal(up.outputs.jobId?.value, first.outputs.jobId?.value, "the same jobId");
      assert.equal(jobs[0]?.description, "after");
      assert.deepEqual(
        s.requests("PUT", V2_API.job).map((r) => r.path),
        [v2JobPath(before.id)],
      );
      assert.equal(s.requests("POST", V2_API.jobs).length, 1, "nothing was submitted again");
      assert.equal(s.requests("DELETE").length, 0);
      await s.up({ expectNoChanges: true });
    });
  });

  it("changing a parameter replaces the job, deleting the old one first since its name stays: a new jobId, and the old job gone", async () => {
    let args: V2Args = { waitFor: "completed", algorithm: v2Algorithm(), spec: v2Spec() };
    // The old job's removal takes 3 s: the new one (same name) can only be created after it.
    await withScenario({ program: singleV2Job("retrain", () => ({ args })), emulator: { ...FAST, deleteDelayMs: 3000 } }, async (s) => {
      const first = await s.up();
      const [before] = v2Jobs(s);
      assert.ok(before);
      args = { ...args, algorithm: v2Algorithm({ parameters: [{ name: "epochs", value: "30" }] }) };

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { replace: 1, same: 2 });
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { replace: 1, same: 2 });

      const jobs = v2Jobs(s);
      assert.equal(jobs.length, 1, "one job: the old one is gone");
      const after = jobs[0]!;
      assert.notEqual(after.id, before.id, "a new job");
      assert.equal(after.name, before.name, "under the same (autonamed) name");
      assert.equal(v2Job(s, before.id), undefined, "the old job is gone from the service");
      assert.equal(up.outputs.jobId?.value, after.id);
      assert.notEqual(up.outputs.jobId?.value, first.outputs.jobId?.value);
      assert.deepEqual((after.raw.algorithm as { parameters: Array<{ name: string; value: string }> }).parameters[0]?.value, "30");
      const [state] = await v2StateJobs(s);
      assert.equal(state?.id, after.id);

      const deletes = s.requests("DELETE", V2_API.job);
      assert.deepEqual(
        deletes.map((r) => r.path),
        [v2JobPath(before.id)],
      );
      const creates = s.requests("POST", V2_API.jobs).filter((r) => r.status === 201);
      assert.equal(creates.length, 2);
      assert.ok(deletes[0]!.seq < creates[1]!.seq, "the old job was deleted before the new one was created");
      assert.ok(
        creates[1]!.emulatorTime >= deletes[0]!.emulatorTime + 3000,
        "the new job was created only once the old one had been removed",
      );
      assert.equal(
        s.requests("POST", V2_API.jobs).filter((r) => r.errorCode === "ModelArts.2751").length,
        0,
        "no create met the old job's name",
      );
    });
  });

  it("changing the jobName replaces the job: the new job is created, then the old one deleted", async () => {
    let args: V2Args = { jobName: "first-name", waitFor: "completed", algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("renamed", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [before] = v2Jobs(s);
      assert.ok(before);
      args = { ...args, jobName: "second-name" };

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { replace: 1, same: 2 });
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { replace: 1, same: 2 });

      const jobs = v2Jobs(s);
      assert.equal(jobs.length, 1, "the old job is gone");
      assert.equal(jobs[0]?.name, "second-name");
      assert.notEqual(jobs[0]?.id, before.id);
      assert.equal(up.outputs.jobId?.value, jobs[0]?.id);
      const [del] = s.requests("DELETE", V2_API.job);
      assert.equal(del?.path, v2JobPath(before.id));
      const creates = s.requests("POST", V2_API.jobs);
      assert.equal(creates.length, 2);
      assert.ok(creates[1]!.seq < del.seq, "create before delete: the names differ");
    });
  });

  it("a job deleted outside Pulumi is dropped from the stack by refresh, and destroy then succeeds", async () => {
    const args: V2Args = { waitFor: "completed", algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("vanished", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [job] = v2Jobs(s);
      assert.ok(job && s.emulator.control.deleteV2Job(job.id));

      const refresh = await s.refresh();
      assert.deepEqual(refresh.summary.resourceChanges, { delete: 1, same: 2 });
      assert.deepEqual(await v2StateJobs(s), []);
      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 }, "only the stack and its identity are left to delete");
      assert.equal(s.requests("DELETE").length, 0, "nothing was sent for the job that was already gone");
    });
  });

  it("destroy terminates the running job, sends the DELETE (202) and returns only after the job is gone", async () => {
    const deleteDelayMs = 4000;
    // A long job, awaited until it runs: it is still running when destroy starts. The clock stands
    // still until the job is created, then jumps past Creating and Pending (10% of the run each).
    const args: V2Args = { waitFor: "running", algorithm: v2Algorithm(), spec: v2Spec() };
    const emulator = { frozenClock: true, jobDurationMs: 10 * 60_000, deleteDelayMs, killMs: 500 };
    await withScenario({ program: singleV2Job("doomed", () => ({ args })), emulator }, async (s) => {
      const upRun = s.up();
      upRun.catch(() => undefined);
      await eventually("the create to be accepted", () => v2Jobs(s)[0], 120_000);
      s.emulator.control.advance(150_000);
      const up = await upRun;
      s.emulator.control.unfreeze();
      assert.equal(up.outputs.phase?.value, "Running");
      const [job] = v2Jobs(s);
      assert.ok(job);
      assert.equal(job.phase, "Running");

      const destroy = await s.destroy();
      // Checked the moment destroy returns: the service holds no job any more.
      assert.deepEqual(v2Jobs(s), []);
      assert.equal(v2Job(s, job.id), undefined);
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 3 });

      const terminates = s.requests("POST", V2_API.actions);
      assert.deepEqual(
        terminates.map((r) => [r.path, r.status]),
        [[`${v2JobPath(job.id)}/actions`, 202]],
        "the running job was terminated (stopBeforeDelete defaults to true)",
      );
      const deletes = s.requests("DELETE", V2_API.job).filter((r) => r.status === 202);
      assert.equal(deletes.length, 1);
      const del = deletes[0]!;
      assert.equal(del.path, v2JobPath(job.id));
      assert.ok(terminates[0]!.seq < del.seq, "terminate before delete");

      // The removal was proved after it happened: a GET answering 2775, and a search without the job.
      const after = s.requests().filter((r) => r.seq > del.seq && r.status !== "dropped" && r.status !== "aborted");
      const gone = after.filter((r) => r.method === "GET" && V2_API.job.test(r.path.split("?")[0]!) && r.errorCode === "ModelArts.2775");
      assert.ok(gone.length >= 1, "a GET of the job answered ModelArts.2775 (not found)");
      assert.ok(
        gone[0]!.emulatorTime >= del.emulatorTime + deleteDelayMs,
        `the not-found answer came ${gone[0]!.emulatorTime - del.emulatorTime} ms after the DELETE, before the job could be gone`,
      );
      const polls = after.filter((r) => r.seq < gone[0]!.seq);
      assert.ok(polls.length >= 2, `the job was polled while the removal ran (${polls.length} requests)`);
      const searched = after.filter(
        (r) => V2_API.searches.test(r.path.split("?")[0]!) && r.status === 200 && r.emulatorTime >= del.emulatorTime + deleteDelayMs,
      );
      assert.ok(searched.length >= 1, "a search after the removal confirmed the job's absence");
      assert.deepEqual(await v2StateJobs(s), []);
      assert.ok(s.requests().every((r) => !r.path.includes(`/v1/${PROJECT_ID}/`)));
    });
  });
});
