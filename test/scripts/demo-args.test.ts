/** The demo's `--api` flag, as a user types it and as npm hands it on. */
import { strict as assert } from "node:assert";
import { apiOf } from "../../scripts/demo-args";

describe("scripts/demo-args: the demo's --api flag", () => {
  it("walks through v1 when nothing is asked", () => {
    assert.equal(apiOf([], {}), "v1");
  });

  it("takes --api v2 and --api=v2 given to the script itself", () => {
    assert.equal(apiOf(["--api", "v2"], {}), "v2");
    assert.equal(apiOf(["--api=v2"], {}), "v2");
    assert.equal(apiOf(["--api=v1"], {}), "v1");
  });

  it("takes the flag that npm kept for itself: `npm start -- --api v2` leaves the value, `--api=v2` the variable", () => {
    assert.equal(apiOf(["v2"], { npm_config_api: "true" }), "v2");
    assert.equal(apiOf([], { npm_config_api: "v2" }), "v2");
  });

  it("refuses another version or an unknown argument, naming what it takes", () => {
    assert.throws(() => apiOf(["--api", "v3"], {}), /--api must be v1 or v2, got "v3"/);
    assert.throws(() => apiOf([], { npm_config_api: "v3" }), /--api must be v1 or v2, got "v3"/);
    assert.throws(() => apiOf(["--api"], {}), /--api must be v1 or v2, got ""/);
    assert.throws(() => apiOf(["--verbose"], {}), /unknown argument "--verbose": the demo takes --api v1 or --api v2/);
  });
});
