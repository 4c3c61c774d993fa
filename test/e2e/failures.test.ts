/**
 * Failures under the real Pulumi engine: a job that fails after the service accepted it, a delete
 * that ends in DELETE_FAILED, and a flaky service (429, 5xx, dropped connections) under ten jobs.
 */
import { strict as assert } from "node:assert";
import { TrainingJob, type TrainingJobArgs } from "pulumi-modelarts";
import { API, checkPackageBuilt, pulumiCli, withScenario } from "./harness";
import { jobConfig, singleJob } from "./programs";

const FAST = { jobDurationMs: 1500, deleteDelayMs: 500 };

describe("e2e: failures under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("a job that fails after acceptance ends the up with an error, stays in the state, and destroy removes it", async () => {
    const args: TrainingJobArgs = { jobName: "failing-job", waitFor: "completed", config: jobConfig() };
    const rules = [{ match: { jobName: "failing-job" }, failAt: "run" as const, jobDurationMs: 1500 }];
    await withScenario({ program: singleJob("failing", () => ({ args })), emulator: { ...FAST, rules } }, async (s) => {
      const error = await s.up().then(
        () => assert.fail("up should have failed"),
        (e: Error) => e,
      );
      const [job] = s.jobs();
      assert.ok(job, "the service accepted the job");
      assert.equal(job.status, 11);
      assert.match(error.message, new RegExp(`training job ${job.jobId} was created but did not reach the requested state`));
      assert.match(error.message, /JOBSTAT_FAILED \(11\)/);

      const state = await s.stateJobs();
      assert.equal(state.length, 1, "the failed job is recorded in the stack");
      assert.equal(state[0]?.id, job.jobId);
      assert.equal(state[0]?.outputs?.["jobName"], "failing-job");

      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 3 });
      assert.deepEqual(s.jobs(), []);
      assert.equal(s.requests("DELETE", API.job).length, 1);
    });
  });

  it("a delete that ends in DELETE_FAILED fails destroy with a clear error and keeps the job in the state", async () => {
    const args: TrainingJobArgs = { jobName: "undeletable", waitFor: "completed", config: jobConfig() };
    const rules = [{ match: { jobName: "undeletable" }, deleteOutcome: "fail" as const }];
    await withScenario({ program: singleJob("sticky", () => ({ args })), emulator: { ...FAST, rules } }, async (s) => {
      await s.up();
      const [job] = s.jobs();

      const error = await s.destroy().then(
        () => assert.fail("destroy should have failed"),
        (e: Error) => e,
      );
      assert.match(error.message, new RegExp(`training job ${job!.jobId} \\("undeletable"\\) ended in JOBSTAT_DELETE_FAILED \\(6\\)`));
      assert.match(error.message, /It stays in the stack/);
      const state = await s.stateJobs();
      assert.equal(state.length, 1, "the job is still in the stack");
      assert.equal(state[0]?.id, job!.jobId);
      assert.equal(s.jobs()[0]?.status, 6);

      // Once the service can delete it again, a second destroy finishes the job off.
      s.emulator.control.patchJob(job!.jobId, { deleteOutcome: "succeed" });
      await s.destroy();
      assert.deepEqual(s.jobs(), []);
      assert.deepEqual(await s.stateJobs(), []);
    });
  });

  it("with 20% of requests failing (429, 5xx, dropped connections) up and destroy of 10 jobs succeed, with exactly 10 jobs created and none left", async () => {
    const program = async () => {
      const jobs = Array.from({ length: 10 }, (_, i) => new TrainingJob(`flaky-${i}`, { waitFor: "completed", config: jobConfig() }));
      return { jobIds: jobs.map((j) => j.jobId) };
    };
    const emulator = {
      ...FAST,
      idBase: 500,
      seed: 20,
      faults: { rate: 0.2, kinds: ["429" as const, "500" as const, "503" as const, "drop" as const] },
      // Some creates succeed on the service but their answer is lost: the client must find the job
      // instead of submitting it again.
      faultScripts: [
        {
          method: "POST",
          pathRegex: "/training-jobs$",
          phase: "after" as const,
          steps: ["500" as const, "none" as const, "drop" as const],
        },
      ],
    };
    await withScenario({ program, emulator }, async (s) => {
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 12 });
      const jobs = s.jobs();
      assert.equal(jobs.length, 10);
      assert.deepEqual(
        jobs.map((j) => Number(j.jobId)).sort((a, b) => a - b),
        Array.from({ length: 10 }, (_, i) => 500 + i),
        "ids are handed out in sequence: no job was created and lost on the way",
      );
      assert.deepEqual([...(up.outputs.jobIds?.value as string[])].sort(), jobs.map((j) => j.jobId).sort());
      const faulted = s.requests().filter((r) => r.fault !== undefined);
      assert.ok(faulted.length >= 10, `faults were injected (${faulted.length})`);
      assert.ok(
        faulted.some((r) => r.method === "POST" && r.faultPhase === "after"),
        "a create was answered with a fault after the job was created",
      );

      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 12 });
      assert.deepEqual(s.jobs(), []);
    });
  });
});
