/**
 * The repository stands on its own: no tracked file points at notes outside it (the API facts live
 * in docs/api-v1.md). The patterns are assembled from parts so that this file does not match itself.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const SHARED = ["shared", "/"].join("");
const OUTSIDE = [
  // The package's own `provider/shared/` is ours: only the work area's notes next to the checkout are outside.
  {
    what: "a path into the work area's shared notes",
    pattern: new RegExp(`\\.\\./${SHARED}(${["modelarts", "api"].join("-")}|${["STY", "LE"].join("")})`),
  },
  { what: "an absolute path into the work area", pattern: new RegExp(`/work/${SHARED}`) },
  { what: "the team's former API digest", pattern: new RegExp(["modelarts", "api\\.md"].join("-")) },
];

function trackedFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
  return out.split("\0").filter((f) => f !== "" && !f.endsWith("package-lock.json"));
}

describe("repository self-containment", () => {
  it("lists the tracked files (so the check below has something to check)", () => {
    const files = trackedFiles();
    assert.ok(files.includes("docs/api-v1.md"), "docs/api-v1.md is tracked");
    assert.ok(files.length > 50, `only ${files.length} tracked files`);
  });

  it("has no tracked file that refers to a path outside the repository", () => {
    const offenders: string[] = [];
    for (const file of trackedFiles()) {
      const text = readFileSync(join(ROOT, file), "utf8");
      if (text.includes("\0")) continue; // binary
      text.split("\n").forEach((line, i) => {
        for (const { what, pattern } of OUTSIDE) if (pattern.test(line)) offenders.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offenders, []);
  });
});
