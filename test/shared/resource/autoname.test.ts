import { strict as assert } from "node:assert";
import fc from "fast-check";
import { isDerivedName, ownerStamp, ownerStampOf, suffixFrom, withAutoname } from "../../../provider/shared/resource/autoname";
import { UNKNOWN } from "../../../provider/shared/resource/check";

const seed = fc.stringMatching(/^[0-9a-f]{32}$/);

describe("autonaming from the stack's identity", () => {
  it("derives the same name from the same seed and resource (preview, update, the up after a crash), and another from another seed", () => {
    fc.assert(
      fc.property(seed, seed, (a, b) => {
        const first = withAutoname({}, { autonamePrefix: "train", autonameSeed: a }, suffixFrom)["jobName"];
        const again = withAutoname({}, { autonamePrefix: "train", autonameSeed: a }, suffixFrom)["jobName"];
        const other = withAutoname({}, { autonamePrefix: "train", autonameSeed: b }, suffixFrom)["jobName"];
        assert.equal(first, again);
        assert.match(String(first), /^train-[0-9a-f]{7}$/);
        if (a !== b) assert.notEqual(first, other, "two stacks named dev in two backends hold two seeds");
      }),
    );
  });

  it("leaves the name unknown while the seed is (the first preview), instead of deriving it from the engine's marker", () => {
    const inputs = withAutoname({}, { autonamePrefix: "train", autonameSeed: UNKNOWN }, suffixFrom);
    assert.equal(inputs["jobName"], UNKNOWN);
    assert.equal(inputs["jobNameAutonamed"], true);
  });

  it("keeps the name a state written by an older version derived from project and stack, whatever the new seed is", () => {
    const olds = { autonamePrefix: "train", autonameSeed: "proj/dev", jobName: "train-1a2b3c4", jobNameAutonamed: true };
    for (const next of ["00112233445566778899aabbccddeeff", UNKNOWN]) {
      const inputs = withAutoname(olds, { autonamePrefix: "train", autonameSeed: next }, suffixFrom);
      assert.equal(inputs["jobName"], "train-1a2b3c4");
    }
  });

  it("calls a name derived only when it is the one the checked seed and prefix give", () => {
    const inputs = withAutoname({}, { autonamePrefix: "train", autonameSeed: "00112233445566778899aabbccddeeff" }, suffixFrom);
    assert.equal(isDerivedName(inputs, suffixFrom), true);
    assert.equal(isDerivedName({ ...inputs, autonameSeed: "ffeeddccbbaa99887766554433221100" }, suffixFrom), false);
    assert.equal(isDerivedName({ ...inputs, jobNameAutonamed: false }, suffixFrom), false);
  });

  it("stamps per stack and resource, never revealing the seed, and has no stamp while the seed is unknown", () => {
    fc.assert(
      fc.property(seed, seed, (a, b) => {
        const stamp = ownerStamp(a, "train");
        assert.match(stamp, /^[0-9a-f]{32}$/);
        assert.notEqual(stamp, a);
        assert.notEqual(stamp, ownerStamp(a, "other"));
        if (a !== b) assert.notEqual(stamp, ownerStamp(b, "train"));
      }),
    );
    assert.equal(ownerStampOf({ autonameSeed: UNKNOWN, autonamePrefix: "train" }), undefined);
    assert.equal(ownerStampOf({ autonamePrefix: "train" }), undefined);
  });
});
