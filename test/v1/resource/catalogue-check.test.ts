import { strict as assert } from "node:assert";
import { CATALOGUE_HINTS } from "../../../provider/shared/api/catalogue-hints";
import { createClient } from "../../../provider/shared/api/config";
import { V1CatalogueCache } from "../../../provider/v1/resource/catalogue-check";
import { TrainingJobProviderImpl } from "../../../provider/v1/resource/provider";
import { AK, PROJECT, SERIALIZED, SK, emulatedProvider, type EmulatedProvider } from "./emulated";

const CONFIG = {
  workerServerNum: 1,
  specId: 1,
  engineId: 4,
  appUrl: "/bucket/app/",
  bootFileUrl: "/bucket/app/train.py",
  dataUrl: "/bucket/data/",
  trainUrl: "/bucket/out/",
};

describe("v1 catalogue check (emulator)", () => {
  let h: EmulatedProvider;
  let catalogues: V1CatalogueCache;
  let provider: TrainingJobProviderImpl;
  before(async () => {
    h = await emulatedProvider();
  });
  after(async () => {
    await h.emu.close();
  });
  beforeEach(() => {
    catalogues = new V1CatalogueCache();
    const clock = { now: () => h.emu.control.clock().now, sleep: async (ms: number) => void h.emu.control.advance(Math.max(ms, 1)) };
    provider = new TrainingJobProviderImpl({ clientFor: () => h.client, clock, catalogues, progress: (l) => h.progress.push(l) });
  });
  const check = (config: Record<string, unknown>) => provider.check({}, { jobName: "v1-cat", config, __provider: SERIALIZED });

  it("refuses an unknown spec id, flavour code or engine id and too many workers, in v1's words, reading the catalogue once", async () => {
    const spec = await check({ ...CONFIG, specId: 99 });
    assert.deepEqual(
      spec.failures.map((f) => f.property),
      ["config.specId"],
    );
    assert.match(
      spec.failures[0]!.reason,
      /^99 is not a training flavour of this region \(valid: 1 \(modelarts\.vm\.cpu\.2u\), .*GET \/job\/resource-specs/,
    );
    const code = await check({ ...CONFIG, specId: undefined, flavor: { code: "modelarts.vm.cpu.8" } });
    assert.deepEqual(
      code.failures.map((f) => f.property),
      ["config.flavor.code"],
    );
    assert.match(code.failures[0]!.reason, /did you mean "modelarts\.vm\.cpu\.8u"/);
    const workers = await check({ ...CONFIG, specId: 27, workerServerNum: 3 });
    assert.deepEqual(workers.failures, [
      {
        property: "config.workerServerNum",
        reason: `must be at most 1 with flavour modelarts.vm.cpu.8u (config.specId), got 3: ${CATALOGUE_HINTS.v1.nodeCount}`,
      },
    ]);
    const engine = await check({ ...CONFIG, engineId: 4242 });
    assert.deepEqual(
      engine.failures.map((f) => f.property),
      ["config.engineId"],
    );
    assert.match(
      engine.failures[0]!.reason,
      /4242 is not a training engine of this region \(valid: 1 \(TensorFlow TF-1\.4\.0-python2\.7\)/,
    );
    assert.deepEqual((await check(CONFIG)).failures, []);
    assert.equal(catalogues.reads, 1);
  });

  it("skips with a note when the catalogue cannot be read", async () => {
    const offline = createClient({ endpoint: "http://127.0.0.1:9", projectId: PROJECT, accessKey: AK, secretKey: SK });
    const clock = { now: () => h.emu.control.clock().now, sleep: async (ms: number) => void h.emu.control.advance(Math.max(ms, 1)) };
    const lonely = new TrainingJobProviderImpl({
      clientFor: () => offline,
      clock,
      catalogues: new V1CatalogueCache(1),
      progress: (l) => h.progress.push(l),
    });
    const before = h.progress.length;
    const { failures } = await lonely.check({}, { jobName: "v1-off", config: { ...CONFIG, specId: 99 }, __provider: SERIALIZED });
    assert.deepEqual(failures, []);
    assert.match(h.progress.slice(before).join("\n"), /catalogue check skipped \(flavour, engine and worker count are checked at create\)/);
  });
});
