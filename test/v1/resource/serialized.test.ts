import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../../emulator";

// The SDK's own pieces: the closure serializer that `pulumi.dynamic.Resource` uses, the module
// loader and the Config class of its dynamic-provider host.
const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
const requireFromString = require("require-from-string");
const { Config: HostConfig } = require("@pulumi/pulumi/cmd/dynamic-provider/config");

const PROJECT = "0123456789abcdef0123456789abcdef";
const AK = "AKSERIALIZED00000001";
const SK = "SKserialized-s3cr3t-never-in-state-42";
const REPO = path.resolve(__dirname, "..", "..", "..");
const RUNTIME = path.join(REPO, "dist", "provider", "runtime.js");

/** The stub exactly as the resource class builds it, from the compiled package. */
function compiledStub(): object {
  const { makeStub } = require(path.join(REPO, "dist", "provider", "shared", "resource", "stub.js"));
  return makeStub("pulumi-modelarts/runtime", RUNTIME, "0.1.0+test");
}

async function serialize(provider: object): Promise<{ text: string; containsSecrets: boolean }> {
  const sf = await serializeFunction(() => provider, { allowSecrets: true });
  return { text: sf.text, containsSecrets: sf.containsSecrets };
}

describe("the serialized provider", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ port: 0, accessKeys: { [AK]: SK }, jobDurationMs: 60_000, deleteDelayMs: 200 });
  });
  after(async () => emu?.close());

  it("stays within 4 KB and holds no configuration", async () => {
    process.env["HW_SECRET_KEY"] = SK;
    try {
      const { text, containsSecrets } = await serialize(compiledStub());
      assert.ok(text.length <= 4096, `serialized provider is ${text.length} bytes`);
      assert.equal(containsSecrets, false);
      assert.ok(!text.includes(SK));
      assert.ok(!text.includes(AK));
      assert.match(text, /pulumi-modelarts\/runtime/);
    } finally {
      delete process.env["HW_SECRET_KEY"];
    }
  });

  it("is what the TrainingJob resource serializes, and no bigger", () => {
    // In a child process: the SDK's mocks are global state that must not leak into other tests.
    const script = `
      const pulumi = require("@pulumi/pulumi");
      pulumi.runtime.setMocks({
        newResource: (args) => { if (args.type.endsWith(":TrainingJob")) process.stdout.write(JSON.stringify(args.inputs.__provider)); return { id: "1", state: args.inputs }; },
        call: () => ({}),
      }, "project", "stack", false);
      const { TrainingJob } = require(${JSON.stringify(path.join(REPO, "dist", "provider", "index.js"))});
      new TrainingJob("mocked", { jobName: "mocked", config: { workerServerNum: 1 } });
    `;
    const child = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    assert.equal(child.status, 0, child.stderr);
    const stub = JSON.parse(child.stdout) as string;
    assert.ok(stub.length <= 4096, `serialized provider is ${stub.length} bytes`);
    assert.match(stub, /version: "0\.1\.0\+[0-9a-f]{12}"/);
    assert.match(stub, /pulumi-modelarts\/runtime/);
  });

  it("works when loaded the way the dynamic-provider host loads it", async () => {
    const { text } = await serialize(compiledStub());
    // As cmd/dynamic-provider does: requireFromString(...).handler(), then configure once.
    const provider = requireFromString(text).handler();
    await provider.configure({
      config: new HostConfig(
        {
          "modelarts:endpoint": emu.url,
          "modelarts:projectId": PROJECT,
          "modelarts:accessKey": AK,
          "modelarts:secretKey": SK,
        },
        "project",
      ),
    });
    const news = {
      jobName: "serialized-1",
      config: { workerServerNum: 1, specId: 1, engineId: 4, appUrl: "/b/app/", bootFileUrl: "/b/app/t.py", dataUrl: "/b/d/" },
    };
    const checked = await provider.check({}, news);
    assert.deepEqual(checked.failures, []);
    const { id, outs } = await provider.create({ ...checked.inputs, __provider: text });
    assert.equal(emu.control.job(id)?.jobName, "serialized-1");
    const diff = await provider.diff(id, { ...outs, __provider: "an older stub" }, { ...checked.inputs, __provider: text });
    assert.equal(diff.changes, false);
    const read = await provider.read(id, outs);
    assert.equal(read.id, id);
    await provider.delete(id, outs);
    assert.equal(emu.control.job(id), undefined);
  });

  it("fails configuration with the key and the variable to set, and no secret", async () => {
    const { text } = await serialize(compiledStub());
    const provider = requireFromString(text).handler();
    await provider.configure({
      config: new HostConfig({ "modelarts:endpoint": emu.url, "modelarts:projectId": PROJECT, "modelarts:accessKey": AK }, "project"),
    });
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (/^(HW|OS)_/.test(key)) delete process.env[key];
    try {
      await assert.rejects(provider.check({}, { jobName: "x", config: { workerServerNum: 1 } }), (e: Error) => {
        assert.match(e.message, /modelarts:secretKey/);
        assert.match(e.message, /HW_SECRET_KEY/);
        return true;
      });
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
