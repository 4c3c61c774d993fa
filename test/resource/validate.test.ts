import { strict as assert } from "node:assert";
import { UNKNOWN, validateInputs, validateProfile } from "../../provider/resource/validate";

const good = () => ({
  jobName: "mnist-baseline",
  config: {
    workerServerNum: 1,
    specId: 1,
    engineId: 1,
    appUrl: "/bucket/app/",
    bootFileUrl: "/bucket/app/train.py",
    dataUrl: "/bucket/data/",
    trainUrl: "/bucket/out/",
  },
});

function failuresOf(inputs: Record<string, unknown>): string[] {
  return validateInputs(inputs).map((f) => `${f.property}: ${f.reason}`);
}

function withConfig(patch: Record<string, unknown>): Record<string, unknown> {
  const inputs = good();
  return { ...inputs, config: { ...inputs.config, ...patch } };
}

describe("check rules", () => {
  it("accepts a complete public-pool job", () => {
    assert.deepEqual(failuresOf(good()), []);
  });

  it("names the property and the rule for a bad job name", () => {
    const [failure] = failuresOf({ ...good(), jobName: "has space" });
    assert.match(failure!, /^jobName: must be 1-64 characters of letters, digits/);
    assert.equal(failuresOf({ ...good(), jobName: "x".repeat(65) }).length, 1);
  });

  it("limits the description to 256 characters", () => {
    assert.deepEqual(failuresOf({ ...good(), description: "d".repeat(257) }), ["description: must be at most 256 characters, got 257"]);
    assert.deepEqual(failuresOf({ ...good(), description: "d".repeat(256) }), []);
  });

  it("requires exactly one of specId and poolId", () => {
    assert.match(failuresOf(withConfig({ poolId: "pool-1" }))[0]!, /^config.poolId: cannot be set together with config.specId/);
    assert.match(failuresOf(withConfig({ specId: undefined }))[0]!, /^config.specId: one of config.specId or config.flavor.code/);
    assert.deepEqual(failuresOf(withConfig({ specId: undefined, poolId: "pool-1" })), []);
  });

  it("requires appUrl and bootFileUrl together, unless modelId is given", () => {
    assert.match(
      failuresOf(withConfig({ bootFileUrl: undefined })).join("\n"),
      /config.bootFileUrl: config.appUrl and config.bootFileUrl go together/,
    );
    assert.deepEqual(failuresOf(withConfig({ appUrl: undefined, bootFileUrl: undefined, modelId: 4 })), []);
    assert.match(failuresOf(withConfig({ appUrl: undefined, bootFileUrl: undefined })).join("\n"), /config.appUrl: code is required/);
    assert.match(
      failuresOf(withConfig({ bootFileUrl: "/elsewhere/train.py" })).join("\n"),
      /config.bootFileUrl: must be a file inside config.appUrl/,
    );
  });

  it("requires exactly one data source", () => {
    assert.match(failuresOf(withConfig({ dataUrl: undefined })).join("\n"), /config.dataUrl: one data source is required/);
    assert.match(
      failuresOf(withConfig({ datasetId: "ds", datasetVersionId: "v1" })).join("\n"),
      /config.datasetId: only one data source may be set, got config.dataUrl and config.datasetId/,
    );
    assert.match(
      failuresOf(withConfig({ dataUrl: undefined, datasetId: "ds" })).join("\n"),
      /config.datasetVersionId: config.datasetId and config.datasetVersionId go together/,
    );
    assert.deepEqual(
      failuresOf(withConfig({ dataUrl: undefined, dataSource: [{ type: "dataset", datasetId: "ds", datasetVersion: "v1" }] })),
      [],
    );
    assert.match(
      failuresOf(withConfig({ dataUrl: undefined, dataSource: [{ dataUrl: "/b/d/", datasetId: "ds", datasetVersion: "v" }] })).join("\n"),
      /config.dataSource\[0\].dataUrl: an item is either an OBS item/,
    );
  });

  it("checks OBS paths, numbers, parameters, volumes and timeouts", () => {
    assert.match(
      failuresOf(withConfig({ dataUrl: "s3://bucket/data" })).join("\n"),
      /config.dataUrl: must be an OBS path starting with "\/"/,
    );
    assert.match(failuresOf(withConfig({ trainUrl: "/bucket/with space/" })).join("\n"), /config.trainUrl: must not contain spaces/);
    assert.match(failuresOf(withConfig({ workerServerNum: 0 })).join("\n"), /config.workerServerNum: must be a positive integer, got 0/);
    assert.match(failuresOf(withConfig({ workerServerNum: "2" })).join("\n"), /config.workerServerNum: must be a number, got string/);
    assert.match(
      failuresOf(withConfig({ parameters: [{ label: "lr", value: 1 }] })).join("\n"),
      /config.parameters\[0\].value: must be a string/,
    );
    assert.match(
      failuresOf(withConfig({ volumes: [{ nfs: { id: "x", srcPath: "1.2.3.4:/" } }] })).join("\n"),
      /config.volumes\[0\].nfs.destPath: is required/,
    );
    assert.match(failuresOf({ ...good(), timeouts: { create: "soon" } }).join("\n"), /timeouts.create: must be a positive duration/);
    assert.match(
      failuresOf({ ...good(), waitFor: "done" }).join("\n"),
      /waitFor: must be one of "submitted", "running", "completed", got "done"/,
    );
    assert.match(
      failuresOf(withConfig({ userImageUrl: "swr/img:1" })).join("\n"),
      /config.userCommand: config.userImageUrl and config.userCommand go together/,
    );
  });

  it("skips values that are still unknown during preview", () => {
    assert.deepEqual(failuresOf({ ...good(), jobName: UNKNOWN, description: UNKNOWN }), []);
    assert.deepEqual(failuresOf(withConfig({ appUrl: UNKNOWN, dataUrl: UNKNOWN, specId: UNKNOWN })), []);
    assert.deepEqual(failuresOf({ jobName: "x", config: UNKNOWN }), []);
  });

  it("requires config", () => {
    assert.deepEqual(failuresOf({ jobName: "x" }), ["config: is required"]);
  });
});

describe("the profile rule", () => {
  it("accepts a configured profile and names the property and the rule otherwise", () => {
    assert.deepEqual(
      validateProfile("eu", () => ["eu"]),
      [],
    );
    assert.deepEqual(
      validateProfile(undefined, () => assert.fail("profiles are read only when a resource names one")),
      [],
    );
    assert.deepEqual(
      validateProfile(UNKNOWN, () => []),
      [],
    );
    assert.equal(validateProfile(42, () => ["eu"])[0]?.property, "profile");
    assert.match(validateProfile("e u", () => ["eu"])[0]?.reason ?? "", /must be a profile name/);
    assert.match(validateProfile("eu", () => [])[0]?.reason ?? "", /modelarts:profiles defines no profile; set one with/);
  });
});
