/**
 * The TrainingJob lifecycle under the real Pulumi engine: create, no-op, refresh, update, new
 * version, replace, out-of-band deletion and destroy, each against an emulator of its own.
 */
import { strict as assert } from "node:assert";
import type { TrainingJobArgs } from "pulumi-modelarts";
import { API, PROJECT_ID, checkPackageBuilt, pulumiCli, withScenario } from "./harness";
import { jobConfig, singleJob } from "./programs";

/** Short jobs and quick deletions, so that a scenario spends its time in the engine, not waiting. */
const FAST = { jobDurationMs: 1500, deleteDelayMs: 500 };

describe("e2e: the TrainingJob lifecycle under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000); // the first run on a machine builds the Pulumi CLI
    checkPackageBuilt();
    await pulumiCli();
  });

  it("up creates exactly one job whose outputs match the emulator; a second preview and up change nothing; refresh finds no drift", async () => {
    // A short job awaited to completion: its status stays COMPLETED between the operations.
    const args: TrainingJobArgs = { description: "e2e create", waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("create", () => ({ args })), emulator: { jobDurationMs: 1500 } }, async (s) => {
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 3 });
      const jobs = s.jobs();
      assert.equal(jobs.length, 1);
      assert.equal(s.requests("POST", API.jobs).length, 1);
      const job = jobs[0]!;
      const out = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
      assert.equal(out.jobId, job.jobId);
      assert.equal(out.jobName, job.jobName);
      assert.match(job.jobName, /^create-[0-9a-f]{7}$/, "autonamed from the resource name");
      assert.equal(out.versionId, job.versions[0]!.versionId);
      assert.equal(out.versionName, "V0001");
      assert.equal(out.status, 10);
      assert.equal(out.statusName, "JOBSTAT_COMPLETED");
      assert.equal(out.versionCount, 1);
      assert.equal(out.createTime, new Date(job.createTime).toISOString());
      assert.equal(job.jobDesc, "e2e create");
      const [state] = await s.stateJobs();
      assert.equal(state?.id, job.jobId, "the resource id is the job id");

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { same: 3 });
      const again = await s.up({ expectNoChanges: true });
      assert.deepEqual(again.summary.resourceChanges, { same: 3 });
      const recorded = async () => (await s.stateJobs()).map((r) => ({ id: r.id, outputs: r.outputs }));
      const before = await recorded();
      const refresh = await s.refresh();
      assert.deepEqual(refresh.summary.resourceChanges, { same: 3 });
      // The engine summarises a refresh by its inputs; the outputs it recorded must not have moved either.
      assert.deepEqual(await recorded(), before);
      assert.equal(s.requests("POST", API.jobs).length, 1, "no second job was submitted");
      assert.equal(s.jobs().length, 1);
    });
  });

  it("changing the description previews and applies as an in-place update of the same job", async () => {
    let args: TrainingJobArgs = { description: "before", waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("describe", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [before] = s.jobs();
      args = { ...args, description: "after" };

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { update: 1, same: 2 });
      assert.match(preview.stdout, /~\s+description\s*:\s*"before"\s*=>\s*"after"/);
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { update: 1, same: 2 });

      const [after] = s.jobs();
      assert.equal(after?.jobId, before?.jobId);
      assert.equal(after?.jobDesc, "after");
      assert.equal(after?.versions.length, 1, "a description change creates no version");
      assert.equal(s.requests("PUT", API.job).length, 1);
      assert.equal(s.requests("POST", API.versions).length, 0);
    });
  });

  it("changing the config previews and applies as an update that creates a new version of the same job", async () => {
    let args: TrainingJobArgs = { waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("retrain", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [before] = s.jobs();
      args = { ...args, config: jobConfig({ parameters: [{ label: "epochs", value: "30" }] }) };

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { update: 1, same: 2 });
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { update: 1, same: 2 });

      const [after] = s.jobs();
      assert.equal(s.jobs().length, 1);
      assert.equal(after?.jobId, before?.jobId, "still the same job");
      assert.deepEqual(
        after?.versions.map((v) => v.versionName),
        ["V0001", "V0002"],
      );
      assert.equal(s.requests("POST", API.versions).length, 1);
      assert.equal(s.requests("POST", API.jobs).length, 1);
      assert.equal(up.outputs.versionName?.value, "V0002");
      assert.equal(up.outputs.versionId?.value, after?.versions[1]?.versionId);
      assert.equal(up.outputs.versionCount?.value, 2);
      assert.equal(up.outputs.statusName?.value, "JOBSTAT_COMPLETED");
    });
  });

  it("changing the jobName previews and applies as a replacement: a new job, and the old one deleted", async () => {
    let args: TrainingJobArgs = { jobName: "first-name", waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("renamed", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [before] = s.jobs();
      args = { ...args, jobName: "second-name" };

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { replace: 1, same: 2 });
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { replace: 1, same: 2 });

      const jobs = s.jobs();
      assert.equal(jobs.length, 1, "the old job is gone");
      assert.equal(jobs[0]?.jobName, "second-name");
      assert.notEqual(jobs[0]?.jobId, before?.jobId);
      assert.equal(up.outputs.jobId?.value, jobs[0]?.jobId);
      const deletes = s.requests("DELETE", API.job);
      assert.deepEqual(
        deletes.map((r) => r.path),
        [`/v1/${PROJECT_ID}/training-jobs/${before?.jobId}`],
      );
    });
  });

  it("changing the workspaceId while the name stays replaces the job, deleting the old one before creating the new one", async () => {
    let args: TrainingJobArgs = { jobName: "same-name", waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("moved", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      args = { ...args, workspaceId: "f".repeat(32) };
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { replace: 1, same: 2 });

      const jobs = s.jobs();
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]?.workspaceId, "f".repeat(32));
      const [del] = s.requests("DELETE", API.job);
      const creates = s.requests("POST", API.jobs);
      assert.equal(creates.length, 2);
      assert.ok(del && del.seq < creates[1]!.seq, "the old job was deleted before the new one was created");
    });
  });

  it("a description changed outside Pulumi shows as drift on refresh, and the next up restores it", async () => {
    const args: TrainingJobArgs = { description: "ours", waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("drifted", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [job] = s.jobs();
      s.emulator.control.patchJob(job!.jobId, { jobDesc: "theirs" });

      const refresh = await s.refresh();
      assert.deepEqual(refresh.summary.resourceChanges, { update: 1, same: 2 });
      assert.equal((await s.stateJobs())[0]?.outputs?.["description"], "theirs", "the state shows what the service has");
      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { update: 1, same: 2 });
      await s.up();
      assert.equal(s.jobs()[0]?.jobDesc, "ours");
      assert.equal(s.jobs()[0]?.jobId, job!.jobId);
    });
  });

  it("a job deleted outside Pulumi is dropped from the stack by refresh, and destroy then succeeds", async () => {
    const args: TrainingJobArgs = { waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("vanished", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [job] = s.jobs();
      assert.ok(s.emulator.control.deleteJob(job!.jobId, { immediate: true }));

      const refresh = await s.refresh();
      assert.deepEqual(refresh.summary.resourceChanges, { delete: 1, same: 2 });
      assert.deepEqual(await s.stateJobs(), []);
      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 }, "only the stack and its identity are left to delete");
      assert.equal(s.requests("DELETE").length, 0, "nothing was sent for the job that was already gone");
    });
  });

  it("destroy sends the DELETE and returns only after the job has left the emulator's list", async () => {
    const deleteDelayMs = 4000;
    const args: TrainingJobArgs = { waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("doomed", () => ({ args })), emulator: { ...FAST, deleteDelayMs } }, async (s) => {
      await s.up();
      const [job] = s.jobs();

      const destroy = await s.destroy();
      // Checked the moment destroy returns: the job is no longer listed.
      assert.deepEqual(s.jobs(), []);
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 3 });

      const deletes = s.requests("DELETE", API.job);
      assert.equal(deletes.length, 1);
      assert.equal(deletes[0]!.path, `/v1/${PROJECT_ID}/training-jobs/${job!.jobId}`);
      const listsAfter = s.requests("GET", API.jobs).filter((r) => r.seq > deletes[0]!.seq && r.status === 200);
      assert.ok(listsAfter.length >= 2, `the list was polled until the job was gone (${listsAfter.length} polls)`);
      const lastPoll = listsAfter[listsAfter.length - 1]!;
      assert.ok(
        lastPoll.emulatorTime >= deletes[0]!.emulatorTime + deleteDelayMs,
        `destroy's last poll came ${lastPoll.emulatorTime - deletes[0]!.emulatorTime} ms after the DELETE, before the job could be gone`,
      );
    });
  });
});
