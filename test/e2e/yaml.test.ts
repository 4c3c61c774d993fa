/**
 * examples/yaml-v2 under the real Pulumi CLI, the YAML language host and the modelarts plugin
 * installed from the release archive: create with the function call's result exported, a no-op
 * preview, an in-place update, and a destroy that returns once the job is gone. (The plugin's own
 * YAML scenarios are in plugin.test.ts.)
 */
import { strict as assert } from "node:assert";
import { ensureYamlHost } from "../../scripts/ensure-pulumi";
import { checkPackageBuilt, pulumiCli, withScenario } from "./harness";
import { copyExample, releaseArtifacts } from "./languages";
import { v2Job, v2Jobs } from "./v2-harness";

const PROJECT = "modelarts-yaml-v2";

describe("e2e: a YAML program (examples/yaml-v2) under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);
  let yamlBin = "";

  before(async function () {
    this.timeout(60 * 60_000); // the first run on a machine builds the Pulumi CLI and the YAML host
    checkPackageBuilt();
    await pulumiCli();
    yamlBin = await ensureYamlHost({ log: (line) => process.stderr.write(`      [ensure-pulumi] ${line}\n`) });
    await releaseArtifacts();
  });

  it("creates the job with the flavour catalogue exported, previews no change, updates in place and destroys once the job is gone", async () => {
    const { archive } = await releaseArtifacts();
    const copy = copyExample("yaml-v2");
    try {
      await withScenario(
        {
          projectDir: copy.dir,
          plugins: [archive],
          pathPrefix: [yamlBin],
          emulator: { jobDurationMs: 1500, deleteDelayMs: 2000 },
          config: { [`${PROJECT}:bucket`]: "e2e-bucket" },
        },
        async (s) => {
          const up = await s.up();
          assert.deepEqual(up.summary.resourceChanges, { create: 2 });
          const [job] = v2Jobs(s);
          assert.ok(job && v2Jobs(s).length === 1);
          assert.equal(up.outputs.jobId?.value, job.id);
          assert.match(job.name, /^mnist-[0-9a-f]{7}$/);
          assert.equal((job.raw.algorithm as { code_dir: string }).code_dir, "/e2e-bucket/mnist-v2/code/");
          const flavors = up.outputs.cpuFlavors?.value as Array<{ flavorId: string }>;
          assert.ok(
            flavors.some((f) => f.flavorId === "modelarts.vm.cpu.8u"),
            JSON.stringify(flavors),
          );
          const exported = await s.exportText();
          for (const [name, secret] of Object.entries(s.secrets)) assert.ok(!exported.includes(secret), `the ${name} is in the state`);

          assert.deepEqual((await s.preview()).changeSummary, { same: 2 });
          await s.stack.setConfig(`${PROJECT}:description`, { value: "retitled from YAML" });
          const update = await s.up();
          assert.deepEqual(update.summary.resourceChanges, { update: 1, same: 1 });
          assert.equal(v2Job(s, job.id)?.description, "retitled from YAML");

          const destroy = await s.destroy();
          assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
          assert.deepEqual(v2Jobs(s), [], "destroy returned only once the removal had run its course");
        },
      );
    } finally {
      copy.remove();
    }
  });
});
