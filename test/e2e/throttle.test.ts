/**
 * The account's pace under the real Pulumi CLI, against an emulator that throttles like the API
 * gateway (2 requests a second per account, 429 APIGW.0308 with Retry-After): an `up` of six v2 jobs
 * side by side and their `destroy` meet the limit, wait out its pauses, and end with every job
 * created and then removed, no step failed.
 */
import { strict as assert } from "node:assert";
import { v2 } from "pulumi-modelarts";
import { PROJECT_ID, checkPackageBuilt, pulumiCli, withScenario } from "./harness";

const JOBS = 6;

describe("e2e: waits under the gateway's rate limit (real CLI)", function () {
  this.timeout(15 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("up and destroy of six jobs at once meet 429s, wait them out, and leave nothing failed or behind", async () => {
    const program = async () => {
      for (let i = 0; i < JOBS; i++) {
        new v2.TrainingJob(`paced-${i}`, {
          algorithm: {
            codeDir: "/e2e-bucket/code/",
            bootFile: "/e2e-bucket/code/train.py",
            engine: { engineName: "PyTorch", engineVersion: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" },
          },
          spec: { resource: { flavorId: "modelarts.vm.cpu.8u" } },
        });
      }
      return {};
    };
    const emulator = { jobDurationMs: 60_000, deleteDelayMs: 1_500, killMs: 500, rateLimit: { requestsPerSecond: 2 } };
    await withScenario({ program, emulator }, async (s) => {
      const up = await s.up();
      // The jobs, the stack and the stack's identity resource.
      assert.deepEqual(up.summary.resourceChanges, { create: JOBS + 2 });
      assert.equal(s.emulator.control.v2Jobs(PROJECT_ID).length, JOBS);
      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: JOBS + 2 });
      assert.equal(s.emulator.control.v2Jobs(PROJECT_ID).length, 0, "every job removed");
      const limit = s.emulator.control.rateLimit();
      assert.ok(limit.throttled > 0, "the gateway's limit was met (else this test shows nothing)");
      const creates = s.requests().filter((r) => r.method === "POST" && /\/v2\/\w+\/training-jobs$/.test(r.path.split("?")[0]!));
      assert.equal(creates.filter((r) => r.status === 201).length, JOBS, "one accepted create per job, no duplicate");
    });
  });
});
