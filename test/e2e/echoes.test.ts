/**
 * The live service's echoes (docs/api-v1.md §3.3) under the real Pulumi engine: jobs declared with
 * each flavour form, each data form and the NAS fields show no change on a second up and no drift on
 * refresh, and an up after the refresh has nothing to do.
 */
import { strict as assert } from "node:assert";
import { TrainingJob, type TrainingJobConfig } from "pulumi-modelarts";
import { checkPackageBuilt, pulumiCli, withScenario } from "./harness";

const CODE = { workerServerNum: 1, engineId: 4, appUrl: "/e2e-bucket/code/", bootFileUrl: "/e2e-bucket/code/train.py" };

const JOBS: Record<string, TrainingJobConfig> = {
  "by-code": { ...CODE, flavor: { code: "modelarts.vm.cpu.8u" }, dataSource: [{ type: "obs", dataUrl: "/e2e-bucket/data/" }] },
  "pool-code": {
    ...CODE,
    flavor: { code: "modelarts.vm.cpu.2u" },
    poolId: "poolc0ffee01",
    datasetId: "ds-1",
    datasetVersionId: "dsv-1",
    nasShareAddr: "192.168.8.150:/",
    nasMountPath: "/home/work/nas",
    nasType: "nfs",
    volumes: [{ nfs: { id: "sfs-1", srcPath: "192.168.8.150:/", destPath: "/mnt/sfs" } }],
  },
  "pool-only": {
    ...CODE,
    poolId: "pool9928813f",
    dataSource: [{ datasetId: "ds-2", datasetVersion: "v1" }],
    parameters: [{ label: "flag" }],
  },
  "by-id": { ...CODE, specId: 1, dataUrl: "/e2e-bucket/data/", parameters: [{ value: "positional" }] },
};

describe("e2e: the service's echoes are no drift under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("jobs made with every flavour form, data form and the NAS fields: a second up, a refresh and an up after it change nothing", async () => {
    const program = async () => {
      const out: Record<string, unknown> = {};
      for (const [name, config] of Object.entries(JOBS)) out[name] = new TrainingJob(name, { waitFor: "completed", config }).jobId;
      return out;
    };
    await withScenario({ program, emulator: { jobDurationMs: 1500 } }, async (s) => {
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 6 });
      assert.equal(s.jobs().length, 4);
      const again = await s.up({ expectNoChanges: true });
      assert.deepEqual(again.summary.resourceChanges, { same: 6 });
      const before = (await s.stateJobs()).map((r) => ({ id: r.id, outputs: r.outputs }));
      const refresh = await s.refresh();
      assert.deepEqual(refresh.summary.resourceChanges, { same: 6 });
      assert.deepEqual(
        (await s.stateJobs()).map((r) => ({ id: r.id, outputs: r.outputs })),
        before,
      );
      const after = await s.up({ expectNoChanges: true });
      assert.deepEqual(after.summary.resourceChanges, { same: 6 });
      assert.equal(s.jobs().length, 4, "nothing was replaced");
    });
  });
});
