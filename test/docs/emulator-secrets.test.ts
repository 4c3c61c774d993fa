/**
 * No recipe in the documentation starts the emulator with a secret on its command line, where `ps`
 * shows it to every user of the machine: the keys go in the environment.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const STARTS_EMULATOR = /(emulator\/cli\.js|modelarts-emulator)\b/;
const SECRET_FLAG = /--(secret-key|password|security-token)[ =]\S/;

describe("documentation: emulator recipes", () => {
  it("keep the emulator's secrets off its command line", () => {
    const docs = execFileSync("git", ["ls-files", "*.md"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
    assert.ok(docs.includes("README.md"));
    const offending: string[] = [];
    for (const file of docs) {
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (STARTS_EMULATOR.test(line) && SECRET_FLAG.test(line)) offending.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offending, []);
  });
});
