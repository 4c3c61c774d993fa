/**
 * The `modelarts` provider plugin run from this checkout's source under the real CLI: a YAML
 * program lists the repository's `plugin/` folder (PulumiPlugin.yaml, `runtime: nodejs`) under
 * `packages:`, so the engine (and the YAML language host, for the schema) start it through the
 * Node.js language host's RunPlugin. Nothing is installed into the Pulumi home.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureYamlHost } from "../../scripts/ensure-pulumi";
import { checkPackageBuilt, pulumiCli, REPO_ROOT, withScenario } from "./harness";

const ENGINE = "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64";

function program(pluginDir: string): string {
  return `name: modelarts-yaml-source
runtime: yaml
packages:
  modelarts: ${pluginDir}
config:
  description: { type: string, default: first }
resources:
  job:
    type: modelarts:v2:TrainingJob
    properties:
      description: \${description}
      algorithm:
        codeDir: /e2e-bucket/code/
        bootFile: /e2e-bucket/code/train.py
        engine: { engineId: ${ENGINE} }
      spec:
        resource:
          flavorId: modelarts.vm.cpu.8u
outputs:
  jobId: \${job.jobId}
`;
}

describe("e2e: the modelarts provider plugin from source (YAML packages: entry)", function () {
  this.timeout(10 * 60_000);
  let yamlBin = "";
  let tmp = "";

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
    yamlBin = await ensureYamlHost({ log: (line) => process.stderr.write(`      [ensure-pulumi] ${line}\n`) });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-plugin-source-e2e-"));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("creates, updates in place and destroys a v2 job through the plugin folder's PulumiPlugin.yaml", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "project-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), program(path.join(REPO_ROOT, "plugin")));
    await withScenario({ projectDir: dir, pathPrefix: [yamlBin] }, async (s) => {
      const v2Jobs = () => s.emulator.control.v2Jobs() as Array<{ metadata: { id: string; description?: string } }>;
      const created = await s.up();
      const jobId = created.outputs["jobId"]!.value as string;
      assert.deepEqual(
        v2Jobs().map((j) => j.metadata.id),
        [jobId],
      );
      await s.up({ expectNoChanges: true });
      await s.stack.setConfig("description", { value: "second" });
      const updated = await s.up();
      assert.equal(updated.summary.resourceChanges?.["update"], 1);
      assert.equal(v2Jobs()[0]!.metadata.description, "second");
      const home = path.join(s.stack.workspace.pulumiHome ?? "", "plugins");
      assert.ok(
        !fs.existsSync(home) || !fs.readdirSync(home).some((p) => p.startsWith("resource-modelarts")),
        "the plugin ran from source, not from an installed copy",
      );
      await s.destroy();
      assert.equal(v2Jobs().length, 0);
    });
  });
});
