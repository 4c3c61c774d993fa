/**
 * A smoke test of v2.TrainingJob under the real Pulumi engine: the type token the engine records,
 * create with a wait, a no-op preview, a description update in place, refresh and destroy that
 * waits for the removal. (The v2 e2e suite covers the rest.)
 */
import { strict as assert } from "node:assert";
import { v2 } from "pulumi-modelarts";
import { PROJECT_ID, checkPackageBuilt, pulumiCli, withScenario, type Scenario } from "./harness";

const TYPE = "pulumi-nodejs:dynamic/modelarts/v2:TrainingJob";

async function v2State(s: Scenario): Promise<Array<{ type: string; id?: string; outputs?: Record<string, unknown> }>> {
  const deployment = await s.stack.exportStack();
  const resources = (deployment.deployment?.resources ?? []) as Array<{ type: string; id?: string; outputs?: Record<string, unknown> }>;
  return resources.filter((r) => r.type === TYPE);
}

describe("e2e: v2.TrainingJob under the Pulumi CLI (smoke)", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("up creates one v2 job recorded under modelarts/v2 with its UUID; preview is a no-op; a description change updates in place; destroy waits for the removal", async () => {
    let description = "v2 smoke";
    const program = async () => {
      const job = new v2.TrainingJob("smoke", {
        description,
        waitFor: "running",
        algorithm: {
          codeDir: "/e2e-bucket/code/",
          bootFile: "/e2e-bucket/code/train.py",
          engine: { engineName: "PyTorch", engineVersion: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" },
          inputs: [{ name: "data_url", remote: { obs: { obsUrl: "/e2e-bucket/data/" } } }],
          outputs: [{ name: "train_url", remote: { obs: { obsUrl: "/e2e-bucket/output/" } } }],
        },
        spec: { resource: { flavorId: "modelarts.vm.cpu.8u" } },
      });
      return { jobId: job.jobId, jobName: job.jobName, phase: job.phase, flavorName: job.flavorName };
    };
    await withScenario({ program, emulator: { jobDurationMs: 60_000, deleteDelayMs: 1_500, killMs: 500 } }, async (s) => {
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 3 });
      const jobs = s.emulator.control.v2Jobs(PROJECT_ID);
      assert.equal(jobs.length, 1);
      const meta = jobs[0]!["metadata"] as { id: string; name: string; description: string };
      assert.equal(up.outputs["jobId"]?.value, meta.id);
      assert.match(meta.name, /^smoke-[0-9a-f]{7}$/);
      assert.equal(up.outputs["phase"]?.value, "Running");
      const [state] = await v2State(s);
      assert.equal(state?.id, meta.id, "the resource id is the job's UUID");

      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { same: 3 });

      description = "v2 smoke, changed";
      const update = await s.up();
      assert.deepEqual(update.summary.resourceChanges, { same: 2, update: 1 });
      assert.equal((s.emulator.control.v2Job(meta.id)!["metadata"] as { description: string }).description, description);
      assert.equal(s.emulator.control.v2Jobs(PROJECT_ID).length, 1, "no second job");

      const refresh = await s.refresh();
      assert.equal(refresh.summary.resourceChanges?.["delete"], undefined);

      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 3 });
      assert.equal(s.emulator.control.v2Job(meta.id), undefined, "destroy returned before the job was removed");
      const paths = s.requests().map((r) => `${r.method} ${r.path.split("?")[0]}`);
      assert.ok(paths.includes(`POST /v2/${PROJECT_ID}/training-jobs/${meta.id}/actions`), "the running job was terminated first");
      assert.ok(paths.includes(`DELETE /v2/${PROJECT_ID}/training-jobs/${meta.id}`));
    });
  });
});
