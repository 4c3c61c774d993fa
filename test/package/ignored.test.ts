import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "./files";

describe("package: what git ignores", () => {
  it("ignores the tarball npm pack writes into the checkout", () => {
    const res = spawnSync("git", ["check-ignore", "--no-index", "-q", "pulumi-modelarts-0.1.0.tgz"], { cwd: REPO_ROOT });
    assert.equal(res.status, 0, "pulumi-modelarts-0.1.0.tgz is not git-ignored");
  });
});
