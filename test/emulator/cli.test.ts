import { strict as assert } from "node:assert";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CLI_FLAGS } from "../../emulator/cli";
import { EmulatorControl } from "../../emulator/index";
import { DEFAULT_V2_BEHAVIOUR } from "../../emulator/v2/behaviour";
import { expectedTarballFiles } from "../package/files";
import { PROJECT, jobBody } from "./helpers";

const CLI = resolve(__dirname, "../../dist/emulator/cli.js");

interface Started {
  child: ChildProcess;
  lines: string[];
  url: string;
  exit: Promise<number | null>;
}

/** Spawns the compiled CLI and waits (bounded) for its first two output lines. */
async function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const exit = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const lines = await new Promise<string[]>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`CLI did not print two lines in time; stdout=${out} stderr=${err}`)), 20_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const ls = out.split("\n");
      if (ls.length >= 3) {
        clearTimeout(timer);
        res(ls.slice(0, 2));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`CLI exited with ${code}; stdout=${out} stderr=${err}`));
    });
  });
  const m = /^ModelArts emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(lines[0] ?? "");
  assert.ok(m, `first line: ${lines[0]}`);
  return { child, lines, url: m[1] as string, exit };
}

async function stop(s: Started, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  s.child.kill(signal);
  return s.exit;
}

describe("emulator: command line", function () {
  this.timeout(60_000);

  before(function () {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  });

  it("prints the URL first, says it accepts any credentials second, serves the API and stops on SIGTERM with 0", async () => {
    const s = await startCli(["--port", "0"]);
    try {
      assert.match(s.lines[1] as string, /accepting any well-formed signature or token/);
      const res = await fetch(`${s.url}/v1/${PROJECT}/training-jobs`, { headers: { "x-auth-token": "t" } });
      assert.equal(res.status, 200);
    } finally {
      assert.equal(await stop(s), 0);
    }
  });

  it("--help describes both APIs and IAM, lists every v2 switch, and points at a document the package ships", () => {
    const res = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8" });
    assert.equal(res.status, 0);
    assert.match(res.stdout, /v1 \(old-version/);
    assert.match(res.stdout, /v2 \(new-version/);
    assert.match(res.stdout, /GET \/v3\b/);
    for (const key of Object.keys(DEFAULT_V2_BEHAVIOUR)) assert.match(res.stdout, new RegExp(`\\b${key}: `), `${key} is not in --help`);
    assert.doesNotMatch(res.stdout, /emulator\/README\.md/, "the package does not ship emulator/README.md");
    const shipped = /docs\/[a-z-]+\.md/.exec(res.stdout)?.[0];
    assert.ok(shipped, "--help names a page under docs/");
    assert.ok(expectedTarballFiles().includes(shipped), `the package ships ${shipped}`);
    assert.match(res.stdout, /MODELARTS_EMULATOR_SECRET_KEY, preferred/);
  });

  it("documents every option in --help", () => {
    const res = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8" });
    assert.equal(res.status, 0);
    for (const flag of CLI_FLAGS) assert.match(res.stdout, new RegExp(`--${flag}\\b`), `--${flag} is not in --help`);
    for (const required of [
      "--port",
      "--access-key",
      "--secret-key",
      "--project-id",
      "--delete-delay",
      "--job-duration",
      "--fault-rate",
      "--id-base",
      "--state-file",
    ]) {
      assert.ok(res.stdout.includes(required), required);
    }
  });

  it("rejects an unknown or bad option with exit code 2", () => {
    const unknown = spawnSync(process.execPath, [CLI, "--nope"], { encoding: "utf8" });
    assert.equal(unknown.status, 2);
    const bad = spawnSync(process.execPath, [CLI, "--fault-rate", "3"], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--fault-rate/);
  });

  it("takes the secret key from the environment, never prints it, and enforces it", async () => {
    const secret = "SKfromTheEnvironment0123456789abcdefgh";
    const s = await startCli(["--port", "0", "--access-key", "AKCLI000000000000001", "--project-id", PROJECT], {
      MODELARTS_EMULATOR_SECRET_KEY: secret,
    });
    try {
      assert.match(s.lines[1] as string, /1 access key/);
      assert.ok(!s.lines.join("\n").includes(secret));
      const res = await fetch(`${s.url}/v1/${PROJECT}/training-jobs`, { headers: { "x-auth-token": "not-issued" } });
      assert.equal(res.status, 401);
    } finally {
      assert.equal(await stop(s, "SIGINT"), 0);
    }
  });

  it("applies timing, id, string and fault options", async () => {
    const s = await startCli([
      "--port",
      "0",
      "--id-base",
      "9007199254740993",
      "--ids-as-strings",
      "--delete-delay",
      "120000",
      "--job-duration",
      "1000",
      "--frozen-clock",
      "--fault-rate",
      "1",
      "--fault-kinds",
      "503",
      "--fault-method",
      "PUT",
    ]);
    try {
      const control = new EmulatorControl(s.url);
      const b = await control.behaviour();
      assert.equal(b.deleteDelayMs, 120_000);
      assert.equal(b.jobDurationMs, 1_000);
      const created = await fetch(`${s.url}/v1/${PROJECT}/training-jobs`, {
        method: "POST",
        headers: { "x-auth-token": "t", "content-type": "application/json" },
        body: JSON.stringify(jobBody("cli-job")),
      });
      assert.match(await created.text(), /"job_id":"9007199254740993"/);
      const put = await fetch(`${s.url}/v1/${PROJECT}/training-jobs/9007199254740993`, {
        method: "PUT",
        headers: { "x-auth-token": "t", "content-type": "application/json" },
        body: JSON.stringify({ job_desc: "x" }),
      });
      assert.equal(put.status, 503);
      assert.equal((await control.clock()).frozen, true);
    } finally {
      assert.equal(await stop(s), 0);
    }
  });

  it("saves the state file on exit and loads it on the next start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
    const stateFile = join(dir, "state.json");
    try {
      const first = await startCli(["--port", "0", "--state-file", stateFile]);
      const created = await new EmulatorControl(first.url).createJob(PROJECT, jobBody("kept"));
      assert.equal(await stop(first), 0);
      const second = await startCli(["--port", "0", "--state-file", stateFile]);
      try {
        const jobs = await new EmulatorControl(second.url).jobs(PROJECT);
        assert.deepEqual(
          jobs.map((j) => [j.jobId, j.jobName]),
          [[created.jobId, "kept"]],
        );
      } finally {
        assert.equal(await stop(second), 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
