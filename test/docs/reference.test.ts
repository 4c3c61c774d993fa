/**
 * The reference pages under docs/reference/ are generated from the committed package schema and the
 * examples (scripts/gen-reference.ts): regenerating them must give exactly the committed files, so the
 * reference can never drift from what every language's SDK is generated from.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  examplePrograms,
  goName,
  pythonName,
  referencePages,
  REFERENCE_DIR,
  SCHEMA_PATH,
  type PackageSchema,
} from "../../scripts/gen-reference";

describe("docs: the reference pages", () => {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as PackageSchema;

  it("regenerate identically from the schema and the examples (run `npm run gen:reference` after a change)", async function () {
    this.timeout(120_000);
    const pages = await referencePages(schema, examplePrograms(schema));
    const committed = fs
      .readdirSync(REFERENCE_DIR)
      .filter((f) => f.endsWith(".md"))
      .sort();
    assert.deepEqual(committed, [...pages.keys()].sort(), "the same pages");
    for (const [file, text] of pages) {
      assert.equal(fs.readFileSync(path.join(REFERENCE_DIR, file), "utf8"), text, `docs/reference/${file} is stale`);
    }
  });

  it("document every input and output of every resource, and every function", async function () {
    this.timeout(120_000);
    const pages = await referencePages(schema, examplePrograms(schema));
    const all = [...pages.values()].join("\n");
    for (const [token, resource] of Object.entries(schema.resources ?? {})) {
      for (const name of [...Object.keys(resource.inputProperties ?? {}), ...Object.keys(resource.properties ?? {})]) {
        assert.ok(all.includes(`**\`${name}\`**`), `${token}.${name} is documented`);
      }
    }
    for (const token of Object.keys(schema.functions ?? {})) assert.ok(all.includes(`\`${token}\``), `${token} is documented`);
  });

  it("name each property as the Python and Go code generators do", () => {
    assert.equal(pythonName("flavorId"), "flavor_id");
    assert.equal(pythonName("logExportPath"), "log_export_path");
    assert.equal(pythonName("jobId"), "job_id");
    assert.equal(pythonName("obsURL"), "obs_url");
    assert.equal(goName("flavorId"), "FlavorId");
  });
});
