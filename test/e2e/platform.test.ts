/**
 * The platform promises under the real Pulumi CLI: the provider runs on the project's Node.js, and
 * user projects on each tested Node.js / @pulumi/pulumi pair (the current one and the floor), made
 * outside the checkout from the packed package, install it with no warning from npm and go through
 * the whole lifecycle; a project installs it from a git URL too.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { API, REPO_ROOT, checkPackageBuilt, pulumiCli, withScenario, type Scenario } from "./harness";
import { singleJob, jobConfig } from "./programs";
import { INSTALL_COMMAND, missingEmulatorDependency } from "../../emulator/dependencies";
import { expectedTarballFiles, fileList } from "../package/files";
import {
  USER_PROJECT,
  gitSnapshot,
  nodeBin,
  npmInstall,
  packedPackage,
  removePackedPackage,
  userNpmEnv,
  userProject,
  writeUserProject,
  type UserProject,
} from "./user-project";

const { majorOf, PRIMARY_MAJOR, MINIMUM_MAJOR } = require("../../scripts/ensure-node.js") as {
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

/** The lines of an npm install's output other than its summary ("added 139 packages in 8s"). */
function npmNoise(output: string): string[] {
  return output.split("\n").filter((line) => line.trim() !== "" && !/^(added|removed|changed) \d+ packages?\b|^up to date\b/.test(line));
}

/** What the emulator's entry points say where fastify is not installed. */
function cliMessage(): string {
  const message: string | undefined = missingEmulatorDependency(() => {
    throw Object.assign(new Error("Cannot find module 'fastify/package.json'"), { code: "MODULE_NOT_FOUND" });
  });
  if (!message?.endsWith(INSTALL_COMMAND)) throw new assert.AssertionError({ message: `unexpected message: ${message}` });
  return message;
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** Runs `node args` in `dir` on the project's Node.js (bounded); returns its exit code and output. */
function runNode(dir: string, bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(path.join(bin, "node"), args, { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("e2e: the platform (Node.js and @pulumi/pulumi versions)", function () {
  this.timeout(20 * 60_000);
  let root: string;

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-platform-"));
  });
  after(async () => {
    fs.rmSync(root, { recursive: true, force: true });
    await removePackedPackage();
  });

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
  const projects = new Map<number, Promise<UserProject>>();
  /** The user project of a pair, made and installed once and shared by the pair's tests. */
  const projectFor = (pair: { node: number; sdk: string }) => {
    if (!projects.has(pair.node)) projects.set(pair.node, userProject(root, pair.node, pair.sdk));
    return projects.get(pair.node)!;
  };

  it("npm pack, run as a user runs it, builds a tarball of exactly the compiled provider and emulator, README, LICENSE and a package.json without scripts, and leaves the checkout's package.json as it was", async () => {
    const before = fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8");
    const { tarball, result } = await packedPackage();
    assert.deepEqual(fileList(result), expectedTarballFiles());
    const packedJson = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
    assert.equal(packedJson.scripts, undefined);
    assert.deepEqual(packedJson.dependencies, JSON.parse(before).dependencies);
    assert.equal(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"), before);
    assert.equal(fs.existsSync(path.join(REPO_ROOT, "package.json.unpacked")), false);
  });

  for (const pair of pairs) {
    it(`a user project on Node ${pair.node} with @pulumi/pulumi ${pair.sdk} installs the packed package with no warning at all from npm, gets exactly the tarball's files and no fastify, and the emulator's entry points name the command that installs it`, async () => {
      const project = await projectFor(pair);
      assert.deepEqual(npmNoise(project.installOutput), [], `npm install printed:\n${project.installOutput}`);
      const installedDir = path.join(project.dir, "node_modules", "pulumi-modelarts");
      assert.deepEqual(filesUnder(installedDir), expectedTarballFiles());
      assert.equal(
        fs.existsSync(path.join(project.dir, "node_modules", "fastify")),
        false,
        "fastify was installed for a user of the resource",
      );

      const resource = runNode(project.dir, project.bin, ["-e", 'process.stdout.write(typeof require("pulumi-modelarts").TrainingJob)']);
      assert.equal(resource.stdout, "function", resource.stderr);
      const cli = runNode(project.dir, project.bin, [path.join("node_modules", ".bin", "modelarts-emulator"), "--port", "0"]);
      assert.equal(cli.status, 1, cli.stdout + cli.stderr);
      assert.equal(cli.stderr.trim(), `modelarts-emulator: ${cliMessage()}`);
      const library = runNode(project.dir, project.bin, [
        "-e",
        'try { require("pulumi-modelarts/emulator") } catch (e) { process.stdout.write(e.name + ": " + e.message) }',
      ]);
      assert.equal(library.stdout, `EmulatorDependencyError: ${cliMessage()}`, library.stderr);
    });

    it(`a user project on Node ${pair.node} with @pulumi/pulumi ${pair.sdk} (${pair.what}) installs the packed package and goes through create, no-op, update, new version, refresh and destroy`, async () => {
      const project = await projectFor(pair);
      const installed = JSON.parse(fs.readFileSync(path.join(project.dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
      assert.equal(installed.version, pair.sdk);

      await withScenario({ projectDir: project.dir, pathPrefix: [project.bin] }, async (s) => {
        const up = await s.up();
        assert.deepEqual(up.summary.resourceChanges, { create: 3 });
        assert.equal(s.jobs().length, 1);
        const versions = providerNodeVersions(s);
        assert.equal(versions.length, 1, `one Node.js served the provider: ${versions.join(", ")}`);
        assert.equal(majorOf(versions[0]!), pair.node, `the provider ran on ${versions[0]}`);

        const preview = await s.preview();
        assert.deepEqual(preview.changeSummary, { same: 3 });

        await s.stack.setConfig(`${USER_PROJECT}:description`, { value: "changed in place" });
        const update = await s.up();
        assert.deepEqual(update.summary.resourceChanges, { same: 2, update: 1 });
        assert.equal(s.jobs()[0]?.jobDesc, "changed in place");

        await s.stack.setConfig(`${USER_PROJECT}:epochs`, { value: "2" });
        const version = await s.up();
        assert.deepEqual(version.summary.resourceChanges, { same: 2, update: 1 });
        assert.equal(version.outputs["versionName"]?.value, "V0002");
        assert.equal(s.jobs().length, 1, "a new version of the same job, not a second job");

        const refresh = await s.refresh();
        assert.deepEqual(refresh.summary.resourceChanges, { same: 3 });

        const destroy = await s.destroy();
        assert.deepEqual(destroy.summary.resourceChanges, { delete: 3 });
        assert.equal(s.jobs().length, 0);
        assert.equal(s.requests("POST", API.jobs).length, 1, "exactly one job was ever submitted");
      });
    });
  }

  it(`a user project on Node ${PRIMARY_MAJOR} installs the package from a git URL: npm runs its prepare, which builds it, and gets exactly the tarball's files`, async () => {
    const url = await gitSnapshot(root);
    const dir = path.join(root, "user-git");
    writeUserProject(dir);
    const bin = nodeBin(PRIMARY_MAJOR, root);
    const output = await npmInstall(dir, userNpmEnv(root, bin), [`@pulumi/pulumi@${NEWEST_SDK}`, url]);
    // A git install does run the package's prepare (it builds dist/), so npm rightly lists it for review.
    const advisory = npmNoise(output).filter((line) => !/^npm warn install-scripts\b/.test(line));
    assert.deepEqual(advisory, [], `npm install printed:\n${output}`);
    assert.match(output, /pulumi-modelarts@[^ ]+ \(prepare: npm run build/);
    assert.doesNotMatch(output, /protobufjs@/, "the user's allowScripts covers protobufjs");
    const installedDir = path.join(dir, "node_modules", "pulumi-modelarts");
    assert.deepEqual(filesUnder(installedDir), expectedTarballFiles());
    const resource = runNode(dir, bin, ["-e", 'process.stdout.write(typeof require("pulumi-modelarts").TrainingJob)']);
    assert.equal(resource.stdout, "function", resource.stderr);
  });
});
