import { strict as assert } from "node:assert";
import { UNKNOWN, validateInputs, validateProfile } from "../../../provider/v1/resource/validate";

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
    assert.deepEqual(failuresOf({ ...good(), description: "d".repeat(257) }), [
      "description: must be at most 256 characters, counted as the service counts them (UTF-16 units: an emoji counts 2), got 257",
    ]);
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
    assert.deepEqual(failuresOf({ ...good(), timeouts: { create: "100000000h", update: "597h" } }), [
      'timeouts.create: must be at most 596h31m23s (2^31-1 ms, about 24.8 days, the longest wait a Node.js timer can hold), got "100000000h"',
      'timeouts.update: must be at most 596h31m23s (2^31-1 ms, about 24.8 days, the longest wait a Node.js timer can hold), got "597h"',
    ]);
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

  describe("what the service refuses", () => {
    it("refuses a boot file equal to the code directory", () => {
      assert.match(
        failuresOf(withConfig({ bootFileUrl: "/bucket/app/" })).join("\n"),
        /config.bootFileUrl: must be a file inside config.appUrl \("\/bucket\/app\/"\), got "\/bucket\/app\/"/,
      );
      assert.match(
        failuresOf(withConfig({ appUrl: "/bucket/app", bootFileUrl: "/bucket/app" })).join("\n"),
        /config.bootFileUrl: must be a file/,
      );
    });

    it("refuses a custom-image command that is only whitespace", () => {
      assert.deepEqual(failuresOf(withConfig({ userImageUrl: "swr/img:1", userCommand: " \t\n " })), [
        "config.userCommand: must not be only whitespace",
      ]);
      assert.deepEqual(failuresOf(withConfig({ userImageUrl: "swr/img:1", userCommand: "bash run.sh" })), []);
    });

    it("refuses host-path volumes on a public pool and accepts them on a dedicated one", () => {
      const volumes = [{ hostPath: { srcPath: "/data", destPath: "/mnt/data" } }];
      assert.deepEqual(failuresOf(withConfig({ volumes })), [
        "config.volumes[0].hostPath: host-path volumes are only allowed in a dedicated pool (config.poolId), not with config.specId",
      ]);
      assert.deepEqual(failuresOf(withConfig({ volumes, specId: undefined, poolId: "pool-1" })), []);
    });

    it("refuses a built-in algorithm together with a code directory", () => {
      assert.deepEqual(failuresOf(withConfig({ modelId: 4 })), [
        "config.modelId: a built-in algorithm (config.modelId) brings its own code: set either config.modelId or config.appUrl with config.bootFileUrl, not both",
      ]);
    });

    it("counts the description in UTF-16 units, as the service does: 128 emoji fit, 129 do not", () => {
      const emoji = "\u{1F600}";
      assert.deepEqual(failuresOf({ ...good(), description: emoji.repeat(128) }), []);
      assert.deepEqual(failuresOf({ ...good(), description: emoji.repeat(129) }), [
        "description: must be at most 256 characters, counted as the service counts them (UTF-16 units: an emoji counts 2), got 258",
      ]);
      assert.deepEqual(failuresOf({ ...good(), description: emoji.repeat(200) }).length, 1);
    });

    it("refuses config.createVersion, true or false, and says why", () => {
      for (const createVersion of [false, true]) {
        assert.deepEqual(failuresOf(withConfig({ createVersion })), [
          "config.createVersion: is not supported: a TrainingJob always creates its first version with the job (the API's default); remove config.createVersion",
        ]);
      }
    });
  });

  describe("unknown keys", () => {
    it("refuses a misspelt top-level key with the key it probably meant", () => {
      assert.deepEqual(failuresOf({ ...good(), descripton: "typo" }), ['descripton: is not a known key: did you mean "description"?']);
    });

    it("refuses a config key in the wrong case with the right spelling", () => {
      assert.deepEqual(failuresOf(withConfig({ trainURL: "/bucket/out/" })), [
        'config.trainURL: is not a known key: did you mean "config.trainUrl"?',
      ]);
    });

    it("points a key put at the wrong level to its place", () => {
      assert.deepEqual(failuresOf({ ...good(), trainUrl: "/bucket/out/" }), [
        'trainUrl: is not a known key here: did you mean "config.trainUrl"?',
      ]);
      assert.deepEqual(failuresOf(withConfig({ description: "d" })), [
        'config.description: is not a known key here: did you mean "description"?',
      ]);
    });

    it("lists the known keys when nothing is close", () => {
      const [failure] = failuresOf(withConfig({ zzzzzzzz: 1 }));
      assert.match(failure!, /^config.zzzzzzzz: is not a known key; known keys: workerServerNum, appUrl, /);
    });

    it("refuses unknown keys in timeouts, parameters, data sources and volumes", () => {
      assert.deepEqual(
        failuresOf({
          ...good(),
          timeouts: { delet: "1m" },
          config: {
            ...good().config,
            dataUrl: undefined,
            parameters: [{ label: "lr", value: "1", lable: "x" }],
            dataSource: [{ dataUrl: "/b/d/", data_url: "/b/d/" }],
            volumes: [{ nfs: { id: "i", srcPath: "1.2.3.4:/", destPath: "/mnt", readonly: true } }],
          },
        }),
        [
          'timeouts.delet: is not a known key: did you mean "timeouts.delete"?',
          'config.dataSource[0].data_url: is not a known key: did you mean "config.dataSource[0].dataUrl"?',
          'config.parameters[0].lable: is not a known key: did you mean "config.parameters[0].label"?',
          'config.volumes[0].nfs.readonly: is not a known key: did you mean "config.volumes[0].nfs.readOnly"?',
        ],
      );
    });

    it("ignores keys whose value is absent, as the resource class registers outputs that way", () => {
      assert.deepEqual(failuresOf({ ...good(), jobId: undefined, status: null }), []);
    });
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
