import { strict as assert } from "node:assert";
import { CATALOGUE_HINTS } from "../../../provider/shared/api/catalogue-hints";
import { errorFromResponse } from "../../../provider/shared/api/error-factory";

const P = "0123456789abcdef0123456789abcdef";
const refusal = (code: string, api: "v1" | "v2" | undefined) =>
  errorFromResponse(
    { httpStatus: 400, body: { error_code: code, error_msg: "refused" } },
    { operation: 'create training job "x"', projectId: P, jobName: "x", ...(api ? { api } : {}) },
  ).message;

describe("catalogue hints", () => {
  it("a v2 unknown flavour names spec.resource.flavorId and the v2 catalogue, never spec_id", () => {
    const text = refusal("ModelArts.2781", "v2");
    assert.match(text, /spec\.resource\.flavorId/);
    assert.match(text, /v2\.getFlavors\(\)/);
    assert.match(text, /GET \/v2\/\{project_id\}\/training-job-flavors/);
    assert.doesNotMatch(text, /spec_id|resource-specs/);
  });

  it("a v2 unknown engine names the engine name and version and the v2 catalogue, never engine_id's v1 list", () => {
    const text = refusal("ModelArts.2780", "v2");
    assert.match(text, /engineName with its engineVersion/);
    assert.match(text, /v2\.getEngines\(\)/);
    assert.doesNotMatch(text, /ai-engines|engine_id/);
  });

  it("a v2 node count above the flavour's maximum names spec.resource.nodeCount, never worker_server_num", () => {
    const text = refusal("ModelArts.2793", "v2");
    assert.match(text, /spec\.resource\.nodeCount/);
    assert.doesNotMatch(text, /worker_server_num/);
  });

  it("v1 keeps the v1 words (also when the context names no version)", () => {
    for (const api of ["v1", undefined] as const) {
      assert.match(refusal("ModelArts.2781", api), /spec_id.*GET \/job\/resource-specs/);
      assert.match(refusal("ModelArts.2780", api), /GET \/job\/ai-engines/);
      assert.match(refusal("ModelArts.2793", api), /worker_server_num/);
    }
  });

  it("every hint of each version is written once, in the hints table", () => {
    assert.ok(refusal("ModelArts.2781", "v2").includes(CATALOGUE_HINTS.v2.flavour));
    assert.ok(refusal("ModelArts.2780", "v2").includes(CATALOGUE_HINTS.v2.engine));
    assert.ok(refusal("ModelArts.2793", "v2").includes(CATALOGUE_HINTS.v2.nodeCount));
  });
});
