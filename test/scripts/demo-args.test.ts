/** The demo's `--api` flag, as a user types it and as npm hands it on. */
import { strict as assert } from "node:assert";
import { apiOf, demoArgs } from "../../scripts/demo-args";

describe("scripts/demo-args: the demo's --api flag", () => {
  it("walks through v2 when nothing is asked", () => {
    assert.equal(apiOf([], {}), "v2");
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

  it("takes --lang python, go or yaml, as given to the script or as npm hands it on, and then walks through v2", () => {
    assert.deepEqual(demoArgs([], {}), { api: "v2", lang: "typescript" });
    assert.deepEqual(demoArgs(["--lang", "python"], {}), { api: "v2", lang: "python" });
    assert.deepEqual(demoArgs(["--lang=go"], {}), { api: "v2", lang: "go" });
    assert.deepEqual(demoArgs(["python"], { npm_config_lang: "true" }), { api: "v2", lang: "python" });
    assert.deepEqual(demoArgs([], { npm_config_lang: "go" }), { api: "v2", lang: "go" });
    assert.deepEqual(demoArgs(["--lang", "yaml"], {}), { api: "v2", lang: "yaml" });
    assert.deepEqual(demoArgs(["--lang", "typescript", "--api", "v2"], {}), { api: "v2", lang: "typescript" });
  });

  it("refuses another language, and v1 with a language other than TypeScript", () => {
    assert.throws(() => demoArgs(["--lang", "java"], {}), /--lang must be one of typescript, python, go, yaml, got "java"/);
    assert.throws(
      () => demoArgs(["--lang", "python", "--api", "v1"], {}),
      /--lang python walks through a v2 job \(examples\/python-v2\): leave out --api v1/,
    );
  });
});
