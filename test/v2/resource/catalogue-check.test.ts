import { strict as assert } from "node:assert";
import { CATALOGUE_HINTS } from "../../../provider/shared/api/catalogue-hints";
import { closeMatches, didYouMean } from "../../../provider/shared/resource/close-matches";
import { UNKNOWN } from "../../../provider/shared/resource/check";
import { createV2Client } from "../../../provider/v2/api/client";
import { V2CatalogueCache, checkAgainstCatalogue, type V2Catalogue } from "../../../provider/v2/resource/catalogue-check";
import { TrainingJobV2ProviderImpl } from "../../../provider/v2/resource/provider";
import { AK, ENGINE, PROJECT, SERIALIZED, SK, emulatedProvider, jobInputs, type EmulatedProvider } from "./emulated";

const CATALOGUE: V2Catalogue = {
  flavors: [
    { flavorId: "modelarts.vm.cpu.2u", flavorName: "CPU 2U", flavorType: "CPU", maxNum: 1 },
    { flavorId: "modelarts.vm.cpu.8u", flavorName: "CPU 8U", flavorType: "CPU", maxNum: 16 },
  ],
  engines: [
    { engineId: "pytorch-1.8", engineName: "PyTorch", engineVersion: "pytorch_1.8.0" },
    { engineId: "pytorch-2.1", engineName: "PyTorch", engineVersion: "pytorch_2.1.0" },
    { engineId: "tf-2.1", engineName: "TensorFlow", engineVersion: "tensorflow_2.1.0" },
  ],
};

const declared = (resource: Record<string, unknown>, engine: Record<string, unknown> = { engineId: "pytorch-1.8" }) => ({
  algorithm: { codeDir: "/b/c/", bootFile: "/b/c/t.py", engine },
  spec: { resource },
});

describe("v2 catalogue check", () => {
  describe("close matches", () => {
    it("names the nearest catalogue entries first, and nothing when none is near", () => {
      assert.deepEqual(closeMatches("modelarts.vm.cpu.8", ["modelarts.vm.cpu.2u", "modelarts.vm.cpu.8u"]), [
        "modelarts.vm.cpu.8u",
        "modelarts.vm.cpu.2u",
      ]);
      assert.deepEqual(closeMatches("pytorch", ["PyTorch", "TensorFlow"]), ["PyTorch"]);
      assert.deepEqual(closeMatches("xgboost", ["PyTorch", "TensorFlow"]), []);
      assert.equal(didYouMean("modelarts.vm.cpu.9u", ["modelarts.vm.cpu.8u"]), ' did you mean "modelarts.vm.cpu.8u"?');
      assert.equal(didYouMean("zzz", ["modelarts.vm.cpu.8u"]), "");
    });
  });

  describe("rules", () => {
    it("an unknown flavour names spec.resource.flavorId, the close matches and v2.getFlavors()", () => {
      const [failure, ...rest] = checkAgainstCatalogue(declared({ flavorId: "modelarts.vm.cpu.8" }), CATALOGUE);
      assert.deepEqual(rest, []);
      assert.equal(failure!.property, "spec.resource.flavorId");
      assert.match(failure!.reason, /"modelarts\.vm\.cpu\.8" is not a flavour of this region; did you mean "modelarts\.vm\.cpu\.8u"/);
      assert.match(failure!.reason, /v2\.getFlavors\(\)/);
      assert.doesNotMatch(failure!.reason, /spec_id|resource-specs/);
    });

    it("a node count above the flavour's maximum names spec.resource.nodeCount and the maximum", () => {
      assert.deepEqual(checkAgainstCatalogue(declared({ flavorId: "modelarts.vm.cpu.8u", nodeCount: 99 }), CATALOGUE), [
        {
          property: "spec.resource.nodeCount",
          reason: `must be at most 16 with flavour "modelarts.vm.cpu.8u", got 99: ${CATALOGUE_HINTS.v2.nodeCount}`,
        },
      ]);
      assert.deepEqual(checkAgainstCatalogue(declared({ flavorId: "modelarts.vm.cpu.8u", nodeCount: 16 }), CATALOGUE), []);
    });

    it("an unknown engine name, a version the engine does not have, or an unknown engine id name their property", () => {
      const byName = checkAgainstCatalogue(
        declared({ flavorId: "modelarts.vm.cpu.8u" }, { engineName: "Pytorch", engineVersion: "x" }),
        CATALOGUE,
      );
      assert.equal(byName[0]!.property, "algorithm.engine.engineName");
      assert.match(byName[0]!.reason, /did you mean "PyTorch"\?.*v2\.getEngines\(\)/);
      const byVersion = checkAgainstCatalogue(
        declared({ flavorId: "modelarts.vm.cpu.8u" }, { engineName: "PyTorch", engineVersion: "pytorch_1.9.0" }),
        CATALOGUE,
      );
      assert.equal(byVersion[0]!.property, "algorithm.engine.engineVersion");
      assert.match(byVersion[0]!.reason, /is not a version of engine "PyTorch" in this region; did you mean "pytorch_1\.8\.0"/);
      const byId = checkAgainstCatalogue(declared({ flavorId: "modelarts.vm.cpu.8u" }, { engineId: "pytorch-1.9" }), CATALOGUE);
      assert.equal(byId[0]!.property, "algorithm.engine.engineId");
      assert.match(byId[0]!.reason, /did you mean "pytorch-1\.8"/);
    });

    it("judges nothing still unknown at preview, nor a flavour in a dedicated pool", () => {
      assert.deepEqual(checkAgainstCatalogue(declared({ flavorId: UNKNOWN, nodeCount: 99 }, { engineId: UNKNOWN }), CATALOGUE), []);
      assert.deepEqual(
        checkAgainstCatalogue(declared({ flavorId: "modelarts.pool.visual.xlarge", poolId: "pool-1", nodeCount: 99 }), CATALOGUE),
        [],
      );
    });
  });

  describe("in check, against the emulator", () => {
    let h: EmulatedProvider;
    let catalogues: V2CatalogueCache;
    let provider: TrainingJobV2ProviderImpl;
    before(async () => {
      h = await emulatedProvider();
    });
    after(async () => {
      await h.emu.close();
    });
    beforeEach(() => {
      catalogues = new V2CatalogueCache();
      const clock = {
        now: () => h.emu.control.clock().now,
        sleep: async (ms: number) => void h.emu.control.advance(Math.max(Math.ceil(ms), 1)),
      };
      provider = new TrainingJobV2ProviderImpl({ clientFor: () => h.client, clock, catalogues, progress: (l) => h.progress.push(l) });
    });
    const check = (inputs: Record<string, unknown>) => provider.check({}, { ...inputs, __provider: SERIALIZED });

    it("refuses at preview what create would be refused for, reading the catalogue once for many checks", async () => {
      const flavour = await check(jobInputs({ jobName: "cat-1", spec: { resource: { flavorId: "modelarts.vm.cpu.8", nodeCount: 1 } } }));
      assert.deepEqual(
        flavour.failures.map((f) => f.property),
        ["spec.resource.flavorId"],
      );
      assert.match(flavour.failures[0]!.reason, /did you mean "modelarts\.vm\.cpu\.8u"/);
      const nodes = await check(jobInputs({ jobName: "cat-2", spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 99 } } }));
      assert.deepEqual(
        nodes.failures.map((f) => f.property),
        ["spec.resource.nodeCount"],
      );
      const engine = await check(
        jobInputs({
          jobName: "cat-3",
          algorithm: { ...(jobInputs()["algorithm"] as object), engine: { engineName: "PyTorch", engineVersion: "1.8" } },
        }),
      );
      assert.deepEqual(
        engine.failures.map((f) => f.property),
        ["algorithm.engine.engineVersion"],
      );
      assert.match(engine.failures[0]!.reason, new RegExp(`its versions: "${ENGINE}"|did you mean "${ENGINE}"`));
      assert.deepEqual((await check(jobInputs({ jobName: "cat-4" }))).failures, []);
      assert.equal(catalogues.reads, 1, "one read for every check of the account and region");
      const calls = (await h.emu.control.requests({})).filter((r) => /training-job-(flavors|engines)/.test(r.path));
      assert.equal(calls.length, 2, "one flavour call and one engine call");
    });

    it("skips with a note, never failing the preview, when the catalogue cannot be read", async () => {
      const offline = createV2Client({ endpoint: "http://127.0.0.1:9", projectId: PROJECT, accessKey: AK, secretKey: SK });
      const clock = {
        now: () => h.emu.control.clock().now,
        sleep: async (ms: number) => void h.emu.control.advance(Math.max(Math.ceil(ms), 1)),
      };
      const lonely = new TrainingJobV2ProviderImpl({
        clientFor: () => offline,
        clock,
        catalogues: new V2CatalogueCache(1),
        progress: (l) => h.progress.push(l),
      });
      const before = h.progress.length;
      const { failures } = await lonely.check(
        {},
        { ...jobInputs({ jobName: "cat-5", spec: { resource: { flavorId: "nope", nodeCount: 1 } } }), __provider: SERIALIZED },
      );
      assert.deepEqual(failures, []);
      assert.match(
        h.progress.slice(before).join("\n"),
        /catalogue check skipped \(flavour, engine and node count are checked at create\): /,
      );
    });
  });
});
