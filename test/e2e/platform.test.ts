/**
 * The platform promises under the real Pulumi CLI: the provider runs on the project's Node.js, and
 * user projects on each tested Node.js / @pulumi/pulumi pair (the current one and the floor), made
 * outside the checkout from the packed package, go through the whole lifecycle.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { API, checkPackageBuilt, pulumiCli, withScenario, type Scenario } from "./harness";
import { singleJob, jobConfig } from "./programs";
import { USER_PROJECT, userProject } from "./user-project";

const { majorOf, PRIMARY_MAJOR, MINIMUM_MAJOR } = require("../../scripts/ensure-node") as {
  majorOf(version: string): number;
  PRIMARY_MAJOR: number;
  MINIMUM_MAJOR: number;
};

/** The Node.js versions that the provider reported in the User-Agent of its API calls. */
function providerNodeVersions(s: Scenario): string[] {
  const agents = s.requests(undefined, API.jobs).map((r) => r.userAgent ?? "");
  return [...new Set(agents.map((a) => /\bnode\/(v\d+\.\d+\.\d+)/.exec(a)?.[1] ?? `none in "${a}"`))];
}

/** The newest @pulumi/pulumi 3.x is the one the checkout develops against (package-lock.json). */
const NEWEST_SDK: string = require("@pulumi/pulumi/package.json").version;
/** The tested floor of the peer range. */
const FLOOR_SDK = "3.248.0";

describe("e2e: the platform (Node.js and @pulumi/pulumi versions)", function () {
  this.timeout(20 * 60_000);
  let root: string;

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-platform-"));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it(`the dynamic provider of an e2e run runs on the project's Node.js (${PRIMARY_MAJOR} where the machine's is older than ${MINIMUM_MAJOR})`, async () => {
    // scripts/ensure-node.js, which `npm test` runs through, names the machine's own node.
    const machineNode = process.env.PULUMI_MODELARTS_HOST_NODE ?? process.execPath;
    const machineMajor = majorOf(execFileSync(machineNode, ["--version"], { encoding: "utf8" }));
    const expected = machineMajor >= MINIMUM_MAJOR ? machineMajor : PRIMARY_MAJOR;
    assert.equal(majorOf(process.version), expected, `the tests run on ${process.version}; the machine has Node ${machineMajor}`);
    await withScenario({ program: singleJob("platform", () => ({ args: { config: jobConfig() } })) }, async (s) => {
      await s.up();
      assert.deepEqual(providerNodeVersions(s), [process.version]);
    });
  });

  const pairs = [
    { node: PRIMARY_MAJOR, sdk: NEWEST_SDK, what: "the current platform" },
    { node: 22, sdk: NEWEST_SDK, what: "the other supported Node.js LTS" },
    { node: 20, sdk: FLOOR_SDK, what: "the tested floor" },
  ];
  for (const pair of pairs) {
    it(`a user project on Node ${pair.node} with @pulumi/pulumi ${pair.sdk} (${pair.what}) installs the packed package and goes through create, no-op, update, new version, refresh and destroy`, async () => {
      const project = await userProject(root, pair.node, pair.sdk);
      if (pair.node >= MINIMUM_MAJOR) {
        assert.doesNotMatch(project.installOutput, /EBADENGINE/, `npm install warned:\n${project.installOutput}`);
      }
      const installed = JSON.parse(fs.readFileSync(path.join(project.dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
      assert.equal(installed.version, pair.sdk);

      await withScenario({ projectDir: project.dir, pathPrefix: [project.bin] }, async (s) => {
        const up = await s.up();
        assert.deepEqual(up.summary.resourceChanges, { create: 2 });
        assert.equal(s.jobs().length, 1);
        const versions = providerNodeVersions(s);
        assert.equal(versions.length, 1, `one Node.js served the provider: ${versions.join(", ")}`);
        assert.equal(majorOf(versions[0]!), pair.node, `the provider ran on ${versions[0]}`);

        const preview = await s.preview();
        assert.deepEqual(preview.changeSummary, { same: 2 });

        await s.stack.setConfig(`${USER_PROJECT}:description`, { value: "changed in place" });
        const update = await s.up();
        assert.deepEqual(update.summary.resourceChanges, { same: 1, update: 1 });
        assert.equal(s.jobs()[0]?.jobDesc, "changed in place");

        await s.stack.setConfig(`${USER_PROJECT}:epochs`, { value: "2" });
        const version = await s.up();
        assert.deepEqual(version.summary.resourceChanges, { same: 1, update: 1 });
        assert.equal(version.outputs["versionName"]?.value, "V0002");
        assert.equal(s.jobs().length, 1, "a new version of the same job, not a second job");

        const refresh = await s.refresh();
        assert.deepEqual(refresh.summary.resourceChanges, { same: 2 });

        const destroy = await s.destroy();
        assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
        assert.equal(s.jobs().length, 0);
        assert.equal(s.requests("POST", API.jobs).length, 1, "exactly one job was ever submitted");
      });
    });
  }
});
