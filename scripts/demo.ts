/**
 * `npm start`: the first five minutes, with no cloud account. Builds (or reuses) the Pulumi CLI,
 * starts the ModelArts emulator in this process, runs `pulumi up` on examples/v2-basic (a
 * v2.TrainingJob) or, with `--api v1`, on the root Pulumi.yaml program (examples/basic, a v1 TrainingJob),
 * with a local backend in `.demo/`, shows the job as the emulator sees it, refreshes, and runs
 * `pulumi destroy`. Everything is shut down at the end, and on Ctrl-C.
 *
 * With `--lang python`, `go` or `yaml` the program is examples/<lang>-v2 instead: the demo runs
 * `npm run dist` (the plugin archive and the SDKs), installs the plugin from the archive into
 * `.demo/home`, and runs a copy of the example in `.demo/` (with a virtualenv holding the wheel, a
 * go.mod pointing at the Go SDK, or the YAML language host on PATH).
 *
 * Options: `--api v1|v2` (`npm start -- --api v1`; default v2), `--lang typescript|python|go|yaml`
 * (default typescript). Environment: DEMO_JOB_SECONDS (how long the emulated job runs, default 30).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { phaseLabel } from "../provider/v2/resource/phase";
import { statusName } from "../provider/v1/api/status";
import { demoArgs, type Api, type DemoArgs, type Lang } from "./demo-args";
import { ensurePulumi, ensureYamlHost } from "./ensure-pulumi";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const DEMO_DIR = path.join(REPO_ROOT, ".demo");
const STACK = "demo";
const CONFIG_FILE = path.join(DEMO_DIR, `Pulumi.${STACK}.yaml`);
const PROJECT_ID = "0123456789abcdef0123456789abcdef";

/** What differs between the two walkthroughs. */
interface Walkthrough {
  /** The Pulumi project folder the CLI runs in. */
  projectDir: string;
  /** How the program is named in the steps. */
  program: string;
  resource: string;
  apiName: string;
  describeJobs(emulator: RunningEmulator): void;
  /** True once the job runs (or has already ended). */
  running(emulator: RunningEmulator): boolean;
  phases: string;
  destroyWhy: string;
}

const tty = process.stdout.isTTY === true;
const bold = (text: string) => (tty ? `\x1b[1m${text}\x1b[0m` : text);
const dim = (text: string) => (tty ? `\x1b[2m${text}\x1b[0m` : text);

function say(...lines: string[]): void {
  for (const line of lines) console.log(`  ${line}`);
}
let stepNo = 0;
function step(title: string, ...why: string[]): void {
  console.log(`\n${bold(`[${++stepNo}/6] ${title}`)}`);
  say(...why.map(dim));
}

/** Ctrl-C: the first one lets the running pulumi command cancel cleanly, a second one kills it. */
class Interrupted extends Error {
  override readonly name = "Interrupted";
}
let interrupts = 0;
let child: ChildProcess | undefined;

function onSignal(signal: NodeJS.Signals): void {
  interrupts += 1;
  if (!child || child.exitCode !== null) return;
  if (interrupts === 1) {
    console.log(`\n  ${signal}: asking pulumi to stop (press Ctrl-C again to kill it)…`);
    child.kill("SIGINT");
  } else if (child.pid !== undefined) {
    // The child leads a process group of its own (detached): end it together with its plugins.
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }
}

/** Runs the Pulumi CLI with its output on this terminal; rejects on a non-zero exit. */
/** The folder the CLI runs in: the chosen walkthrough's Pulumi project. */
let projectDir = REPO_ROOT;

function pulumi(args: string[], env: NodeJS.ProcessEnv, { echo = true, capture = false } = {}): Promise<string> {
  if (interrupts > 0) return Promise.reject(new Interrupted());
  if (echo) console.log(`\n  ${bold("$ pulumi " + args.join(" "))}`);
  return new Promise((resolve, reject) => {
    // A process group of its own, so that Ctrl-C reaches pulumi once, through us.
    const proc = spawn("pulumi", args, {
      cwd: projectDir,
      env,
      detached: true,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    child = proc;
    let stdout = "";
    proc.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code, signal) => {
      child = undefined;
      if (interrupts > 0) reject(new Interrupted());
      else if (code === 0) resolve(stdout);
      else reject(new Error(`pulumi ${args[0]} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** Waits until `probe` returns a value, polling every `everyMs`, for at most `timeoutMs`. */
async function waitFor<T>(probe: () => T | undefined, everyMs: number, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (interrupts > 0) throw new Interrupted();
    const value = probe();
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function describeJobs(emulator: RunningEmulator): void {
  const jobs = emulator.control.jobs(PROJECT_ID);
  if (jobs.length === 0) say("The emulator lists no training jobs.");
  for (const job of jobs) {
    say(`job ${job.jobId} "${job.jobName}": ${statusName(job.status)} (${job.status}), created ${new Date(job.createTime).toISOString()}`);
    say(`  description: "${job.jobDesc}"`);
    for (const v of job.versions) {
      const ran = v.durationMs > 0 ? `, ran ${(v.durationMs / 1000).toFixed(1)} s` : "";
      say(`  version ${v.versionName} (${v.versionId}): ${statusName(v.status)}${ran}`);
    }
  }
}

function describeV2Jobs(emulator: RunningEmulator): void {
  const jobs = emulator.control.v2Jobs(PROJECT_ID);
  if (jobs.length === 0) say("The emulator holds no v2 training jobs.");
  for (const job of jobs) {
    const metadata = job.metadata as { id: string; name: string; description: string; create_time: number };
    const status = job.status as { phase: string; secondary_phase: string; duration: number; tasks?: string[] };
    const resource = (job.spec as { resource: { flavor_id?: string; flavor_name?: string; node_count?: number } }).resource;
    const ran = status.duration > 0 ? `, ran ${(status.duration / 1000).toFixed(1)} s` : "";
    say(
      `job ${metadata.id} "${metadata.name}": ${phaseLabel(status.phase, status.secondary_phase)}${ran}, created ${new Date(metadata.create_time).toISOString()}`,
    );
    say(`  description: "${metadata.description}"`);
    say(
      `  flavour: ${resource.flavor_id} (${resource.flavor_name ?? "?"}), ${resource.node_count ?? 1} node(s); tasks: ${(status.tasks ?? []).join(", ")}`,
    );
  }
}

const WALKTHROUGHS: Record<Api, Walkthrough> = {
  v1: {
    projectDir: REPO_ROOT,
    program: "examples/basic (see the root Pulumi.yaml)",
    resource: "one TrainingJob with code, boot file and data on OBS paths",
    apiName: "the ModelArts v1 training-job API",
    describeJobs,
    running: (emulator) => emulator.control.jobs(PROJECT_ID).some((j) => j.status === 8 || j.status === 10),
    phases: "The job moves through INIT, SUBMIT_TRYING and WAITING to RUNNING on the emulator's clock.",
    destroyWhy: "The provider stops the running version, sends DELETE, then polls the job list until ModelArts has really removed the job.",
  },
  v2: {
    projectDir: path.join(REPO_ROOT, "examples", "v2-basic"),
    program: "examples/v2-basic",
    resource: "one v2.TrainingJob: your code on a preset engine, an OBS input and output, a public flavour",
    apiName: "the ModelArts v1 and v2 (new-version) training-job APIs",
    describeJobs: describeV2Jobs,
    running: (emulator) =>
      emulator.control.v2Jobs(PROJECT_ID).some((j) => ["Running", "Completed"].includes((j.status as { phase: string }).phase)),
    phases: "The job moves through Creating and Pending to Running on the emulator's clock.",
    destroyWhy:
      "The provider terminates the running job, sends DELETE (accepted with 202: the removal is asynchronous), then waits until the job is provably gone.",
  },
};

function summariseRequests(emulator: RunningEmulator): void {
  const counts = new Map<string, number>();
  for (const r of emulator.control.requests()) {
    const route = `${r.method} ${(r.path.split("?")[0] ?? "")
      .replace(PROJECT_ID, "{project_id}")
      .replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}/g, "/{id}")
      .replace(/\/\d+/g, "/{id}")}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
  }
  for (const [route, n] of counts) say(dim(`${String(n).padStart(3)} × ${route}`));
}

/** Runs a command with its output on this terminal; rejects on a non-zero exit. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  if (interrupts > 0) return Promise.reject(new Interrupted());
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${cmd} ${args.join(" ")} failed (exit code ${code})`))));
  });
}

/**
 * For a Python or Go walkthrough: builds the release (plugin archive, wheel, Go module), copies the
 * example into .demo/, prepares its dependencies and installs the plugin into the demo's Pulumi home.
 */
async function prepareLanguage(lang: Exclude<Lang, "typescript">, env: NodeJS.ProcessEnv): Promise<void> {
  say(dim("npm run dist: the plugin archive and the SDKs generated from its schema (about a minute)…"));
  const out = await run(process.execPath, [path.join(REPO_ROOT, "dist", "scripts", "dist.js")], { env });
  const [archive, , wheel, goModule] = out.trim().split("\n");
  if (!archive || !wheel || !goModule) throw new Error(`dist printed ${JSON.stringify(out)}`);
  projectDir = path.join(DEMO_DIR, `${lang}-v2`);
  fs.cpSync(path.join(REPO_ROOT, "examples", `${lang}-v2`), projectDir, {
    recursive: true,
    filter: (src) => !/[/\\](venv|__pycache__|go\.sum|Pulumi\.[^/\\]+\.yaml)$/.test(src),
  });
  if (lang === "python") {
    say(dim(`a virtualenv in .demo/python-v2/venv with the pulumi SDK and ${path.basename(wheel)}…`));
    const venv = path.join(projectDir, "venv");
    await run("python3", ["-m", "venv", venv]);
    await run(path.join(venv, "bin", "python"), [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "pulumi>=3.272.0,<4",
      wheel,
    ]);
  } else if (lang === "yaml") {
    const yamlBin = await ensureYamlHost({ log: (line) => say(dim(line)) });
    env.PATH = yamlBin + path.delimiter + (env.PATH ?? "");
  } else {
    const goMod = path.join(projectDir, "go.mod");
    fs.writeFileSync(goMod, fs.readFileSync(goMod, "utf8").replace("=> ../../dist/release/go", `=> ${goModule}`));
    say(dim("the Go program is built by the language host on each pulumi command (the first build takes minutes)."));
  }
  console.log(`\n  ${bold(`$ pulumi plugin install resource modelarts --file ${path.relative(REPO_ROOT, archive)}`)}`);
  const version = /-v(\d+\.\d+\.\d+[^-]*)-/.exec(path.basename(archive))?.[1] ?? "";
  await pulumi(["plugin", "install", "resource", "modelarts", version, "--file", archive, "--non-interactive"], env, { echo: false });
}

async function main({ api, lang }: DemoArgs): Promise<number> {
  const walk: Walkthrough =
    lang === "typescript"
      ? WALKTHROUGHS[api]
      : {
          ...WALKTHROUGHS.v2,
          projectDir: path.join(DEMO_DIR, `${lang}-v2`),
          program: `examples/${lang}-v2 (a ${{ python: "Python", go: "Go", yaml: "YAML" }[lang]} program, run by the modelarts provider plugin)`,
        };
  const label = lang === "typescript" ? api : `${lang}, ${api}`;
  console.log(bold(`pulumi-modelarts demo (${label}): a ModelArts training job created, inspected and destroyed, with no cloud account`));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  step(
    "The Pulumi CLI",
    "Pulumi's installer cannot be downloaded here, so the CLI is built from its Go modules once and cached.",
    "The first run takes several minutes; later runs reuse the build.",
  );
  const binDir = await ensurePulumi({ log: (line) => say(dim(line)) });
  if (interrupts > 0) throw new Interrupted();

  step(
    "A local ModelArts emulator",
    `It speaks ${walk.apiName} on 127.0.0.1 and checks AK/SK signatures like the real service.`,
    "The access key and secret key below are made up for this run.",
  );
  const accessKey = `DEMO${randomBytes(8).toString("hex").toUpperCase()}`;
  const secretKey = randomBytes(24).toString("base64url");
  const jobSeconds = Number(process.env.DEMO_JOB_SECONDS ?? 30);
  const emulator = await startEmulator({
    port: 0,
    accessKeys: { [accessKey]: secretKey },
    projectId: PROJECT_ID,
    jobDurationMs: (Number.isFinite(jobSeconds) && jobSeconds > 0 ? jobSeconds : 30) * 1000,
    deleteDelayMs: 3000,
  });
  say(`Listening on ${emulator.url}; a job runs for ${jobSeconds} s; a deleted job stays listed for 3 s.`);

  try {
    step(
      "A stack with a local backend",
      "State lives in .demo/state (a file:// backend): no Pulumi Cloud account. Secrets are encrypted with a passphrase.",
      "The credentials go into stack config as secrets; the program never sees them.",
    );
    fs.rmSync(DEMO_DIR, { recursive: true, force: true });
    fs.mkdirSync(path.join(DEMO_DIR, "state"), { recursive: true });
    projectDir = walk.projectDir;
    const env: NodeJS.ProcessEnv = { ...process.env, ...(lang === "go" ? { GOFLAGS: "-mod=mod" } : {}) };
    for (const key of Object.keys(env)) if (/^(HW|OS|MODELARTS)_/.test(key)) delete env[key];
    Object.assign(env, {
      PATH: binDir + path.delimiter + (process.env.PATH ?? ""),
      PULUMI_BACKEND_URL: `file://${path.join(DEMO_DIR, "state")}`,
      PULUMI_HOME: path.join(DEMO_DIR, "home"),
      PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
    });
    if (lang !== "typescript") await prepareLanguage(lang, env);
    await pulumi(["stack", "init", STACK, "--non-interactive"], env);
    // `stack init` writes the stack's config file beside Pulumi.yaml; keep it in .demo/ instead.
    const written = path.join(projectDir, `Pulumi.${STACK}.yaml`);
    if (fs.existsSync(written)) fs.renameSync(written, CONFIG_FILE);
    const cfg = ["--config-file", CONFIG_FILE, "--stack", STACK];
    const settings: Array<[string, string, boolean]> = [
      ["modelarts:endpoint", emulator.url, false],
      ["modelarts:projectId", PROJECT_ID, false],
      ["modelarts:accessKey", accessKey, true],
      ["modelarts:secretKey", secretKey, true],
      ["bucket", "demo-bucket", false],
    ];
    for (const [key, value, secret] of settings) {
      console.log(`  ${bold(`$ pulumi config set ${secret ? "--secret " : ""}${key} ${secret ? "********" : value}`)}`);
      await pulumi(["config", "set", ...cfg, ...(secret ? ["--secret"] : ["--plaintext"]), key, value], env, { echo: false });
    }

    step(
      "pulumi up: submit the training job",
      `The program is ${walk.program}: ${walk.resource}.`,
      "The provider signs each request, submits the job and returns as soon as ModelArts has accepted it.",
    );
    await pulumi(["up", "--yes", "--skip-preview", ...cfg], env);

    step(
      "The job, as the emulator sees it",
      walk.phases,
      "`pulumi up --refresh` then reads the job back first: nothing to change, and the stack records its current status.",
    );
    walk.describeJobs(emulator);
    const running = await waitFor(() => (walk.running(emulator) ? true : undefined), 500, 60_000);
    if (running) {
      say("", "A moment later:");
      walk.describeJobs(emulator);
    }
    await pulumi(["up", "--refresh", "--yes", "--skip-preview", ...cfg], env);
    const exported = await pulumi(["stack", "export", "--stack", STACK], env, { echo: false, capture: true });
    const leaked = exported.includes(accessKey) || exported.includes(secretKey);
    say(
      "",
      leaked
        ? "WARNING: the state contains a credential!"
        : "The state (pulumi stack export) holds neither the access key nor the secret key.",
    );
    say("Requests the emulator received so far:");
    summariseRequests(emulator);

    step("pulumi destroy: delete the job", walk.destroyWhy, "Only then does Pulumi drop it from the state.");
    await pulumi(["destroy", "--yes", "--skip-preview", ...cfg], env);
    walk.describeJobs(emulator);
    await pulumi(["stack", "rm", "--yes", "--stack", STACK], env, { echo: false });

    console.log(`\n${bold("Done.")} The stack is removed and the emulator stops now.`);
    say(
      api === "v1"
        ? "Next: the examples in examples/ (README.md in each), `npm start -- --lang python` (or go, yaml), and `npm test`."
        : "Next: `npm start -- --lang python` (or go, yaml), the examples in examples/ (README.md in each; basic and the others without v2 are old-version jobs), and `npm test`.",
      `To try it by hand: node dist/emulator/cli.js (it accepts any well-formed credentials), then \`pulumi up\` ${api === "v1" ? "here" : `in examples/${lang === "typescript" ? "v2-basic" : `${lang}-v2`}`} with modelarts:endpoint set${lang === "typescript" ? "" : " (README.md there: the plugin and the SDK come from npm run dist)"}.`,
    );
    fs.rmSync(DEMO_DIR, { recursive: true, force: true });
    return 0;
  } finally {
    await emulator.close();
  }
}

let chosen: DemoArgs;
try {
  chosen = demoArgs(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  process.exit(2);
}

main(chosen).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof Interrupted || interrupts > 0) {
      console.log("\n  Interrupted. The emulator is stopped and its jobs with it; .demo/ is removed.");
      fs.rmSync(DEMO_DIR, { recursive: true, force: true });
      process.exit(130);
    }
    console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error(
      `The stack's state is kept in ${path.relative(process.cwd(), DEMO_DIR) || DEMO_DIR}/ for a look; the next run starts afresh.`,
    );
    process.exit(1);
  },
);
