/**
 * examples/go-v2 under the real Pulumi CLI, its Go language host and the modelarts plugin installed
 * from the release archive, with the Go SDK module from the release: the lifecycle (create, no-op,
 * in-place update, replace, refresh after an out-of-band delete, a destroy that waits for the
 * removal), the function call's exported result, secrets kept out of the state, and an input error
 * that names the Go field. Every operation builds the program; the Go build cache (the machine's)
 * makes all but the first build quick.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkPackageBuilt, failure, pulumiCli, withScenario, type Scenario, type ScenarioOptions } from "./harness";
import { copyExample, releaseArtifacts } from "./languages";
import { V2_API, v2Job, v2Jobs } from "./v2-harness";

const PROJECT = "modelarts-go-v2";
const FAST = { jobDurationMs: 1500, deleteDelayMs: 2000 };

/** Runs `body` against a copy of the example whose go.mod points at the release's Go SDK. */
async function withGoExample(
  options: Omit<ScenarioOptions, "projectDir" | "plugins">,
  body: (s: Scenario) => Promise<void>,
  adjust: (dir: string) => void = () => {},
): Promise<void> {
  const { archive, goModule } = await releaseArtifacts();
  const copy = copyExample("go-v2", (dir) => {
    const goMod = path.join(dir, "go.mod");
    fs.writeFileSync(goMod, fs.readFileSync(goMod, "utf8").replace("=> ../../dist/release/go", `=> ${goModule}`));
    adjust(dir);
  });
  try {
    await withScenario(
      {
        ...options,
        projectDir: copy.dir,
        plugins: [archive],
        // go.sum is written by the first build; modules come from the machine's module cache.
        env: { GOFLAGS: "-mod=mod" },
        config: { [`${PROJECT}:bucket`]: "e2e-bucket", ...options.config },
      },
      body,
    );
  } finally {
    copy.remove();
  }
}

describe("e2e: a Go program (examples/go-v2) under the Pulumi CLI", function () {
  this.timeout(15 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000); // the first run on a machine builds the Pulumi CLI and its language hosts
    checkPackageBuilt();
    await pulumiCli();
    await releaseArtifacts();
  });

  it("creates, previews no change, updates in place, replaces, refreshes away an out-of-band delete, and destroys once the job is gone", async () => {
    await withGoExample({ emulator: FAST }, async (s) => {
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 2 });
      const [job] = v2Jobs(s);
      assert.ok(job && v2Jobs(s).length === 1);
      assert.equal(up.outputs.jobId?.value, job.id);
      assert.match(job.name, /^mnist-[0-9a-f]{7}$/);
      assert.equal(up.outputs.flavorName?.value, "Computing CPU(8U) instance");
      const flavors = up.outputs.cpuFlavors?.value as unknown;
      assert.ok(Array.isArray(flavors) && flavors.includes("modelarts.vm.cpu.8u"), String(flavors));
      const exported = await s.exportText();
      for (const [name, secret] of Object.entries(s.secrets)) assert.ok(!exported.includes(secret), `the ${name} is in the state`);

      assert.deepEqual((await s.preview()).changeSummary, { same: 2 });

      await s.stack.setConfig(`${PROJECT}:description`, { value: "retitled from Go" });
      const update = await s.up();
      assert.deepEqual(update.summary.resourceChanges, { update: 1, same: 1 });
      assert.equal(update.outputs.jobId?.value, job.id, "the same job");
      assert.equal(v2Job(s, job.id)?.description, "retitled from Go");

      await s.stack.setConfig(`${PROJECT}:epochs`, { value: "9" });
      const replace = await s.up();
      assert.deepEqual(replace.summary.resourceChanges, { replace: 1, same: 1 });
      const [second] = v2Jobs(s);
      assert.ok(second && v2Jobs(s).length === 1 && second.id !== job.id, "a new job, the old one gone");

      assert.ok(s.emulator.control.deleteV2Job(second.id));
      const refresh = await s.refresh();
      assert.deepEqual(refresh.summary.resourceChanges, { delete: 1, same: 1 });

      await s.up();
      assert.equal(v2Jobs(s).length, 1);
      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
      assert.deepEqual(v2Jobs(s), [], "destroy returned only once the removal had run its course");
      assert.equal(s.requests("POST", V2_API.jobs).length, 3);
    });
  });

  it("a required field left out fails the preview with the Go field's name and sends nothing", async () => {
    const dropAlgorithm = (dir: string) => {
      const main = path.join(dir, "main.go");
      fs.writeFileSync(main, fs.readFileSync(main, "utf8").replace(/\t\t\tAlgorithm: &v2\.AlgorithmArgs\{.*?\n\t\t\t\},\n/s, ""));
    };
    await withGoExample(
      {},
      async (s) => {
        const err = await failure(s.preview());
        assert.match(err.message, /invalid value for required argument 'Algorithm'/);
        assert.equal(s.requests("POST").length, 0);
      },
      dropAlgorithm,
    );
  });
});
