/**
 * The plugin's adapter without the engine: configuration (identity, refused keys, config diffs), the
 * v2 lifecycle through the adapter against a real emulator (autonaming from the identity, import
 * then no change, refresh of a deleted job), the functions, and Cancel.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { IDENTITY_KEY, parseUrn, PluginProvider, V2_TRAINING_JOB } from "../../provider/plugin/provider";
import { PROJECT, AK, SK, jobInputs } from "../v2/resource/emulated";

const URN = (name: string, stack = "dev", type = V2_TRAINING_JOB) => `urn:pulumi:${stack}::proj::${type}::${name}`;

describe("plugin adapter", () => {
  let emu: RunningEmulator;
  before(async () => {
    // A frozen service clock: jobs stay where they are until a test moves them.
    emu = await startEmulator({ port: 0, accessKeys: { [AK]: SK }, frozenClock: true, deleteDelayMs: 0 });
    // Jobs made an hour ago (by the plugin's real clock): past the read-after-create grace, so a
    // refresh that does not find one concludes at once.
    emu.control.setTime(Date.now() - 3_600_000);
  });
  after(() => emu.close());

  function named(name: string): { id: string } | undefined {
    const job = emu.control.v2Jobs(PROJECT).find((j) => (j["metadata"] as { name?: string }).name === name);
    return job && (job["metadata"] as { id: string });
  }

  function configured(identity = "id-1"): PluginProvider {
    const provider = new PluginProvider({ env: {} });
    provider.configure({ endpoint: emu.url, projectId: PROJECT, accessKey: AK, secretKey: SK, [IDENTITY_KEY]: identity });
    return provider;
  }

  describe("configuration", () => {
    it("checkConfig makes an identity once and keeps the old one afterwards", () => {
      let n = 0;
      const provider = new PluginProvider({ newIdentity: () => `new-${++n}` });
      const first = provider.checkConfig({}, { region: "eu-de" });
      assert.equal(first.inputs[IDENTITY_KEY], "new-1");
      const again = provider.checkConfig(first.inputs, { region: "eu-nl" });
      assert.equal(again.inputs[IDENTITY_KEY], "new-1");
      assert.equal(again.inputs["region"], "eu-nl");
    });

    it("checkConfig refuses a key that is not a setting, naming it", () => {
      const { failures } = new PluginProvider().checkConfig({}, { regoin: "eu-de" });
      assert.equal(failures.length, 1);
      assert.equal(failures[0]!.property, "regoin");
      assert.match(failures[0]!.reason, /not a modelarts provider setting/);
    });

    it("checkConfig keeps a secret's engine marks, so that the provider's state keeps it secret", () => {
      const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };
      const { inputs } = new PluginProvider().checkConfig({}, { secretKey: secret });
      assert.deepEqual(inputs["secretKey"], secret);
    });

    it("diffConfig reports a changed setting as a change, and the identity never", () => {
      const provider = new PluginProvider();
      assert.deepEqual(provider.diffConfig({ region: "a", [IDENTITY_KEY]: "x" }, { region: "a", [IDENTITY_KEY]: "y" }), {
        changes: false,
        diffs: [],
      });
      assert.deepEqual(provider.diffConfig({ region: "a" }, { region: "b" }), { changes: true, diffs: ["region"] });
    });

    it("parses URNs, a parent's type included", () => {
      assert.deepEqual(parseUrn("urn:pulumi:dev::proj::my:comp$modelarts:v2:TrainingJob::a::b"), {
        stack: "dev",
        project: "proj",
        type: V2_TRAINING_JOB,
        name: "a::b",
      });
    });
  });

  describe("v2 TrainingJob", () => {
    it("autonames from the resource name and the identity: two identities, two names", async () => {
      const a = await configured("one").check(URN("mnist"), {}, jobInputs());
      const b = await configured("two").check(URN("mnist"), {}, jobInputs());
      assert.deepEqual(a.failures, []);
      assert.match(a.inputs["jobName"] as string, /^mnist-[0-9a-f]{7}$/);
      assert.notEqual(a.inputs["jobName"], b.inputs["jobName"]);
      assert.equal(a.inputs["autonameSeed"], "proj/dev/one");
    });

    it("does not let a program set the autonaming seed", async () => {
      const { inputs } = await configured("one").check(URN("mnist"), {}, jobInputs({ autonameSeed: "theirs" }));
      assert.equal(inputs["autonameSeed"], "proj/dev/one");
    });

    it("refuses a bad input at check with its property path", async () => {
      const bad = jobInputs({ spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 0 } } });
      const { failures } = await configured().check(URN("bad"), {}, bad);
      assert.ok(
        failures.some((f) => f.property === "spec.resource.nodeCount"),
        JSON.stringify(failures),
      );
    });

    it("creates; an import by id records inputs that, declared as recorded, diff as no change; refresh of a deleted job drops it", async () => {
      const provider = configured();
      const { inputs } = await provider.check(URN("imp"), {}, jobInputs({ jobName: "imported-one" }));
      const { id } = await provider.create(URN("imp"), inputs);

      const imported = await configured("other").read(id, URN("imp", "prod"), {});
      assert.equal(imported.id, id);
      assert.equal(imported.inputs!["jobName"], "imported-one");
      // What `pulumi import` writes into the program: the recorded inputs.
      const declared = await configured("other").check(URN("imp", "prod"), imported.inputs!, imported.inputs!);
      assert.deepEqual(declared.failures, []);
      const diff = await configured("other").diff(id, URN("imp", "prod"), imported.props!, declared.inputs);
      assert.equal(diff.changes, false, JSON.stringify(diff));

      emu.control.deleteV2Job(id);
      const refreshed = await provider.read(id, URN("imp"), imported.props!);
      assert.equal(refreshed.id, undefined);
    });

    it("Cancel ends a create's wait at once, and the accepted job is in the partial state", async () => {
      const provider = configured();
      const { inputs } = await provider.check(URN("cancelled"), {}, jobInputs({ jobName: "cancelled-one", waitFor: "completed" }));
      const creating = provider.create(URN("cancelled"), inputs);
      const outcome = creating.then(
        () => undefined,
        (error: unknown) => error,
      );
      // The service has the job (the POST was answered) before the engine cancels.
      while (!named("cancelled-one")) await new Promise((r) => setImmediate(r));
      provider.cancel();
      const error = (await outcome) as { name?: string; id?: string; message?: string };
      assert.equal(error?.name, "PartialStateError");
      assert.equal(error.id, named("cancelled-one")!.id);
      assert.match(error.message ?? "", /cancelled/);
    });
  });

  describe("v1 TrainingJob", () => {
    const V1 = "modelarts:v1:TrainingJob";
    const config = {
      workerServerNum: 1,
      specId: 1,
      engineId: 4,
      appUrl: "/bucket/code/",
      bootFileUrl: "/bucket/code/train.py",
      dataUrl: "/bucket/data/",
      trainUrl: "/bucket/out/",
    };

    it("creates by the old-version API; an import by job id records inputs that, declared as recorded, diff as no change", async () => {
      const provider = configured();
      const checked = await provider.check(URN("old", "dev", V1), {}, { config });
      assert.deepEqual(checked.failures, []);
      const { id } = await provider.create(URN("old", "dev", V1), checked.inputs);
      assert.match(id, /^\d+$/);

      const imported = await configured("other").read(id, URN("old", "prod", V1), {});
      assert.equal(imported.id, id);
      const declared = await configured("other").check(URN("old", "prod", V1), imported.inputs!, imported.inputs!);
      assert.deepEqual(declared.failures, []);
      const diff = await configured("other").diff(id, URN("old", "prod", V1), imported.props!, declared.inputs);
      assert.equal(diff.changes, false, JSON.stringify(diff));
    });
  });

  describe("functions", () => {
    it("getFlavors filters by flavorType; a bad flavorType is a failure naming it", async () => {
      const provider = configured();
      const { outputs } = await provider.invoke("modelarts:v2:getFlavors", { flavorType: "CPU" });
      const flavors = outputs!["flavors"] as Array<{ flavorType: string }>;
      assert.ok(flavors.length > 0);
      assert.ok(flavors.every((f) => f.flavorType === "CPU"));
      const bad = await provider.invoke("modelarts:v2:getFlavors", { flavorType: "TPU" });
      assert.equal(bad.failures?.[0]?.property, "flavorType");
    });

    it("getEngines filters by engineName", async () => {
      const { outputs } = await configured().invoke("modelarts:v2:getEngines", { engineName: "PyTorch" });
      const engines = outputs!["engines"] as Array<{ engineName: string }>;
      assert.ok(engines.length > 0);
      assert.ok(engines.every((e) => e.engineName === "PyTorch"));
    });

    it("getTrainingJob reads a job; an unknown id rejects", async () => {
      const provider = configured();
      const { inputs } = await provider.check(URN("read"), {}, jobInputs({ jobName: "read-one" }));
      const { id } = await provider.create(URN("read"), inputs);
      const { outputs } = await provider.invoke("modelarts:v2:getTrainingJob", { id });
      assert.equal(outputs!["jobName"], "read-one");
      await assert.rejects(
        provider.invoke("modelarts:v2:getTrainingJob", { id: "00000000-0000-0000-0000-000000000000" }),
        /no training job/,
      );
      assert.equal((await provider.invoke("modelarts:v2:getTrainingJob", {})).failures?.[0]?.property, "id");
    });

    it("an unknown token rejects with the known ones", async () => {
      await assert.rejects(configured().invoke("modelarts:v2:getNothing", {}), /modelarts:v2:getFlavors/);
    });
  });
});
