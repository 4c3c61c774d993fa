import { strict as assert } from "node:assert";
import { echoOf } from "../../provider/resource/echo";

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
});
