/**
 * The `modelarts` provider plugin under the real CLI, from a YAML program: the release archive
 * (`npm run dist`) is installed once with `pulumi plugin install resource modelarts <version> --file`
 * into a Pulumi home the scenarios share, and the YAML language host comes from ensure-pulumi's cache.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ensureYamlHost } from "../../scripts/ensure-pulumi";
import { releaseArtifacts } from "./languages";
import { createV2Client } from "../../provider/v2/api/client";
import {
  checkPackageBuilt,
  eventually,
  failure,
  processOf,
  PROJECT_ID,
  pulumiCli,
  removeSibling,
  REPO_ROOT,
  siblingStack,
  withScenario,
  type Scenario,
} from "./harness";

// The YAML parser @pulumi/pulumi itself uses.
const yaml = require("js-yaml") as { load(text: string): unknown; dump(value: unknown): string };

const execFileAsync = promisify(execFile);
const ENGINE = "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64";
const TYPE = "modelarts:v2:TrainingJob";

/** A YAML program with one v2 job (and a function call), its description, node count and wait from stack config. */
function yamlProgram(name: string, extra = ""): string {
  return `name: ${name}
runtime: yaml
config:
  description: { type: string, default: first }
  nodes: { type: integer, default: 1 }
  waitFor: { type: string, default: accepted }
variables:
  cpu:
    fn::invoke:
      function: modelarts:v2:getFlavors
      arguments: { flavorType: CPU }
resources:
  job:
    type: ${TYPE}
    properties:
      description: \${description}
      waitFor: \${waitFor}
      algorithm:
        codeDir: /e2e-bucket/code/
        bootFile: /e2e-bucket/code/train.py
        engine: { engineId: ${ENGINE} }
        parameters: [{ name: epochs, value: "3" }]
      spec:
        resource:
          flavorId: modelarts.vm.cpu.8u
          nodeCount: \${nodes}
${extra}outputs:
  jobId: \${job.jobId}
  jobName: \${job.jobName}
  cpuFlavors: \${cpu.flavors}
`;
}

interface Setup {
  /** A Pulumi home with the plugin installed from the archive. */
  home: string;
  /** The YAML language host's folder. */
  yamlBin: string;
  tmp: string;
}

describe("e2e: the modelarts provider plugin from YAML", function () {
  this.timeout(10 * 60_000);
  let setup: Setup;

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    const cli = await pulumiCli();
    const yamlBin = await ensureYamlHost({ log: (line) => process.stderr.write(`      [ensure-pulumi] ${line}\n`) });
    // The release as a user gets it: `npm run dist`'s archive, installed into a fresh Pulumi home.
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    // One `npm run dist` per test process, shared with the Python, Go and YAML suites.
    const { archive } = await releaseArtifacts();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-plugin-e2e-"));
    const home = path.join(tmp, "home");
    await execFileAsync(cli.command, ["plugin", "install", "resource", "modelarts", version, "--file", archive, "--non-interactive"], {
      env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    setup = { home, yamlBin, tmp };
  });

  after(() => {
    if (setup) fs.rmSync(setup.tmp, { recursive: true, force: true });
  });

  /** A fresh YAML project folder holding `program`. */
  function project(program: string): string {
    const dir = fs.mkdtempSync(path.join(setup.tmp, "project-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), program);
    return dir;
  }

  const scenario = (program: string, body: (s: Scenario) => Promise<void>, emulator = {}) =>
    withScenario({ projectDir: project(program), pulumiHome: setup.home, pathPrefix: [setup.yamlBin], emulator }, body);

  /** The plugin's v2 jobs in the stack's state. */
  const pluginJobs = async (s: Scenario) => {
    const deployment = await s.stack.exportStack();
    const resources = (deployment.deployment?.resources ?? []) as Array<{ type: string; id?: string }>;
    return resources.filter((r) => r.type === TYPE);
  };

  const v2Jobs = (s: Scenario) => s.emulator.control.v2Jobs() as Array<{ metadata: { id: string; name: string; description?: string } }>;

  it("creates, previews no change, updates in place, replaces, refreshes a deleted job away, imports, and destroys after the removal", async () => {
    await scenario(yamlProgram("modelarts-yaml"), async (s) => {
      const created = await s.up();
      const jobId = created.outputs["jobId"]!.value as string;
      assert.deepEqual(
        v2Jobs(s).map((j) => j.metadata.id),
        [jobId],
      );
      assert.match(created.outputs["jobName"]!.value as string, /^job-[0-9a-f]{7}$/);
      const flavors = created.outputs["cpuFlavors"]!.value as Array<{ flavorType: string }>;
      assert.ok(flavors.length > 0 && flavors.every((f) => f.flavorType === "CPU"), "the function answered with CPU flavours");

      await s.preview();
      await s.up({ expectNoChanges: true });

      await s.stack.setConfig("description", { value: "second" });
      const updated = await s.up();
      assert.equal(updated.summary.resourceChanges?.["update"], 1);
      assert.equal(updated.outputs["jobId"]!.value, jobId, "an in-place update keeps the job");
      assert.equal(v2Jobs(s)[0]!.metadata.description, "second");

      await s.stack.setConfig("nodes", { value: "2" });
      const replaced = await s.up();
      assert.equal(replaced.summary.resourceChanges?.["replace"], 1);
      const newId = replaced.outputs["jobId"]!.value as string;
      assert.notEqual(newId, jobId);
      await eventually("the replaced job to be removed", () => (v2Jobs(s).some((j) => j.metadata.id === jobId) ? undefined : true));

      s.emulator.control.deleteV2Job(newId);
      const refreshed = await s.refresh();
      assert.equal(refreshed.summary.resourceChanges?.["delete"], 1);
      assert.equal((await pluginJobs(s)).length, 0);

      // Import: a job made outside Pulumi, by id. The program that declares it as `pulumi import`
      // wrote it previews no change for it (only the refreshed-away job is to be created again).
      const client = createV2Client(
        { endpoint: s.emulator.url, projectId: PROJECT_ID, accessKey: s.secrets.accessKey, secretKey: s.secrets.secretKey },
        {},
      );
      const outside = await client.createJob({
        metadata: { name: "made-by-hand", description: "outside" },
        algorithm: { codeDir: "/e2e-bucket/code/", bootFile: "/e2e-bucket/code/train.py", engine: { engineId: ENGINE } },
        spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1 } },
      });
      const requestsBefore = s.requests().filter((r) => r.method !== "GET").length;
      const generated = path.join(s.stack.workspace.workDir, "imported.yaml");
      await s.cli(["import", TYPE, "imported", outside.id, "--yes", "--protect=false", "--out", generated, "--stack", s.stack.name]);
      assert.equal(s.requests().filter((r) => r.method !== "GET").length, requestsBefore, "the import changed nothing at the service");
      const programFile = path.join(s.stack.workspace.workDir, "Pulumi.yaml");
      const program = yaml.load(fs.readFileSync(programFile, "utf8")) as { resources: Record<string, unknown> };
      const imported = yaml.load(fs.readFileSync(generated, "utf8")) as { resources: Record<string, unknown> };
      Object.assign(program.resources, imported.resources);
      fs.writeFileSync(programFile, yaml.dump(program));
      const preview = await s.preview();
      assert.deepEqual(
        Object.keys(preview.changeSummary).filter((k) => k !== "same"),
        ["create"],
        JSON.stringify(preview.changeSummary),
      );
      assert.equal(preview.changeSummary["create"], 1);

      const state = await s.exportText();
      assert.ok(!state.includes(s.secrets.secretKey) && !state.includes(s.secrets.accessKey), "no credential in the exported state");

      await s.up();
      assert.equal(v2Jobs(s).length, 2);
      await s.destroy();
      assert.equal(v2Jobs(s).length, 0, "destroy returns once the service has removed the job");
    });
  });

  it("an explicit provider resource serves its own account: the job goes where it points, not where the stack config does", async () => {
    const program = `name: modelarts-yaml-explicit
runtime: yaml
config:
  otherEndpoint: { type: string }
  otherAccessKey: { type: string }
  otherSecretKey: { type: string }
resources:
  other:
    type: pulumi:providers:modelarts
    properties:
      endpoint: \${otherEndpoint}
      projectId: ${PROJECT_ID}
      region: eu-de
      accessKey: \${otherAccessKey}
      secretKey: \${otherSecretKey}
  job:
    type: ${TYPE}
    properties:
      jobName: explicit-one
      algorithm:
        codeDir: /e2e-bucket/code/
        bootFile: /e2e-bucket/code/train.py
        engine: { engineId: ${ENGINE} }
      spec:
        resource:
          flavorId: modelarts.vm.cpu.8u
    options:
      provider: \${other}
`;
    await scenario(program, async (s) => {
      // The stack's own settings point at nothing: only the explicit provider can reach the emulator.
      await s.stack.setConfig("modelarts:endpoint", { value: "http://127.0.0.1:9" });
      await s.stack.setConfig("otherEndpoint", { value: s.emulator.url });
      await s.stack.setConfig("otherAccessKey", { value: s.secrets.accessKey, secret: true });
      await s.stack.setConfig("otherSecretKey", { value: s.secrets.secretKey, secret: true });
      await s.up();
      assert.deepEqual(
        v2Jobs(s).map((j) => j.metadata.name),
        ["explicit-one"],
      );
      const state = await s.exportText();
      assert.ok(!state.includes(s.secrets.secretKey), "the provider's secret stays secret in the state");
      await s.destroy();
      assert.equal(v2Jobs(s).length, 0);
    });
  });

  it("serves an old-version (v1) job too: create, no change, destroy", async () => {
    const program = `name: modelarts-yaml-v1
runtime: yaml
resources:
  old:
    type: modelarts:v1:TrainingJob
    properties:
      config:
        workerServerNum: 1
        specId: 1
        engineId: 4
        appUrl: /e2e-bucket/code/
        bootFileUrl: /e2e-bucket/code/train.py
        dataUrl: /e2e-bucket/data/
        trainUrl: /e2e-bucket/output/
        parameters:
          - { label: epochs, value: "3" }
outputs:
  jobId: \${old.jobId}
  versionName: \${old.versionName}
`;
    await scenario(program, async (s) => {
      const up = await s.up();
      assert.deepEqual(
        s.jobs().map((j) => j.jobId),
        [up.outputs["jobId"]!.value],
      );
      assert.equal(up.outputs["versionName"]!.value, "V0001");
      await s.up({ expectNoChanges: true });
      await s.destroy();
      assert.equal(s.jobs().length, 0, "destroy returns once the service has removed the job");
    });
  });

  it("refuses a bad input at preview, naming its property path", async () => {
    await scenario(yamlProgram("modelarts-yaml-bad"), async (s) => {
      await s.stack.setConfig("nodes", { value: "0" });
      const error = await failure(s.preview());
      assert.match(error.message, /spec\.resource\.nodeCount/);
      assert.equal(v2Jobs(s).length, 0);
    });
  });

  it("two stacks of one program autoname one resource into two jobs, each its own", async () => {
    await scenario(yamlProgram("modelarts-yaml-two"), async (s) => {
      const first = await s.up();
      const sibling = await siblingStack(s, "b");
      try {
        const second = await sibling.up({ color: "never" });
        assert.notEqual(second.outputs["jobName"]!.value, first.outputs["jobName"]!.value);
        assert.equal(v2Jobs(s).length, 2);
        await sibling.destroy({ color: "never" });
        assert.deepEqual(
          v2Jobs(s).map((j) => j.metadata.id),
          [first.outputs["jobId"]!.value],
        );
      } finally {
        await removeSibling(s, sibling);
      }
    });
  });

  it("two stacks that declare one jobName: the second is refused (it cannot prove the job is its own), and the first's job survives", async () => {
    const program = yamlProgram("modelarts-yaml-shared").replace(
      "      description: ${description}\n",
      "      jobName: shared-yaml-job\n      description: ${description}\n",
    );
    await scenario(program, async (s) => {
      const first = await s.up();
      assert.equal(first.outputs["jobName"]!.value, "shared-yaml-job");
      const sibling = await siblingStack(s, "b");
      try {
        const error = await failure(sibling.up({ color: "never" }));
        assert.match(error.message, /shared-yaml-job/);
        assert.match(error.message, /cannot prove it is its own/);
        assert.match(error.message, /adoptJobId/);
        await sibling.destroy({ color: "never" });
        assert.deepEqual(
          v2Jobs(s).map((j) => j.metadata.id),
          [first.outputs["jobId"]!.value],
          "the first stack's job is the only job, untouched by the second stack's up and destroy",
        );
      } finally {
        await removeSibling(s, sibling);
      }
    });
  });

  it("Ctrl-C during a create's wait ends the wait at once, and the job is recorded", async () => {
    await scenario(
      yamlProgram("modelarts-yaml-cancel"),
      async (s) => {
        await s.stack.setConfig("waitFor", { value: "completed" });
        const lines: string[] = [];
        const up = s.stack.up({ onOutput: (l) => lines.push(l), color: "never" }).then(
          () => assert.fail("the up should fail"),
          (e: Error) => e,
        );
        await eventually("the create to wait for completion", () => (/to be completed/.test(lines.join("")) ? true : undefined), 120_000);
        const pid = await processOf("the pulumi CLI", /\/pulumi up /);
        const cancelledAt = Date.now();
        process.kill(pid, "SIGINT");
        const error = await up;
        assert.ok(Date.now() - cancelledAt < 60_000, "the up ended promptly after Ctrl-C");
        assert.match(error.message + lines.join(""), /cancel/i);
        const recorded = await pluginJobs(s);
        assert.equal(recorded.length, 1);
        assert.equal(recorded[0]!.id, v2Jobs(s)[0]!.metadata.id);
      },
      { frozenClock: true },
    );
  });

  it("after SIGKILL of the plugin right after the create's POST, the next up ends with the one job, in the state", async () => {
    await scenario(
      yamlProgram("modelarts-yaml-kill"),
      async (s) => {
        await s.stack.setConfig("waitFor", { value: "running" });
        const up = s.up().then(
          () => assert.fail("the up should fail"),
          (e: Error) => e,
        );
        await eventually("the job to be accepted", () => v2Jobs(s)[0], 120_000);
        process.kill(await processOf("the plugin", /pulumi-resource-modelarts|plugin\/main\.js/), "SIGKILL");
        await up;
        s.emulator.control.unfreeze();
        await s.up();
        const jobs = await pluginJobs(s);
        assert.equal(v2Jobs(s).length, 1, "no second job");
        assert.equal(jobs[0]!.id, v2Jobs(s)[0]!.metadata.id);
      },
      { frozenClock: true },
    );
  });
});
