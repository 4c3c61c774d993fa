import { strict as assert } from "node:assert";
import { phaseLabel } from "../../../provider/v2/resource/phase";

describe("v2 phase label", () => {
  it("shows the level-2 phase only when it differs from the level-1 phase", () => {
    assert.equal(phaseLabel("Running", "Running"), "Running");
    assert.equal(phaseLabel("Running"), "Running");
    assert.equal(phaseLabel("Running", ""), "Running");
    assert.equal(phaseLabel("Abnormal", "CreateFailed"), "Abnormal (CreateFailed)");
  });
});
