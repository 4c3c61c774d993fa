/**
 * The README and the guide show programs the end-to-end suite runs, not hand-written twins:
 * - the README's "A training job in each language" shows one block per language (TypeScript, Python,
 *   Go, YAML), each a verbatim part of that language's v2 example;
 * - docs/getting-started.md's usage section shows TypeScript and JavaScript blocks, each part of an
 *   example (test/e2e/examples.test.ts) or of the user projects' program (test/e2e/platform.test.ts);
 * - docs/resources.md's "Which resource to choose" shows a v2 program that is part of a v2 example;
 * and every example named is run by an end-to-end suite.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { INSTALL_COMMAND } from "../../emulator/dependencies";
import { REPO_ROOT } from "./files";

const read = (rel: string): string => fs.readFileSync(path.join(REPO_ROOT, rel), "utf8");

/** The text of the section under `## heading` of a Markdown file, up to the next `## `. */
function section(file: string, heading: string): string {
  const text = read(file);
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.notEqual(start, -1, `${file} has no section "${heading}"`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

/** The fenced code blocks of `text` in the given languages. */
function codeBlocks(text: string, languages: string[]): Array<{ language: string; code: string }> {
  return [...text.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)]
    .filter((m) => languages.includes(m[1]!))
    .map((m) => ({ language: m[1]!, code: m[2]! }));
}

const EXAMPLE_DIRS = fs.readdirSync(path.join(REPO_ROOT, "examples")).sort();
const TS_EXAMPLES = EXAMPLE_DIRS.map((name) => path.join("examples", name, "index.ts")).filter((f) =>
  fs.existsSync(path.join(REPO_ROOT, f)),
);
const USER_PROGRAM = path.join("test", "e2e", "user-program", "index.js");

/** The program of each language's v2 example, which the README's blocks come from. */
const LANGUAGE_EXAMPLES: Record<string, string> = {
  ts: "examples/v2-basic/index.ts",
  python: "examples/python-v2/__main__.py",
  go: "examples/go-v2/main.go",
  yaml: "examples/yaml-v2/Pulumi.yaml",
};

describe("package: the programs the README and the guide show", () => {
  it("the README shows one v2 job per language, each a verbatim part of that language's example", () => {
    const blocks = codeBlocks(section("README.md", "A training job in each language"), Object.keys(LANGUAGE_EXAMPLES));
    assert.deepEqual(
      blocks.map((b) => b.language),
      ["ts", "python", "go", "yaml"],
    );
    for (const block of blocks) {
      const example = LANGUAGE_EXAMPLES[block.language]!;
      assert.ok(read(example).includes(block.code), `this ${block.language} block is not part of ${example}:\n${block.code}`);
      assert.match(block.code, /TrainingJob/, `the ${block.language} block declares a training job`);
    }
  });

  it("the guide's usage section shows TypeScript and JavaScript, each a verbatim part of a program the end-to-end suite runs", () => {
    const blocks = codeBlocks(section("docs/getting-started.md", "Using it in your Pulumi project"), ["ts", "js"]);
    assert.deepEqual(
      blocks.map((b) => b.language),
      ["ts", "js"],
    );
    for (const block of blocks) {
      const home = [...TS_EXAMPLES, USER_PROGRAM].find((file) => read(file).includes(block.code));
      assert.ok(home, `this ${block.language} block is in no example and not the user program:\n${block.code}`);
    }
  });

  it("Which resource to choose shows a v2 program that is a verbatim part of a v2 example", () => {
    const blocks = codeBlocks(section("docs/resources.md", "Which resource to choose"), ["ts", "js"]);
    assert.ok(blocks.length >= 1, "the section shows how to declare a v2.TrainingJob");
    const v2Examples = TS_EXAMPLES.filter((file) => path.basename(path.dirname(file)).startsWith("v2-"));
    for (const block of blocks) {
      assert.match(block.code, /new v2\.TrainingJob\(/);
      assert.ok(
        v2Examples.some((file) => read(file).includes(block.code)),
        `this ${block.language} block is in no v2 example:\n${block.code}`,
      );
    }
  });

  it("every example is run by an end-to-end suite, and so is the user projects' program", () => {
    const e2e = path.join(REPO_ROOT, "test", "e2e");
    const suites = fs
      .readdirSync(e2e)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => fs.readFileSync(path.join(e2e, f), "utf8"))
      .join("\n");
    for (const name of EXAMPLE_DIRS) {
      assert.ok(
        suites.includes(`"examples", "${name}"`) || suites.includes(`examples/${name}`) || suites.includes(`"${name}"`),
        `examples/${name} is run by no suite under test/e2e`,
      );
    }
    assert.match(read("test/e2e/user-project.ts"), /"user-program", "index\.js"/);
  });

  it("sets every credential as a secret, since the state records the stack configuration", () => {
    const text = [read("README.md"), read("docs/getting-started.md")].join("\n");
    const sets = [...text.matchAll(/pulumi config set ([^\n;]*)/g)].map((m) => m[1]!);
    const credentials = sets.filter((s) => /modelarts:(accessKey|secretKey|securityToken|password|token)\b/.test(s));
    assert.ok(credentials.length >= 4, "the README and the guide configure an access key and a secret key");
    for (const line of credentials) assert.match(line, /^--secret /, `pulumi config set ${line}`);
  });

  it("names the command that installs the emulator's dependency, as its entry points do", () => {
    assert.ok(read("README.md").includes(INSTALL_COMMAND), `README: ${INSTALL_COMMAND}`);
    assert.ok(section("docs/getting-started.md", "Using it in your Pulumi project").includes(INSTALL_COMMAND), INSTALL_COMMAND);
  });

  it("keeps the README short: at most about 300 lines, the rest in docs/", () => {
    const lines = read("README.md").split("\n").length;
    assert.ok(lines <= 310, `README.md has ${lines} lines`);
  });
});
