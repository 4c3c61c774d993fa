import { strict as assert } from "node:assert";
import { UNKNOWN, validateInputs } from "../../../provider/v1/resource/validate";

const CONFIG = {
  workerServerNum: 1,
  engineId: 1,
  appUrl: "/bucket/app/",
  bootFileUrl: "/bucket/app/train.py",
  dataUrl: "/bucket/data/",
};

/** The failures `check` reports for a config with the given flavour (and other) fields. */
function failures(patch: Record<string, unknown>): string[] {
  return validateInputs({ jobName: "flavour", config: { ...CONFIG, ...patch } }).map((f) => `${f.property}: ${f.reason}`);
}

describe("check rules: the flavour forms and the NAS fields", () => {
  it("accepts the four forms: specId, flavor.code, flavor.code with poolId, poolId", () => {
    assert.deepEqual(failures({ specId: 1 }), []);
    assert.deepEqual(failures({ flavor: { code: "modelarts.vm.cpu.8u" } }), []);
    assert.deepEqual(failures({ flavor: { code: "modelarts.vm.cpu.8u" }, poolId: "pool-1" }), []);
    assert.deepEqual(failures({ poolId: "pool-1" }), []);
  });

  it("refuses specId with flavor and specId with poolId, naming the property", () => {
    assert.deepEqual(failures({ specId: 1, flavor: { code: "modelarts.vm.cpu.8u" } }), [
      "config.flavor: cannot be set together with config.specId: choose the flavour by specId or by flavor.code, not both",
    ]);
    assert.match(failures({ specId: 1, poolId: "pool-1" })[0]!, /^config.poolId: cannot be set together with config.specId/);
  });

  it("requires one flavour form", () => {
    assert.deepEqual(failures({}), [
      "config.specId: one of config.specId or config.flavor.code (public pool flavour) or config.poolId (dedicated pool) is required",
    ]);
  });

  it("checks the flavor object and its code", () => {
    assert.deepEqual(failures({ flavor: "modelarts.vm.cpu.8u" }), ["config.flavor: must be an object, got string"]);
    assert.deepEqual(failures({ flavor: {} }), ['config.flavor.code: is required (a flavour code such as "modelarts.vm.cpu.8u")']);
    assert.deepEqual(failures({ flavor: { code: "modelarts vm" } }), [
      'config.flavor.code: must be a flavour code such as "modelarts.vm.cpu.8u", got "modelarts vm"',
    ]);
    assert.deepEqual(failures({ flavor: { code: 8 } }), ["config.flavor.code: must be a string, got number"]);
    assert.deepEqual(failures({ flavor: { code: "modelarts.vm.cpu.8u", spec: 1 } }), [
      "config.flavor.spec: is not a flavour field: use code",
    ]);
  });

  it("skips a flavour still unknown during a preview", () => {
    assert.deepEqual(failures({ flavor: UNKNOWN }), []);
    assert.deepEqual(failures({ flavor: { code: UNKNOWN } }), []);
    assert.deepEqual(failures({ flavor: { code: UNKNOWN }, poolId: UNKNOWN }), []);
  });

  it("checks the NAS fields: text, and an absolute mount path", () => {
    const nas = { specId: 1, nasShareAddr: "192.168.8.150:/", nasMountPath: "/home/work/nas", nasType: "nfs" };
    assert.deepEqual(failures(nas), []);
    assert.deepEqual(failures({ ...nas, nasMountPath: "home/nas" }), [
      'config.nasMountPath: must be an absolute path such as "/home/work/nas", got "home/nas"',
    ]);
    assert.deepEqual(failures({ ...nas, nasShareAddr: 1, nasType: true }), [
      "config.nasShareAddr: must be a string, got number",
      "config.nasType: must be a string, got boolean",
    ]);
  });

  it("accepts parameter items without a label or a value, as the API does", () => {
    assert.deepEqual(failures({ specId: 1, parameters: [{ label: "flag" }, { value: "positional" }, {}] }), []);
    assert.deepEqual(failures({ specId: 1, parameters: [{ label: 1 }] }), ["config.parameters[0].label: must be a string, got number"]);
  });
});
