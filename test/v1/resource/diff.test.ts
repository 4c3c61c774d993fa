import { strict as assert } from "node:assert";
import { diffInputs } from "../../../provider/v1/resource/diff";
import { UNKNOWN } from "../../../provider/v1/resource/validate";

const config = { workerServerNum: 1, specId: 1, appUrl: "/b/app/", bootFileUrl: "/b/app/t.py", dataUrl: "/b/d/" };
const olds = {
  jobName: "job-a",
  description: "first",
  config,
  jobId: "10",
  versionId: "11",
  status: 8,
  __provider: "exports.handler = old",
};

describe("diff", () => {
  it("reports no change when only outputs and the serialized provider differ", () => {
    const d = diffInputs(olds, { jobName: "job-a", description: "first", config: { ...config }, __provider: "exports.handler = new" });
    assert.deepEqual(d, { changes: false, replaces: [], deleteBeforeReplace: false, changed: [] });
  });

  it("treats explicit defaults as no change", () => {
    const d = diffInputs(
      { ...olds, description: undefined },
      { jobName: "job-a", description: "", workspaceId: "0", waitFor: "submitted", stopBeforeDelete: true, config },
    );
    assert.equal(d.changes, false);
  });

  it("updates in place for a description change", () => {
    const d = diffInputs(olds, { jobName: "job-a", description: "second", config });
    assert.deepEqual(d, { changes: true, replaces: [], deleteBeforeReplace: false, changed: ["description"] });
  });

  it("updates in place for a config change (a new version)", () => {
    const d = diffInputs(olds, { jobName: "job-a", description: "first", config: { ...config, workerServerNum: 2 } });
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.changed, ["config"]);
  });

  it("replaces for a new job name, creating before deleting", () => {
    const d = diffInputs(olds, { jobName: "job-b", description: "first", config });
    assert.deepEqual(d, { changes: true, replaces: ["jobName"], deleteBeforeReplace: false, changed: ["jobName"] });
  });

  it("replaces for a workspace change, deleting first because the name stays", () => {
    const d = diffInputs(olds, { jobName: "job-a", description: "first", workspaceId: "ws-2", config });
    assert.deepEqual(d, { changes: true, replaces: ["workspaceId"], deleteBeforeReplace: true, changed: ["workspaceId"] });
  });

  it("replaces when volumes change, since a new version cannot carry them", () => {
    const d = diffInputs(olds, {
      jobName: "job-a",
      description: "first",
      config: { ...config, volumes: [{ hostPath: { srcPath: "/a", destPath: "/b" } }] },
    });
    assert.deepEqual(d.replaces, ["config.volumes"]);
  });

  it("treats unknown values as changes", () => {
    const d = diffInputs(olds, { jobName: "job-a", description: UNKNOWN, config });
    assert.deepEqual(d.changed, ["description"]);
    const r = diffInputs(olds, { jobName: UNKNOWN, description: "first", config });
    assert.deepEqual(r, { changes: true, replaces: ["jobName"], deleteBeforeReplace: false, changed: ["jobName"] });
  });

  it("replaces when adoptJobId names another job, and ignores it when it names this one", () => {
    assert.deepEqual(diffInputs(olds, { jobName: "job-a", description: "first", config, adoptJobId: "10" }).changes, false);
    assert.deepEqual(diffInputs(olds, { jobName: "job-a", description: "first", config, adoptJobId: "99" }).replaces, ["adoptJobId"]);
  });
});
