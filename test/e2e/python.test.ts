/**
 * examples/python-v2 under the real Pulumi CLI, its Python language host and the modelarts plugin
 * installed from the release archive, with the wheel in a virtualenv the test makes: the lifecycle
 * (create, no-op, in-place update, replace, refresh after an out-of-band delete, a destroy that
 * waits for the removal), import then a no-op preview, the function call's exported result, secrets
 * kept out of the state, and an input error that names the Python property.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkPackageBuilt, failure, pulumiCli, withScenario, type Scenario, type ScenarioOptions } from "./harness";
import { copyExample, pythonVenv, releaseArtifacts } from "./languages";
import { V2_API, createV2OutOfBand, v2Job, v2Jobs } from "./v2-harness";

const EXAMPLE = "python-v2";
const PROJECT = "modelarts-python-v2";
const FAST = { jobDurationMs: 1500, deleteDelayMs: 2000 };

/** Runs `body` against a copy of the example whose `venv` is the shared virtualenv. */
async function withPythonExample(
  options: Omit<ScenarioOptions, "projectDir" | "plugins">,
  body: (s: Scenario, dir: string) => Promise<void>,
  adjust: (dir: string) => void = () => {},
): Promise<void> {
  const [{ archive }, venv] = await Promise.all([releaseArtifacts(), pythonVenv()]);
  const copy = copyExample(EXAMPLE, (dir) => {
    fs.symlinkSync(venv, path.join(dir, "venv"), "dir");
    adjust(dir);
  });
  try {
    await withScenario(
      { ...options, projectDir: copy.dir, plugins: [archive], config: { [`${PROJECT}:bucket`]: "e2e-bucket", ...options.config } },
      (s) => body(s, copy.dir),
    );
  } finally {
    copy.remove();
  }
}

const outputs = (o: Record<string, { value: unknown }>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value]));

describe("e2e: a Python program (examples/python-v2) under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000); // the first run on a machine builds the Pulumi CLI and its language hosts
    checkPackageBuilt();
    await pulumiCli();
    await pythonVenv();
  });

  it("creates the job, previews no change, updates the description in place, replaces on a new parameter, and keeps secrets out of the state", async () => {
    await withPythonExample({ emulator: FAST }, async (s) => {
      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 2 });
      const [job] = v2Jobs(s);
      assert.ok(job && v2Jobs(s).length === 1);
      const out = outputs(up.outputs);
      assert.equal(out.jobId, job.id);
      assert.equal(out.jobName, job.name);
      assert.match(job.name, /^mnist-[0-9a-f]{7}$/, "autonamed from the Python resource name");
      assert.equal(out.flavorName, "Computing CPU(8U) instance");
      assert.deepEqual(out.tasks, ["worker-0"]);
      const sent = job.raw.algorithm as { code_dir: string; parameters: Array<{ name: string; value: string }> };
      assert.equal(sent.code_dir, "/e2e-bucket/mnist-v2/code/");
      assert.deepEqual(
        sent.parameters.map((p) => [p.name, p.value]),
        [
          ["epochs", "5"],
          ["learning_rate", "0.01"],
        ],
      );
      const resource = (job.raw.spec as { resource: { flavor_id: string; node_count: number } }).resource;
      assert.deepEqual([resource.flavor_id, resource.node_count], ["modelarts.vm.cpu.8u", 1], "node_count sent as an integer");
      // The function call (v2.get_flavors_output) is exported: the emulator's CPU catalogue.
      assert.ok(Array.isArray(out.cpuFlavors) && out.cpuFlavors.includes("modelarts.vm.cpu.8u"), String(out.cpuFlavors));
      const exported = await s.exportText();
      for (const [name, secret] of Object.entries(s.secrets)) assert.ok(!exported.includes(secret), `the ${name} is in the state`);
      assert.match(exported, /"type": "modelarts:v2:TrainingJob"/);

      assert.deepEqual((await s.preview()).changeSummary, { same: 2 });

      await s.stack.setConfig(`${PROJECT}:description`, { value: "retitled from Python" });
      const preview = await s.preview();
      assert.deepEqual(preview.changeSummary, { update: 1, same: 1 });
      const update = await s.up();
      assert.deepEqual(update.summary.resourceChanges, { update: 1, same: 1 });
      assert.equal(update.outputs.jobId?.value, job.id, "the same job");
      assert.equal(v2Job(s, job.id)?.description, "retitled from Python");

      await s.stack.setConfig(`${PROJECT}:epochs`, { value: "9" });
      const replace = await s.up();
      assert.deepEqual(replace.summary.resourceChanges, { replace: 1, same: 1 });
      const jobs = v2Jobs(s);
      assert.equal(jobs.length, 1, "the old job is gone");
      assert.notEqual(jobs[0]?.id, job.id);
      assert.equal(replace.outputs.jobId?.value, jobs[0]?.id);
      assert.equal(s.requests("POST", V2_API.jobs).length, 2);
    });
  });

  it("refresh drops a job deleted outside Pulumi; destroy returns only once the service has removed the job", async () => {
    await withPythonExample({ emulator: FAST }, async (s) => {
      await s.up();
      const [first] = v2Jobs(s);
      assert.ok(first && s.emulator.control.deleteV2Job(first.id));
      const refresh = await s.refresh();
      assert.deepEqual(refresh.summary.resourceChanges, { delete: 1, same: 1 });

      const again = await s.up();
      assert.deepEqual(again.summary.resourceChanges, { create: 1, same: 1 });
      const [second] = v2Jobs(s);
      assert.ok(second && second.id !== first.id);
      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
      // Checked the moment destroy returns: the removal (2 s on the emulator) has run its course.
      assert.deepEqual(v2Jobs(s), []);
      assert.equal(s.requests("DELETE", V2_API.job).length, 1);
    });
  });

  it("pulumi import adopts a job made outside Pulumi, the program that declares it then previews no change, and destroy deletes it", async () => {
    // The example's program, naming the job and its workspace: the engine stays declared by name and
    // version, as the import records it, although the job was made with the engine's id.
    const declareImported = (dir: string) => {
      const main = path.join(dir, "__main__.py");
      const text = fs
        .readFileSync(main, "utf8")
        .replace(
          '    description=config.get("description")',
          '    job_name="imported-job",\n    workspace_id="0",\n    description=config.get("description")',
        );
      fs.writeFileSync(main, text);
    };
    await withPythonExample(
      { emulator: FAST, config: { [`${PROJECT}:description`]: "made by hand" } },
      async (s) => {
        const id = await createV2OutOfBand(s, {
          kind: "job",
          metadata: { name: "imported-job", description: "made by hand", workspace_id: "0" },
          algorithm: {
            code_dir: "/e2e-bucket/mnist-v2/code/",
            boot_file: "/e2e-bucket/mnist-v2/code/train.py",
            engine: { engine_id: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" },
            parameters: [
              { name: "epochs", value: "5" },
              { name: "learning_rate", value: "0.01" },
            ],
            inputs: [{ name: "data_url", remote: { obs: { obs_url: "/e2e-bucket/mnist-v2/data/" } } }],
            outputs: [{ name: "train_url", remote: { obs: { obs_url: "/e2e-bucket/mnist-v2/output/" } } }],
            environments: { OMP_NUM_THREADS: "8" },
          },
          spec: {
            resource: { flavor_id: "modelarts.vm.cpu.8u", node_count: 1 },
            log_export_path: { obs_url: "/e2e-bucket/mnist-v2/logs/" },
          },
        });
        await s.cli([
          "import",
          "modelarts:v2:TrainingJob",
          "mnist",
          id,
          "--yes",
          "--generate-code=false",
          "--protect=false",
          "--stack",
          s.stack.name,
        ]);
        const preview = await s.preview();
        assert.equal(preview.changeSummary.replace ?? 0, 0, preview.stdout);
        assert.equal(preview.changeSummary.update ?? 0, 0, preview.stdout);
        assert.equal(preview.changeSummary.create ?? 0, 0, preview.stdout);
        assert.equal(s.requests("POST", V2_API.jobs).length, 1, "only the out-of-band create");
        assert.deepEqual(
          v2Jobs(s).map((j) => j.id),
          [id],
        );
        // Imported unprotected, the job is the stack's: destroy deletes it.
        const destroy = await s.destroy();
        assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
        assert.deepEqual(v2Jobs(s), []);
      },
      declareImported,
    );
  });

  it("an input the Python SDK requires, when missing, fails the preview with the Python property's name and sends nothing", async () => {
    const dropAlgorithm = (dir: string) => {
      const main = path.join(dir, "__main__.py");
      fs.writeFileSync(main, fs.readFileSync(main, "utf8").replace(/    algorithm=v2\.AlgorithmArgs\(.*?\n    \),\n/s, ""));
    };
    await withPythonExample(
      {},
      async (s) => {
        const err = await failure(s.preview());
        assert.match(err.message, /Missing required property 'algorithm'/);
        assert.equal(s.requests("POST").length, 0);
      },
      dropAlgorithm,
    );
  });
});
