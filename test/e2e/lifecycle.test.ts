/**
 * The TrainingJob lifecycle under the real Pulumi engine: create, no-op, refresh, update, new
 * version, replace, out-of-band deletion and destroy, each against an emulator of its own.
 */
import { strict as assert } from "node:assert";
import type { TrainingJobArgs } from "pulumi-modelarts";
import { API, checkPackageBuilt, pulumiCli, withScenario } from "./harness";
import { jobConfig, singleJob } from "./programs";

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
    await withScenario(
      { program: singleJob("create", () => ({ args })), emulator: { jobDurationMs: 1500 } },
      async (s) => {
        const up = await s.up();
        assert.deepEqual(up.summary.resourceChanges, { create: 2 });
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
        assert.deepEqual(preview.changeSummary, { same: 2 });
        const again = await s.up({ expectNoChanges: true });
        assert.deepEqual(again.summary.resourceChanges, { same: 2 });
        const refresh = await s.refresh();
        assert.deepEqual(refresh.summary.resourceChanges, { same: 2 });
        assert.equal(s.requests("POST", API.jobs).length, 1, "no second job was submitted");
        assert.equal(s.jobs().length, 1);
      },
    );
  });
});
