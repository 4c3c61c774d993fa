import { strict as assert } from "node:assert";
import { echoOf, withoutAddedEchoes } from "../../../provider/v1/resource/echo";

describe("reading the service's echo of a declared value", () => {
  const declared = [{ nfs: { id: "s", srcPath: "1.2.3.4:/", destPath: "/nas" } }, { hostPath: { srcPath: "/h", destPath: "/c" } }];

  it("keeps the declared volumes when the echo only adds readOnly false", () => {
    const live = [
      { nfs: { id: "s", srcPath: "1.2.3.4:/", destPath: "/nas", readOnly: false } },
      { hostPath: { srcPath: "/h", destPath: "/c", readOnly: false } },
    ];
    assert.equal(echoOf("volumes", declared, live), declared);
  });

  it("takes the echo when a volume really differs, readOnly true included", () => {
    const readOnly = [{ nfs: { ...declared[0]!.nfs!, readOnly: true } }, declared[1]];
    assert.equal(echoOf("volumes", declared, readOnly), readOnly);
    const moved = [{ nfs: { ...declared[0]!.nfs!, destPath: "/other" } }, declared[1]];
    assert.equal(echoOf("volumes", declared, moved), moved);
  });

  it("takes the echo for every other key", () => {
    assert.deepEqual(echoOf("flavor", { code: "a" }, { code: "b" }), { code: "b" });
  });

  describe("a whole config read from the service", () => {
    const details = { jobId: "1", versionId: "2", versionName: "V0001", status: 10, createTime: 0, duration: 0 };
    const echoed = { workerServerNum: 1, specId: 27, flavor: { code: "modelarts.vm.cpu.8u" }, poolId: "pool7d1e384a", nasType: "efs" };

    it("keeps specId alone for a public-pool job, by pool_type or, without it, by the spec id", () => {
      assert.deepEqual(withoutAddedEchoes(echoed, { ...details, poolType: "SYSTEM_DEFINED" }), { workerServerNum: 1, specId: 27 });
      assert.deepEqual(withoutAddedEchoes(echoed, details), { workerServerNum: 1, specId: 27 });
      assert.deepEqual(
        withoutAddedEchoes({ workerServerNum: 1, flavor: { code: "c" }, poolId: "p" }, { ...details, poolType: "SYSTEM_DEFINED" }),
        {
          workerServerNum: 1,
          flavor: { code: "c" },
        },
      );
    });

    it("keeps the pool and the flavour code of a dedicated-pool job", () => {
      assert.deepEqual(withoutAddedEchoes(echoed, { ...details, poolType: "USER_DEFINED" }), {
        workerServerNum: 1,
        flavor: { code: "modelarts.vm.cpu.8u" },
        poolId: "pool7d1e384a",
      });
    });

    it("drops the data_url the service fills from data_source, and keeps a nas_type that comes with NAS fields", () => {
      const data = { workerServerNum: 1, specId: 1, dataUrl: "/b/d/", dataSource: [{ type: "obs" as const, dataUrl: "/b/d/" }] };
      assert.deepEqual(withoutAddedEchoes(data, details), {
        workerServerNum: 1,
        specId: 1,
        dataSource: [{ type: "obs", dataUrl: "/b/d/" }],
      });
      const nas = { workerServerNum: 1, specId: 1, nasType: "efs", nasMountPath: "/nas" };
      assert.deepEqual(withoutAddedEchoes(nas, details), nas);
    });
  });
});
