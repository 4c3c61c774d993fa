/**
 * The examples users copy, and the root Pulumi.yaml of the demo, run in place as the Pulumi CLI runs
 * them (Node.js language host, TypeScript compiled by ts-node with the project's tsconfig,
 * `pulumi-modelarts` resolved by name): preview, up and destroy of each against an emulator.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { REPO_ROOT, checkPackageBuilt, pulumiCli, withScenario, type Scenario } from "./harness";
import { v2Jobs } from "./v2-harness";

interface ExampleCase {
  /** What the test title names. */
  title: string;
  /** The Pulumi project folder. */
  dir: string;
  /** Stack config (plain), beyond the `modelarts:*` keys the harness sets. */
  config: Record<string, string>;
  /** Jobs the program declares. */
  jobs: number;
  /** The API version of its jobs. @default "v1" */
  api?: "v1" | "v2";
  check(outputs: OutputMap, s: Scenario): void;
}

const value = (outputs: OutputMap, key: string): unknown => outputs[key]?.value;

/** How many jobs of the example's API version the emulator holds. */
const jobCount = (example: ExampleCase, s: Scenario): number => (example.api === "v2" ? v2Jobs(s).length : s.jobs().length);

const CASES: ExampleCase[] = [
  {
    title: "the root Pulumi.yaml (examples/basic, as the demo runs it)",
    dir: REPO_ROOT,
    config: { "modelarts-basic:bucket": "demo-bucket" },
    jobs: 1,
    check(outputs, s) {
      assert.match(String(value(outputs, "jobName")), /^mnist-[0-9a-f]{7}$/);
      assert.equal(value(outputs, "jobId"), s.jobs()[0]?.jobId);
    },
  },
  {
    title: "examples/basic",
    dir: path.join(REPO_ROOT, "examples", "basic"),
    config: { "modelarts-basic:bucket": "my-bucket", "modelarts-basic:epochs": "7" },
    jobs: 1,
    check(outputs, s) {
      assert.equal(value(outputs, "jobId"), s.jobs()[0]?.jobId);
      assert.equal(value(outputs, "versionName"), "V0001");
      assert.match(String(value(outputs, "createTime")), /^\d{4}-\d\d-\d\dT/);
    },
  },
  {
    title: "examples/custom-image",
    dir: path.join(REPO_ROOT, "examples", "custom-image"),
    config: { "modelarts-custom-image:bucket": "my-bucket", "modelarts-custom-image:image": "100.125.5.235:20202/e2e/trainer:1.0" },
    jobs: 1,
    check(outputs, s) {
      assert.equal(value(outputs, "userImageUrl"), "100.125.5.235:20202/e2e/trainer:1.0");
      assert.equal(value(outputs, "jobId"), s.jobs()[0]?.jobId);
    },
  },
  {
    title: "examples/dataset",
    dir: path.join(REPO_ROOT, "examples", "dataset"),
    config: {
      "modelarts-dataset:bucket": "my-bucket",
      "modelarts-dataset:datasetId": "rF7FHMr4cD5WOu3ZHPc",
      "modelarts-dataset:datasetVersionId": "yJPsxLbfEdbDvT9gO6B",
    },
    jobs: 1,
    check(outputs) {
      assert.deepEqual(value(outputs, "dataset"), { datasetId: "rF7FHMr4cD5WOu3ZHPc", datasetVersionId: "yJPsxLbfEdbDvT9gO6B" });
    },
  },
  {
    title: "examples/sweep",
    dir: path.join(REPO_ROOT, "examples", "sweep"),
    config: { "modelarts-sweep:bucket": "my-bucket" },
    jobs: 3,
    check(outputs, s) {
      assert.equal(value(outputs, "trialCount"), 3);
      const summary = value(outputs, "summary") as Array<{ jobName: string; jobId: string; parameters: Record<string, unknown> }>;
      assert.equal(summary.length, 3);
      assert.deepEqual(
        summary.map((t) => t.jobId).sort(),
        s
          .jobs()
          .map((j) => j.jobId)
          .sort(),
      );
      assert.deepEqual(summary[0]?.parameters, { learning_rate: 0.1, batch_size: 32 });
      for (const trial of summary) assert.match(trial.jobName, /^sweep-lr-[0-9-]+-bs-\d+-[0-9a-f]{7}$/);
    },
  },
  {
    title: "examples/ci-wait",
    dir: path.join(REPO_ROOT, "examples", "ci-wait"),
    config: { "modelarts-ci-wait:bucket": "my-bucket", "modelarts-ci-wait:build": "e2e-42" },
    jobs: 1,
    check(outputs, s) {
      assert.equal(value(outputs, "status"), 10);
      assert.equal(value(outputs, "statusName"), "JOBSTAT_COMPLETED");
      assert.equal(s.jobs()[0]?.status, 10, "up returned only once the job had completed");
      assert.equal(value(outputs, "outputUrl"), "/my-bucket/ci/output/e2e-42/");
    },
  },
  {
    title: "examples/v2-basic",
    dir: path.join(REPO_ROOT, "examples", "v2-basic"),
    config: { "modelarts-v2-basic:bucket": "my-bucket", "modelarts-v2-basic:epochs": "7", "modelarts-v2-basic:nodeCount": "2" },
    jobs: 1,
    api: "v2",
    check(outputs, s) {
      const [job] = v2Jobs(s);
      assert.ok(job);
      assert.equal(value(outputs, "jobId"), job.id);
      assert.equal(value(outputs, "jobName"), job.name);
      assert.match(job.name, /^mnist-[0-9a-f]{7}$/);
      assert.match(String(value(outputs, "createTime")), /^\d{4}-\d\d-\d\dT/);
      assert.match(String(value(outputs, "phase")), /^(Creating|Pending|Running|Completed)$/);
      assert.equal(value(outputs, "flavorName"), "Computing CPU(8U) instance");
      assert.deepEqual(value(outputs, "tasks"), ["worker-0", "worker-1"]);
      const algorithm = job.raw.algorithm as Record<string, unknown>;
      assert.equal(algorithm.code_dir, "/my-bucket/mnist-v2/code/");
      assert.equal(algorithm.boot_file, "/my-bucket/mnist-v2/code/train.py");
      const engine = algorithm.engine as Record<string, unknown>;
      assert.equal(engine.engine_name, "PyTorch");
      assert.equal(engine.engine_version, "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64");
      const parameters = algorithm.parameters as Array<{ name: string; value: string }>;
      assert.deepEqual(
        parameters.map((p) => [p.name, p.value]),
        [
          ["epochs", "7"],
          ["learning_rate", "0.01"],
        ],
      );
      assert.deepEqual(algorithm.environments, [{ OMP_NUM_THREADS: "8" }], "an answer carries the environment as an array of maps");
      const input = (algorithm.inputs as Array<{ remote: { obs: { obs_url: string } } }>)[0];
      assert.equal(input?.remote.obs.obs_url, "/my-bucket/mnist-v2/data/");
      const spec = job.raw.spec as { resource: Record<string, unknown>; log_export_path: Record<string, unknown> };
      assert.equal(spec.resource.flavor_id, "modelarts.vm.cpu.8u");
      assert.equal(spec.resource.node_count, 2);
      assert.equal(spec.log_export_path.obs_url, "/my-bucket/mnist-v2/logs/");
    },
  },
  {
    title: "examples/v2-custom-image",
    dir: path.join(REPO_ROOT, "examples", "v2-custom-image"),
    config: { "modelarts-v2-custom-image:bucket": "my-bucket", "modelarts-v2-custom-image:image": "e2e-org/trainer:1.0" },
    jobs: 1,
    api: "v2",
    check(outputs, s) {
      const [job] = v2Jobs(s);
      assert.ok(job);
      assert.equal(value(outputs, "jobId"), job.id);
      assert.equal(value(outputs, "imageUrl"), "e2e-org/trainer:1.0");
      assert.equal(value(outputs, "flavorName"), "Computing GPU(Vnt1) instance");
      const algorithm = job.raw.algorithm as Record<string, unknown>;
      assert.equal(algorithm.command, "python /home/ma-user/train.py");
      const engine = algorithm.engine as Record<string, unknown>;
      assert.equal(engine.image_url, "e2e-org/trainer:1.0");
      assert.equal(engine.engine_id, undefined, "a custom image names no preset engine");
      assert.equal(engine.engine_name, undefined);
      assert.equal(algorithm.code_dir, undefined);
    },
  },
];

describe("e2e: the examples under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  for (const example of CASES) {
    it(`${example.title} previews, comes up with its jobs and is destroyed`, async () => {
      await withScenario(
        { projectDir: example.dir, config: example.config, emulator: { jobDurationMs: 2000, deleteDelayMs: 500 } },
        async (s) => {
          const preview = await s.preview();
          assert.deepEqual(preview.changeSummary, { create: example.jobs + 2 });
          // A check reads the region's catalogues once per provider process: one flavour and one engine call.
          const catalogue = /^\/(v1\/[^/]+\/job\/(resource-specs|ai-engines)|v2\/[^/]+\/training-job-(flavors|engines))$/;
          const sent = s.requests().map((r) => `${r.method} ${r.path.split("?")[0] ?? ""}`);
          assert.deepEqual(
            sent.filter((r) => !(r.startsWith("GET ") && catalogue.test(r.slice(4)))),
            [],
            "a preview changes nothing and reads only the catalogues",
          );
          assert.ok(sent.length <= 4, `at most one catalogue read per API version: ${sent.join(", ")}`);

          const up = await s.up();
          assert.deepEqual(up.summary.resourceChanges, { create: example.jobs + 2 });
          assert.equal(jobCount(example, s), example.jobs);
          example.check(up.outputs, s);

          const destroy = await s.destroy();
          assert.deepEqual(destroy.summary.resourceChanges, { delete: example.jobs + 2 });
          assert.equal(jobCount(example, s), 0);
        },
      );
    });
  }
});
