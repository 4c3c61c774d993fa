import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { acquireLock, ensurePulumi, pinnedPulumiVersion, pulumiEnv } from "../../scripts/ensure-pulumi";

const EXECUTABLES = ["pulumi", "pulumi-language-nodejs", "pulumi-language-python", "pulumi-language-go", "pulumi-resource-pulumi-nodejs"];
const REPO_ROOT = path.resolve(__dirname, "..", "..");

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

describe("scripts/ensure-pulumi", function () {
  // The first call on a machine compiles the Pulumi CLI from source (several minutes).
  this.timeout(30 * 60 * 1000);

  const version = pinnedPulumiVersion();
  let binDir = "";
  let fromCache = false;

  before(async function () {
    const lines: string[] = [];
    binDir = await ensurePulumi({
      log: (line) => {
        lines.push(line);
        process.stderr.write(`      ensure-pulumi: ${line}\n`);
      },
    });
    fromCache = fs.existsSync(path.join(binDir, "..", "manifest.json"));
  });

  it("returns an absolute folder holding pulumi, the Node.js, Python and Go language hosts and the dynamic provider shim", function () {
    assert.ok(path.isAbsolute(binDir), binDir);
    for (const exe of EXECUTABLES) {
      assert.ok(isExecutable(path.join(binDir, exe)), `${exe} missing or not executable in ${binDir}`);
    }
  });

  it("provides the CLI at the version of the installed @pulumi/pulumi", function () {
    const out = execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8", env: pulumiEnv(binDir) }).trim();
    if (fromCache) {
      assert.equal(out, `v${version}`);
      for (const exe of ["pulumi-language-nodejs", "pulumi-language-python", "pulumi-language-go"]) {
        const host = execFileSync(path.join(binDir, exe), ["-version"], { encoding: "utf8" }).trim();
        assert.equal(host, `v${version}`, exe);
      }
      // The Python and Go hosts live in the CLI's folder (the Node.js host's folder, returned, links them).
      const cliDir = path.join(path.dirname(path.dirname(binDir)), `pulumi-v${version}`);
      const hosts = JSON.parse(fs.readFileSync(path.join(cliDir, "hosts.json"), "utf8")) as { version: string };
      assert.equal(hosts.version, version, "the Python and Go hosts have a manifest of their own");
    } else {
      // A pulumi from PATH only has to match major.minor.
      assert.match(out, new RegExp(`^v?${version.split(".").slice(0, 2).join("\\.")}\\.`));
    }
  });

  it("reuses the build on later calls instead of rebuilding", async function () {
    const manifest = path.join(binDir, "..", "manifest.json");
    const before = fromCache ? fs.statSync(manifest).mtimeMs : 0;
    const lines: string[] = [];
    const again = await ensurePulumi({ log: (line) => lines.push(line) });
    assert.equal(again, binDir);
    assert.ok(!lines.some((l) => /compiling|building/.test(l)), `rebuilt:\n${lines.join("\n")}`);
    assert.ok(
      lines.some((l) => /^using (cached Pulumi CLI|pulumi .* from PATH)/.test(l)),
      lines.join("\n"),
    );
    if (fromCache) assert.equal(fs.statSync(manifest).mtimeMs, before);
  });

  it("keeps the Node.js language host in a folder of its own, beside the same CLI files as the CLI's cache folder", function () {
    if (!fromCache) this.skip();
    const cliBin = path.join(path.dirname(binDir), "..", `pulumi-v${version}`, "bin");
    assert.match(path.basename(path.dirname(binDir)), new RegExp(`^pulumi-v${version.replace(/\./g, "\\.")}-nodejs-[0-9a-f]{16}$`));
    for (const exe of ["pulumi", "pulumi-resource-pulumi-nodejs"]) {
      const here = fs.statSync(path.join(binDir, exe));
      const there = fs.statSync(path.join(cliBin, exe));
      assert.equal(here.ino, there.ino, `${exe} is not the CLI cache's file`);
    }
  });

  it("replaces a CLI file beside the host that no longer matches the CLI's (a rebuilt CLI)", async function () {
    if (!fromCache) this.skip();
    const shim = path.join(binDir, "pulumi-resource-pulumi-nodejs");
    fs.rmSync(shim);
    fs.writeFileSync(shim, "#!/bin/sh\nexit 7\n", { mode: 0o755 });
    assert.equal(await ensurePulumi({ log: () => {} }), binDir);
    const cliShim = path.join(path.dirname(binDir), "..", `pulumi-v${version}`, "bin", "pulumi-resource-pulumi-nodejs");
    assert.equal(fs.statSync(shim).ino, fs.statSync(cliShim).ino);
  });

  it("starts the Node.js language host with the old single-dash -name=value flags and unknown ones", function () {
    const out = execFileSync(
      path.join(binDir, "pulumi-language-nodejs"),
      ["-root=/nowhere", "-typescript=false", "-tsconfig=tsconfig.json", "-some-future-option=1", "-version"],
      { encoding: "utf8" },
    ).trim();
    assert.match(out, /^v\d+\.\d+\.\d+/);
  });

  it("runs a Pulumi program with a dynamic resource on a local backend", function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ensure-pulumi-test-"));
    try {
      const project = path.join(tmp, "project");
      fs.mkdirSync(project);
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
      fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: ensure-pulumi-test\nruntime: nodejs\n");
      fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "ensure-pulumi-test", main: "index.js" }));
      fs.writeFileSync(
        path.join(project, "index.js"),
        [
          'const pulumi = require("@pulumi/pulumi");',
          "const provider = { async create(inputs) { return { id: 'x', outs: { greeting: 'hello ' + inputs.who } }; } };",
          "class Greeting extends pulumi.dynamic.Resource {",
          "  constructor(name, args) { super(provider, name, { greeting: undefined, ...args }); }",
          "}",
          "const g = new Greeting('g', { who: new pulumi.Config().require('who') });",
          "exports.answer = 42;",
          "exports.greeting = g.greeting;",
          "",
        ].join("\n"),
      );
      const env = {
        ...pulumiEnv(binDir),
        PULUMI_HOME: path.join(tmp, "home"),
        PULUMI_CONFIG_PASSPHRASE: "test",
        PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
      };
      fs.mkdirSync(path.join(tmp, "state"));
      const pulumi = (...args: string[]) =>
        execFileSync(path.join(binDir, "pulumi"), [...args, "--non-interactive"], {
          cwd: project,
          env,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
      pulumi("stack", "init", "dev");
      pulumi("config", "set", "who", "world");
      pulumi("up", "--yes", "--skip-preview");
      const outputs = JSON.parse(pulumi("stack", "output", "--json")) as Record<string, unknown>;
      assert.deepEqual(outputs, { answer: 42, greeting: "hello world" });
      pulumi("destroy", "--yes", "--skip-preview");
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("generates the Python and Go SDKs from the plugin's schema, versioned as the schema (pulumi package gen-sdk)", function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ensure-pulumi-gen-sdk-"));
    try {
      const schema = path.join(REPO_ROOT, "schema.json");
      const schemaVersion = (JSON.parse(fs.readFileSync(schema, "utf8")) as { version: string }).version;
      for (const language of ["python", "go"]) {
        execFileSync(path.join(binDir, "pulumi"), ["package", "gen-sdk", schema, "--language", language, "--out", tmp], {
          env: { ...pulumiEnv(binDir), PULUMI_HOME: path.join(tmp, "home") },
          stdio: ["ignore", "pipe", "pipe"],
        });
      }
      const pyproject = fs.readFileSync(path.join(tmp, "python", "pyproject.toml"), "utf8");
      assert.match(pyproject, /name = "pulumi_modelarts"/);
      assert.match(pyproject, new RegExp(`version = "${schemaVersion.replace(/\./g, "\\.")}"`));
      assert.ok(fs.existsSync(path.join(tmp, "python", "pulumi_modelarts", "v2", "training_job.py")));
      assert.match(
        fs.readFileSync(path.join(tmp, "python", "pulumi_modelarts", "v2", "_inputs.py"), "utf8"),
        /class AlgorithmArgsDict\(TypedDict\)/,
      );
      assert.match(fs.readFileSync(path.join(tmp, "go", "go.mod"), "utf8"), /^module pulumi-modelarts\.local\/sdk\/go$/m);
      assert.ok(fs.existsSync(path.join(tmp, "go", "modelarts", "v2", "trainingJob.go")));
      const plugin = JSON.parse(fs.readFileSync(path.join(tmp, "go", "modelarts", "pulumi-plugin.json"), "utf8")) as {
        name: string;
        version: string;
      };
      assert.deepEqual([plugin.name, plugin.version], ["modelarts", schemaVersion]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  describe("build lock", function () {
    let dir = "";
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ensure-pulumi-lock-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("makes a second holder wait until the first releases", async function () {
      const lock = path.join(dir, "x.lock");
      const release1 = await acquireLock(lock, () => {}, 60_000);
      const waits: string[] = [];
      let second = false;
      const pending = acquireLock(lock, (l) => waits.push(l), 60_000).then((release) => {
        second = true;
        return release;
      });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(second, false, "second holder got the lock while the first held it");
      assert.ok(
        waits.some((l) => /waiting for another process/.test(l)),
        waits.join("\n"),
      );
      release1();
      const release2 = await pending;
      assert.ok(second);
      release2();
      assert.ok(!fs.existsSync(lock));
    });

    it("takes over a lock left by a process that is gone", async function () {
      const lock = path.join(dir, "y.lock");
      // A pid that is not running: a child that has already exited.
      const gone = execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
      fs.writeFileSync(lock, JSON.stringify({ pid: Number(gone), host: os.hostname(), since: Date.now() }));
      const lines: string[] = [];
      const release = await acquireLock(lock, (l) => lines.push(l), 10_000);
      assert.ok(
        lines.some((l) => /stale lock/.test(l)),
        lines.join("\n"),
      );
      release();
    });

    it("gives up after the timeout", async function () {
      const lock = path.join(dir, "z.lock");
      const release = await acquireLock(lock, () => {}, 60_000);
      await assert.rejects(
        acquireLock(lock, () => {}, 500),
        /timed out/,
      );
      release();
    });
  });
});
