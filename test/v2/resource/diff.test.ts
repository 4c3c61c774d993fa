import { strict as assert } from "node:assert";
import { diffInputs } from "../../../provider/v2/resource/diff";
import { declaredView, differingPaths } from "../../../provider/v2/resource/echo";
import { UNKNOWN } from "../../../provider/v2/resource/validate";

const ENGINE = "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64";

const inputs = (): Record<string, unknown> => ({
  jobName: "mnist-v2",
  description: "first",
  algorithm: {
    codeDir: "/bucket/code/",
    bootFile: "/bucket/code/train.py",
    engine: { engineName: "PyTorch", engineVersion: ENGINE },
    inputs: [{ name: "data_url", remote: { obs: { obsUrl: "/bucket/data/" } } }],
    outputs: [{ name: "train_url", remote: { obs: { obsUrl: "/bucket/out/" } } }],
  },
  spec: { resource: { flavorId: "modelarts.vm.cpu.8u" } },
});

/** The state after a create: the inputs and the computed outputs. */
const state = (): Record<string, unknown> => ({
  ...inputs(),
  jobId: "425b7087-83de-49ed-9e40-5bb642be956f",
  phase: "Running",
  flavorName: "CPU 8U",
});

describe("v2 diff", () => {
  it("reports nothing when nothing changed, whatever the computed outputs say", () => {
    assert.deepEqual(diffInputs(state(), inputs()), { changes: false, replaces: [], deleteBeforeReplace: false, changed: [] });
  });

  it("treats explicit defaults as no change", () => {
    const d = diffInputs(state(), { ...inputs(), workspaceId: "0", kind: "job", waitFor: "accepted", stopBeforeDelete: true });
    assert.equal(d.changes, false);
  });

  it("updates the description in place", () => {
    const d = diffInputs(state(), { ...inputs(), description: "second" });
    assert.deepEqual(d, { changes: true, replaces: [], deleteBeforeReplace: false, changed: ["description"] });
  });

  it("changes waitFor, timeouts, stopBeforeDelete and endpoint in the state only", () => {
    const d = diffInputs(state(), {
      ...inputs(),
      waitFor: "running",
      timeouts: { delete: "5m" },
      stopBeforeDelete: false,
      endpoint: "http://127.0.0.1:1",
    });
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.changed.sort(), ["endpoint", "stopBeforeDelete", "timeouts", "waitFor"]);
  });

  it("replaces on any change of the algorithm or the spec, deleting first when the name stays", () => {
    const news = inputs();
    (news["spec"] as { resource: Record<string, unknown> }).resource["nodeCount"] = 2;
    assert.deepEqual(diffInputs(state(), news), { changes: true, replaces: ["spec"], deleteBeforeReplace: true, changed: ["spec"] });
    const renamed = { ...inputs(), jobName: "mnist-v2b", algorithm: { ...(inputs()["algorithm"] as object), command: "x" } };
    assert.deepEqual(diffInputs(state(), renamed), {
      changes: true,
      replaces: ["jobName", "algorithm"],
      deleteBeforeReplace: false,
      changed: ["jobName", "algorithm"],
    });
  });

  it("replaces on a change of workspace, annotations, kind, region, project or profile", () => {
    for (const [key, value] of Object.entries({
      workspaceId: "a".repeat(32),
      annotations: { team: "x" },
      kind: "visualization_job",
      region: "eu-de",
      projectId: "p",
      profile: "eu",
    })) {
      const d = diffInputs(state(), { ...inputs(), [key]: value });
      assert.deepEqual(d.replaces, [key], key);
      assert.equal(d.deleteBeforeReplace, true, key);
    }
  });

  it("an unknown value is a change, and an unknown name may not stay", () => {
    const d = diffInputs(state(), { ...inputs(), jobName: UNKNOWN, algorithm: UNKNOWN });
    assert.deepEqual(d.replaces, ["jobName", "algorithm"]);
    assert.equal(d.deleteBeforeReplace, false);
  });

  it("adoptJobId replaces only when it names another job than the state's", () => {
    const s = state();
    assert.equal(diffInputs(s, { ...inputs(), jobName: undefined, adoptJobId: s["jobId"] }).changes, false);
    assert.deepEqual(diffInputs(s, { ...inputs(), adoptJobId: "00000000-0000-4000-8000-000000000000" }).replaces, ["adoptJobId"]);
  });
});

describe("v2 echoes", () => {
  const declared = inputs()["algorithm"];
  // What the service reports: the request with its resolutions (docs/api-v2.md §2).
  const echoed = {
    codeDir: "obs://bucket/code/",
    bootFile: "/bucket/code/train.py",
    engine: { engineId: ENGINE, engineName: "PyTorch", engineVersion: ENGINE, v1Compatible: false, runUser: "1102" },
    inputs: [{ name: "data_url", localDir: "/home/ma-user/modelarts/inputs/data_url_0", remote: { obs: { obsUrl: "/bucket/data/" } } }],
    outputs: [
      {
        name: "train_url",
        localDir: "/home/ma-user/modelarts/outputs/train_url_0",
        mode: "upload_periodically",
        period: 30,
        remote: { obs: { obsUrl: "/bucket/out/" } },
      },
    ],
    environments: {},
    policies: {},
  };

  it("never reads the service's additions as drift (engine resolutions, local folders, output modes, an OBS path's other form)", () => {
    assert.deepEqual(declaredView(declared, echoed), declared);
    assert.deepEqual(differingPaths(declared, echoed, "algorithm"), []);
    assert.deepEqual(
      differingPaths(
        { resource: { flavorId: "f" } },
        { resource: { flavorId: "f", flavorName: "F", nodeCount: 1, policy: "regular" }, logExportPath: {} },
        "spec",
      ),
      [],
    );
  });

  it("reads a member the service reports differently as drift, naming its path", () => {
    const changed = { ...echoed, bootFile: "/bucket/code/other.py" };
    assert.deepEqual(differingPaths(declared, changed, "algorithm"), ["algorithm.bootFile"]);
    assert.deepEqual(differingPaths({ resource: { flavorId: "f", nodeCount: 2 } }, { resource: { flavorId: "f", nodeCount: 1 } }, "spec"), [
      "spec.resource.nodeCount",
    ]);
  });

  it("a member the service does not echo keeps its declared value", () => {
    assert.deepEqual(declaredView({ workingDir: "/home/work" }, {}), { workingDir: "/home/work" });
  });
});
