import { strict as assert } from "node:assert";
import fc from "fast-check";
import { editDistance, nearestKey } from "../../../provider/shared/resource/unknown-keys";

describe("unknown-key hints", () => {
  it("counts a swap of two neighbours as one edit, and code points as one character", () => {
    assert.equal(editDistance("lable", "label"), 1);
    assert.equal(editDistance("descripton", "description"), 1);
    assert.equal(editDistance("\u{1F600}a", "a"), 1);
  });

  it("is zero only for equal strings, symmetric, and at most the longer length", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        assert.equal(d === 0, a === b);
        assert.equal(d, editDistance(b, a));
        assert.ok(d <= Math.max([...a].length, [...b].length));
      }),
    );
  });

  it("suggests the nearest key ignoring case, and nothing for a key far from all", () => {
    const keys = ["trainUrl", "logUrl", "dataUrl"];
    assert.equal(nearestKey("trainURL", keys), "trainUrl");
    assert.equal(nearestKey("logurl", keys), "logUrl");
    assert.equal(nearestKey("checkpoint", keys), undefined);
    assert.equal(nearestKey("ab", ["cd"]), undefined, "two edits in a two-letter key are no typo");
  });
});
