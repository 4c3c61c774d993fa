import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../../emulator/index";
import { ModelArtsApiError } from "../../../provider/shared/api/errors";
import { createRequest } from "../../../provider/v2/resource/provider";
import type { CheckedInputs } from "../../../provider/v2/resource/inputs";
import { validateInputs } from "../../../provider/v2/resource/validate";
import { startTestEmulator, v2AkskClient } from "../api/helpers";
import { jobInputs } from "./emulated";

type Bag = Record<string, unknown>;

function algorithm(patch: Bag): Bag {
  return { algorithm: { ...(jobInputs()["algorithm"] as Bag), ...patch } };
}
function resource(patch: Bag): Bag {
  return { spec: { resource: { flavorId: "modelarts.vm.cpu.8u", ...patch } } };
}

/** Bodies the service refuses; `check` must refuse each at preview, naming the property the emulator names on the wire. */
const REFUSED: Array<{ rule: string; property: string; wire: RegExp; patch: Bag }> = [
  {
    rule: "a boot file outside the code folder",
    property: "algorithm.bootFile",
    wire: /boot_file/,
    patch: algorithm({ bootFile: "/other/train.py" }),
  },
  {
    rule: "an engine named two ways",
    property: "algorithm.engine.engineId",
    wire: /engine/,
    patch: algorithm({ engine: { engineId: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64", imageUrl: "org/img:1" } }),
  },
  {
    rule: "a custom image without a command",
    property: "algorithm.command",
    wire: /command/,
    patch: algorithm({ codeDir: undefined, bootFile: undefined, engine: { imageUrl: "org/img:1" } }),
  },
  { rule: "zero nodes", property: "spec.resource.nodeCount", wire: /node_count/, patch: resource({ nodeCount: 0 }) },
  {
    rule: "no flavour outside a pool",
    property: "spec.resource.flavorId",
    wire: /flavor_id/,
    patch: { spec: { resource: { nodeCount: 1 } } },
  },
  { rule: "a workspace id of the wrong form", property: "workspaceId", wire: /workspace_id/, patch: { workspaceId: "ws-1" } },
  {
    rule: "an environment variable name starting with a digit",
    property: "algorithm.environments.1X",
    wire: /environments/,
    patch: algorithm({ environments: { "1X": "a" } }),
  },
  {
    rule: "a $ in an environment value",
    property: "algorithm.environments.X",
    wire: /environments/,
    patch: algorithm({ environments: { X: "$HOME" } }),
  },
  {
    rule: "a code folder outside /home",
    property: "algorithm.localCodeDir",
    wire: /local_code_dir/,
    patch: algorithm({ localCodeDir: "/opt/code" }),
  },
  { rule: "a relative working folder", property: "algorithm.workingDir", wire: /working_dir/, patch: algorithm({ workingDir: "work" }) },
  {
    rule: "an input from both OBS and a dataset",
    property: "algorithm.inputs[0].remote",
    wire: /inputs\[0\]/,
    patch: algorithm({ inputs: [{ name: "data_url", remote: { obs: { obsUrl: "/b/d/" }, dataset: { id: "a", versionId: "b" } } }] }),
  },
  {
    rule: "an output OBS URL that is no OBS path",
    property: "algorithm.outputs[0].remote.obs.obsUrl",
    wire: /obs_url/,
    patch: algorithm({ outputs: [{ name: "o", remote: { obs: { obsUrl: "bucket/out" } } }] }),
  },
  { rule: "a description of 257 characters", property: "description", wire: /description/, patch: { description: "d".repeat(257) } },
  {
    rule: "a description of 200 emoji (400 UTF-16 units)",
    property: "description",
    wire: /description/,
    patch: { description: "\u{1F600}".repeat(200) },
  },
  { rule: "a job name with a space", property: "jobName", wire: /metadata\.name/, patch: { jobName: "has space" } },
  {
    rule: "a public flavour in a dedicated pool",
    property: "spec.resource.flavorId",
    wire: /modelarts\.vm\.cpu\.8u/,
    patch: resource({ poolId: "pool9928813f" }),
  },
];

describe("v2 check and the emulator agree on what the service refuses", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => {
    await emu.close();
  });

  for (const [i, c] of REFUSED.entries()) {
    it(`both refuse ${c.rule}`, async () => {
      const inputs = { ...jobInputs({ jobName: `agree-${i}` }), ...c.patch } as Bag;
      const failures = validateInputs(inputs);
      assert.ok(
        failures.some((f) => f.property === c.property),
        `check: ${JSON.stringify(failures)}`,
      );
      const error = await v2AkskClient(emu)
        .createJob(createRequest(inputs as unknown as CheckedInputs))
        .catch((e: unknown) => e);
      assert.ok(ModelArtsApiError.isInstance(error) && error.httpStatus === 400, `emulator: ${String(error)}`);
      assert.match(error.message, c.wire, "the emulator names the same field");
    });
  }

  it("both accept the same job", async () => {
    const inputs = { ...jobInputs({ jobName: "agree-ok", description: "\u{1F600}".repeat(128) }) } as Bag;
    assert.deepEqual(validateInputs(inputs), []);
    await v2AkskClient(emu).createJob(createRequest(inputs as unknown as CheckedInputs));
  });
});
