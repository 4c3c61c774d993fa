/**
 * schema.json is generated from the TypeScript shapes: it must be what the generator writes now, and
 * it must say what the adapter serves (the inputs `check` accepts, the secrets, the functions).
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { schemaText } from "../../scripts/schema";
import { FUNCTIONS, V1_TRAINING_JOB, V2_TRAINING_JOB } from "../../provider/plugin/provider";
import { TRAINING_JOB_INPUT_KEYS as V2_KEYS } from "../../provider/v2/resource/inputs";
import { TRAINING_JOB_INPUT_KEYS as V1_KEYS } from "../../provider/v1/resource/inputs";
import { CONFIG_KEYS } from "../../provider/runtime";
import { SECRET_SETTINGS } from "../../provider/shared/api/config";

const ROOT = path.resolve(__dirname, "..", "..");
const AUTONAME_MARKS = new Set(["autonamePrefix", "autonameSeed", "jobNameAutonamed"]);

interface Schema {
  types: Record<string, unknown>;
  resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
  functions: Record<string, unknown>;
  config: { variables: Record<string, { secret?: boolean }> };
}

describe("plugin schema", function () {
  // The TypeScript compiler reads the sources: seconds on a loaded machine.
  this.timeout(120_000);
  let text: string;
  let schema: Schema;
  before(() => {
    text = schemaText(ROOT);
    schema = JSON.parse(text) as Schema;
  });

  it("schema.json is what the generator writes from the TypeScript shapes (run `npm run schema` after changing them)", () => {
    assert.equal(readFileSync(path.join(ROOT, "schema.json"), "utf8"), text);
  });

  it("each resource's inputs are the inputs check accepts, without the autonaming marks", () => {
    for (const [token, keys] of [
      [V2_TRAINING_JOB, V2_KEYS],
      [V1_TRAINING_JOB, V1_KEYS],
    ] as const) {
      const expected = keys.filter((k) => !AUTONAME_MARKS.has(k)).sort();
      assert.deepEqual(Object.keys(schema.resources[token]!.inputProperties).sort(), expected, token);
    }
  });

  it("the provider's settings are the modelarts:* keys, credentials marked secret", () => {
    assert.deepEqual(Object.keys(schema.config.variables).sort(), [...CONFIG_KEYS, "profiles"].sort());
    for (const [key, spec] of Object.entries(schema.config.variables)) {
      assert.equal(spec.secret === true, (SECRET_SETTINGS as readonly string[]).includes(key), key);
    }
  });

  it("lists the functions the plugin serves", () => {
    assert.deepEqual(Object.keys(schema.functions).sort(), [...FUNCTIONS].sort());
  });

  it("has no Any and no reference to a type it does not define", () => {
    assert.ok(!text.includes("pulumi.json#/Any"));
    for (const [, ref] of text.matchAll(/"\$ref": "#\/types\/([^"]+)"/g)) assert.ok(ref! in schema.types, ref);
  });
});
