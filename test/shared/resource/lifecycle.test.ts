import { strict as assert } from "node:assert";
import { MAX_TIMER_MS } from "../../../provider/shared/api/timer-limit";
import { DEFAULT_TIMEOUT_MS, timeoutOf } from "../../../provider/shared/resource/lifecycle";

describe("step timeouts", () => {
  it("a step takes timeouts.<step>, else the 20-minute default", () => {
    assert.equal(timeoutOf({ timeouts: { create: "90s" } }, "create"), 90_000);
    assert.equal(timeoutOf({ timeouts: { create: "90s" } }, "delete"), DEFAULT_TIMEOUT_MS);
  });

  it("a timeout no timer can hold, recorded before check refused it, is cut to the timer limit (destroy and refresh run no check)", () => {
    assert.equal(timeoutOf({ timeouts: { delete: "100000000h" } }, "delete"), MAX_TIMER_MS);
    // The timer the step's deadline ends up in accepts it.
    AbortSignal.timeout(timeoutOf({ timeouts: { delete: "100000000h" } }, "delete"));
  });
});
