import { strict as assert } from "node:assert";
import { UNKNOWN, validateInputs } from "../../../provider/v2/resource/validate";

const ENGINE = "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64";

const good = (): Record<string, unknown> => ({
  jobName: "mnist-v2",
  algorithm: {
    codeDir: "/bucket/code/",
    bootFile: "/bucket/code/train.py",
    engine: { engineId: ENGINE },
    inputs: [{ name: "data_url", remote: { obs: { obsUrl: "/bucket/data/" } } }],
    outputs: [{ name: "train_url", remote: { obs: { obsUrl: "obs://bucket/out/" } } }],
    parameters: [{ name: "epochs", value: "10" }],
    environments: { BATCH: "32" },
  },
  spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 2 } },
});

function failuresOf(inputs: Record<string, unknown>): string[] {
  return validateInputs(inputs).map((f) => `${f.property}: ${f.reason}`);
}

function withAlgorithm(patch: Record<string, unknown>): Record<string, unknown> {
  const inputs = good();
  return { ...inputs, algorithm: { ...(inputs["algorithm"] as object), ...patch } };
}

function withResource(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...good(), spec: { resource: { flavorId: "modelarts.vm.cpu.8u", ...patch } } };
}

describe("v2 check rules", () => {
  it("accepts a complete code-and-engine job", () => {
    assert.deepEqual(failuresOf(good()), []);
  });

  it("accepts a custom image with a command, a preset engine by name and version, an algorithm id, and a subscription", () => {
    assert.deepEqual(
      failuresOf(withAlgorithm({ codeDir: undefined, bootFile: undefined, command: "python train.py", engine: { imageUrl: "org/img:1" } })),
      [],
    );
    assert.deepEqual(failuresOf(withAlgorithm({ engine: { engineName: "PyTorch", engineVersion: ENGINE } })), []);
    assert.deepEqual(failuresOf({ ...good(), algorithm: { id: "3f5d6706-7b67-408d-8ba0-ec08048c45ed" } }), []);
    assert.deepEqual(failuresOf({ ...good(), algorithm: { subscriptionId: "s-1", itemVersionId: "v-1" } }), []);
  });

  it("names the property and the rule for a bad job name, workspace, kind and description", () => {
    assert.match(failuresOf({ ...good(), jobName: "has space" })[0]!, /^jobName: must be 1-64 characters of letters, digits/);
    assert.match(
      failuresOf({ ...good(), workspaceId: "ws-1" })[0]!,
      /^workspaceId: must be "0" \(the default workspace\) or a 32-character/,
    );
    assert.match(failuresOf({ ...good(), kind: "batch" })[0]!, /^kind: must be one of "job", "visualization_job"/);
    assert.deepEqual(failuresOf({ ...good(), description: "d".repeat(257) }), [
      "description: must be at most 256 characters, counted as the service counts them (UTF-16 units: an emoji counts 2), got 257",
    ]);
    // The service counts UTF-16 units: 128 emoji fit, 200 (400 units) do not.
    assert.deepEqual(failuresOf({ ...good(), description: "\u{1F600}".repeat(128) }), []);
    assert.deepEqual(failuresOf({ ...good(), description: "\u{1F600}".repeat(200) }), [
      "description: must be at most 256 characters, counted as the service counts them (UTF-16 units: an emoji counts 2), got 400",
    ]);
  });

  it("requires algorithm and spec.resource", () => {
    assert.deepEqual(failuresOf({ jobName: "x", spec: { resource: { flavorId: "f" } } }), ["algorithm: is required (what runs)"]);
    assert.match(failuresOf({ ...good(), spec: {} })[0]!, /^spec.resource: is required/);
    assert.match(failuresOf({ ...good(), spec: undefined })[0]!, /^spec: is required/);
  });

  it("names the engine exactly one way", () => {
    assert.match(
      failuresOf(withAlgorithm({ engine: { engineId: ENGINE, engineName: "PyTorch", engineVersion: ENGINE } }))[0]!,
      /^algorithm.engine.engineId: name the engine one way/,
    );
    assert.match(
      failuresOf(withAlgorithm({ engine: { engineName: "PyTorch" } }))[0]!,
      /^algorithm.engine.engineVersion: engineName and engineVersion go together/,
    );
    assert.match(failuresOf(withAlgorithm({ engine: {} }))[0]!, /^algorithm.engine: must name an engine/);
    assert.match(failuresOf(withAlgorithm({ engine: undefined })).join("\n"), /algorithm.engine: is required with algorithm.codeDir/);
  });

  it("requires codeDir and bootFile together, the boot file inside the code folder", () => {
    assert.match(
      failuresOf(withAlgorithm({ bootFile: undefined })).join("\n"),
      /algorithm.bootFile: algorithm.codeDir and algorithm.bootFile go together/,
    );
    assert.match(
      failuresOf(withAlgorithm({ bootFile: "/elsewhere/train.py" }))[0]!,
      /^algorithm.bootFile: must be a file inside algorithm.codeDir/,
    );
    assert.match(failuresOf(withAlgorithm({ bootFile: "/bucket/code/" }))[0]!, /^algorithm.bootFile: must be a file inside/);
  });

  it("requires a command with a custom image, and an image with a command", () => {
    assert.match(
      failuresOf(withAlgorithm({ codeDir: undefined, bootFile: undefined, engine: { imageUrl: "org/img:1" } })).join("\n"),
      /algorithm.command: is required with a custom image/,
    );
    assert.match(
      failuresOf(withAlgorithm({ codeDir: undefined, bootFile: undefined, engine: undefined, command: "python x.py" })).join("\n"),
      /algorithm.engine.imageUrl: is required with algorithm.command/,
    );
    assert.match(failuresOf({ ...good(), algorithm: {} }).join("\n"), /^algorithm: say what runs/);
  });

  it("checks channels: a name, exactly one remote, OBS paths in either form", () => {
    assert.match(
      failuresOf(withAlgorithm({ inputs: [{ remote: { obs: { obsUrl: "/b/d/" } } }] }))[0]!,
      /^algorithm.inputs\[0\].name: is required/,
    );
    assert.match(
      failuresOf(withAlgorithm({ inputs: [{ name: "d", remote: { obs: { obsUrl: "/b/" }, dataset: { id: "a", versionId: "b" } } }] }))[0]!,
      /^algorithm.inputs\[0\].remote: must have exactly one of obs/,
    );
    assert.match(
      failuresOf(withAlgorithm({ inputs: [{ name: "d", remote: { obs: { obsUrl: "bucket/data" } } }] }))[0]!,
      /^algorithm.inputs\[0\].remote.obs.obsUrl: must be an OBS path/,
    );
    assert.match(
      failuresOf(withAlgorithm({ outputs: [{ name: "o", remote: { dataset: { id: "a", versionId: "b" } } }] })).join("\n"),
      /algorithm.outputs\[0\].remote.dataset: is not a known key/,
    );
    assert.deepEqual(failuresOf(withAlgorithm({ inputs: [{ name: "d", remote: { dataset: { id: "a", versionId: "b" } } }] })), []);
  });

  it("checks environment variables: names, no $, at most 100", () => {
    assert.match(failuresOf(withAlgorithm({ environments: { "1X": "a" } }))[0]!, /^algorithm.environments.1X: is not a variable name/);
    assert.match(failuresOf(withAlgorithm({ environments: { X: "$HOME" } }))[0]!, /^algorithm.environments.X: must not contain "\$"/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, "x"]));
    assert.match(
      failuresOf(withAlgorithm({ environments: many }))[0]!,
      /^algorithm.environments: must hold at most 100 variables, got 101/,
    );
  });

  it("checks the code and working folders", () => {
    assert.match(failuresOf(withAlgorithm({ localCodeDir: "/opt/code" }))[0]!, /^algorithm.localCodeDir: must be a folder under \/home/);
    assert.match(
      failuresOf(withAlgorithm({ localCodeDir: "/home/ma-user/modelarts/x" }))[0]!,
      /^algorithm.localCodeDir: must not be \/home\/ma-user/,
    );
    assert.deepEqual(failuresOf(withAlgorithm({ localCodeDir: "/home/work/code" })), []);
    assert.match(failuresOf(withAlgorithm({ workingDir: "work" }))[0]!, /^algorithm.workingDir: must be an absolute path/);
  });

  it("checks spec.resource: a flavour outside a pool, a positive node count, card-count flavours in a pool", () => {
    assert.match(failuresOf(withResource({ nodeCount: 0 }))[0]!, /^spec.resource.nodeCount: must be a positive integer, got 0/);
    assert.match(failuresOf(withResource({ nodeCount: 1.5 }))[0]!, /^spec.resource.nodeCount: must be a positive integer/);
    assert.match(
      failuresOf({ ...good(), spec: { resource: { nodeCount: 1 } } })[0]!,
      /^spec.resource.flavorId: is required outside a dedicated pool/,
    );
    assert.deepEqual(failuresOf({ ...good(), spec: { resource: { poolId: "pool9928813f" } } }), []);
    assert.match(
      failuresOf({ ...good(), spec: { resource: { poolId: "pool9928813f", flavorId: "modelarts.vm.cpu.8u" } } })[0]!,
      /^spec.resource.flavorId: in a dedicated pool \(spec.resource.poolId\) must be a card-count flavour/,
    );
  });

  it("checks volumes, the log export path and auto-stop", () => {
    assert.match(
      failuresOf({ ...good(), spec: { resource: { flavorId: "f" }, volumes: [{}] } })[0]!,
      /^spec.volumes\[0\]: must have exactly one of nfs, pfs or obs/,
    );
    assert.match(
      failuresOf({ ...good(), spec: { resource: { flavorId: "f" }, volumes: [{ nfs: { nfsServerPath: "1.2.3.4:/x" } }] } })[0]!,
      /^spec.volumes\[0\].nfs.localPath: is required/,
    );
    assert.match(
      failuresOf({ ...good(), spec: { resource: { flavorId: "f" }, logExportPath: {} } })[0]!,
      /^spec.logExportPath: must have obsUrl or hostPath/,
    );
    assert.match(
      failuresOf({ ...good(), spec: { resource: { flavorId: "f" }, autoStop: { timeUnit: "DAYS", duration: 1 } } })[0]!,
      /^spec.autoStop.timeUnit: must be "HOURS"/,
    );
  });

  it("refuses unknown keys with the nearest known key, at every level", () => {
    assert.deepEqual(failuresOf({ ...good(), descripton: "x" }), ['descripton: is not a known key: did you mean "description"?']);
    assert.deepEqual(failuresOf({ ...good(), codeDir: "/b/c/" }), ['codeDir: is not a known key here: did you mean "algorithm.codeDir"?']);
    assert.deepEqual(failuresOf(withAlgorithm({ engine: { engineID: ENGINE } })).slice(0, 1), [
      'algorithm.engine.engineID: is not a known key: did you mean "algorithm.engine.engineId"?',
    ]);
    assert.match(
      failuresOf(withResource({ nodeCont: 1 }))[0]!,
      /^spec.resource.nodeCont: is not a known key: did you mean "spec.resource.nodeCount"\?/,
    );
  });

  it("checks the provider's own inputs: waitFor, timeouts, adoptJobId", () => {
    assert.match(failuresOf({ ...good(), waitFor: "submitted" })[0]!, /^waitFor: must be one of "accepted", "running", "completed"/);
    assert.match(failuresOf({ ...good(), timeouts: { delete: "soon" } })[0]!, /^timeouts.delete: must be a positive duration/);
    // A timeout past 2^31-1 ms passed preview and failed `up` with a bare RangeError.
    assert.deepEqual(failuresOf({ ...good(), timeouts: { create: "100000000h" } }), [
      'timeouts.create: must be at most 596h31m23s (2^31-1 ms, about 24.8 days, the longest wait a Node.js timer can hold), got "100000000h"',
    ]);
    assert.deepEqual(failuresOf({ ...good(), timeouts: { create: "596h31m23s", delete: "24h" } }), []);
    assert.match(failuresOf({ ...good(), adoptJobId: "1234" })[0]!, /^adoptJobId: must be a v2 job id \(a UUID/);
    assert.deepEqual(failuresOf({ ...good(), adoptJobId: "425b7087-83de-49ed-9e40-5bb642be956f" }), []);
  });

  it("skips values that are unknown during a preview", () => {
    assert.deepEqual(failuresOf({ ...good(), jobName: UNKNOWN, description: UNKNOWN, algorithm: UNKNOWN, spec: UNKNOWN }), []);
    assert.deepEqual(failuresOf(withAlgorithm({ codeDir: UNKNOWN, engine: UNKNOWN })), []);
    assert.deepEqual(failuresOf(withAlgorithm({ inputs: [UNKNOWN], environments: { X: UNKNOWN } })), []);
    assert.deepEqual(failuresOf(withResource({ nodeCount: UNKNOWN, flavorId: UNKNOWN })), []);
  });
});
