/**
 * The README's usage section shows programs the end-to-end suite runs, not hand-written twins: each
 * of its TypeScript and JavaScript blocks is part of an example (test/e2e/examples.test.ts) or of
 * the user projects' program (test/e2e/platform.test.ts); the v2 program of "Which resource to
 * choose" is part of a v2 example.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { INSTALL_COMMAND } from "../../emulator/dependencies";
import { REPO_ROOT } from "./files";

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** The text of the README section under `## heading`, up to the next `## `. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  assert.notEqual(start, -1, `README has no section "${heading}"`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

/** The fenced code blocks of `text` in the given languages. */
function codeBlocks(text: string, languages: string[]): Array<{ language: string; code: string }> {
  return [...text.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)]
    .filter((m) => languages.includes(m[1]!))
    .map((m) => ({ language: m[1]!, code: m[2]! }));
}

const USING = section("Using it in your Pulumi project");
const EXAMPLES = fs.readdirSync(path.join(REPO_ROOT, "examples")).map((name) => path.join(REPO_ROOT, "examples", name, "index.ts"));
const USER_PROGRAM = path.join(REPO_ROOT, "test", "e2e", "user-program", "index.js");
const RUN_BY_E2E = [...EXAMPLES, USER_PROGRAM].filter((f) => fs.existsSync(f));

describe("package: the README's usage section", () => {
  it("shows TypeScript and JavaScript programs, each a verbatim part of a program the end-to-end suite runs", () => {
    const blocks = codeBlocks(USING, ["ts", "js"]);
    assert.deepEqual(
      blocks.map((b) => b.language),
      ["ts", "js"],
    );
    for (const block of blocks) {
      const home = RUN_BY_E2E.find((file) => fs.readFileSync(file, "utf8").includes(block.code));
      assert.ok(home, `this ${block.language} block is in no example and not the user program:\n${block.code}`);
    }
  });

  it("names programs that the end-to-end suite does run", () => {
    const examplesTest = fs.readFileSync(path.join(REPO_ROOT, "test", "e2e", "examples.test.ts"), "utf8");
    for (const example of EXAMPLES.filter((file) => fs.existsSync(file))) {
      assert.match(examplesTest, new RegExp(`"examples", "${path.basename(path.dirname(example))}"`));
    }
    // The Python and Go examples have suites of their own (test/e2e/python.test.ts, go.test.ts).
    const e2e = path.join(REPO_ROOT, "test", "e2e");
    const suites = fs
      .readdirSync(e2e)
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => fs.readFileSync(path.join(e2e, f), "utf8"));
    for (const other of EXAMPLES.filter((file) => !fs.existsSync(file)).map((file) => path.basename(path.dirname(file)))) {
      assert.ok(
        suites.some((text) => text.includes(`"${other}"`)),
        `examples/${other} is run by no end-to-end suite`,
      );
    }
    const userProject = fs.readFileSync(path.join(REPO_ROOT, "test", "e2e", "user-project.ts"), "utf8");
    assert.match(userProject, /"user-program", "index\.js"/);
  });

  it("shows in Which resource to choose a v2 program that is a verbatim part of a v2 example the end-to-end suite runs", () => {
    const blocks = codeBlocks(section("Which resource to choose"), ["ts", "js"]);
    assert.ok(blocks.length >= 1, "the section shows how to declare a v2.TrainingJob");
    const v2Examples = EXAMPLES.filter((file) => path.basename(path.dirname(file)).startsWith("v2-") && fs.existsSync(file));
    for (const block of blocks) {
      assert.match(block.code, /new v2\.TrainingJob\(/);
      const home = v2Examples.find((file) => fs.readFileSync(file, "utf8").includes(block.code));
      assert.ok(home, `this ${block.language} block is in no v2 example:\n${block.code}`);
    }
  });

  it("sets every credential as a secret, since the state records the stack configuration", () => {
    const sets = [...USING.matchAll(/^pulumi config set (.*)$/gm)].map((m) => m[1]!);
    const credentials = sets.filter((s) => /modelarts:(accessKey|secretKey|securityToken|password|token)\b/.test(s));
    assert.ok(credentials.length >= 2, "the section configures an access key and a secret key");
    for (const line of credentials) assert.match(line, /^--secret /, `pulumi config set ${line}`);
  });

  it("names the command that installs the emulator's dependency, as its entry points do", () => {
    assert.ok(USING.includes(INSTALL_COMMAND), INSTALL_COMMAND);
  });
});
