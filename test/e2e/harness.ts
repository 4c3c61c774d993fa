/**
 * End-to-end harness: every scenario gets its own emulator (127.0.0.1, free port), its own `file://`
 * backend and Pulumi home in a temporary folder, a passphrase, a unique stack whose credentials are
 * stack-config secrets, and a record of every line the Pulumi CLI printed. The stack is destroyed and
 * removed, the emulator closed and the folder deleted in `finally`, whatever the scenario did.
 *
 * Programs are inline (run in this process, as the Automation API does) or on-disk Pulumi projects
 * (the examples, run in place by the Node.js language host). Either way the dynamic provider runs in
 * a process of its own that Pulumi starts, and reaches the emulator over HTTP.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import {
  LocalWorkspace,
  PulumiCommand,
  type DestroyResult,
  type PreviewResult,
  type PulumiFn,
  type RefreshResult,
  Stack,
  type UpResult,
} from "@pulumi/pulumi/automation";
import { startEmulator, type EmulatorOptions, type JobView, type RequestLogEntry, type RunningEmulator } from "../../emulator";
import { ensurePulumi } from "../../scripts/ensure-pulumi";

const execFileAsync = promisify(execFile);
const { linkSelf } = require("../../scripts/link-self.js") as { linkSelf(root?: string): string };

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The project id every scenario's stack is configured with. */
export const PROJECT_ID = "0123456789abcdef0123456789abcdef";
const PASSPHRASE = "e2e-passphrase";

/** Environment variables the provider would read as a fallback: scenarios must not inherit them. */
const FOREIGN_ENV = /^(HW|OS|MODELARTS)_/;

let cli: Promise<PulumiCommand> | undefined;

/**
 * The Pulumi CLI, built or found once per process by `scripts/ensure-pulumi` (minutes the first time
 * on a machine, then cached). Nothing is downloaded by the Automation API.
 */
export function pulumiCli(): Promise<PulumiCommand> {
  cli ??= (async () => {
    const binDir = await ensurePulumi({ log: (line) => process.stderr.write(`      [ensure-pulumi] ${line}\n`) });
    if (!process.env.PATH?.split(path.delimiter).includes(binDir)) {
      // The language host and the dynamic-provider shim are found on PATH, beside the CLI.
      process.env.PATH = binDir + path.delimiter + (process.env.PATH ?? "");
    }
    return PulumiCommand.get(path.basename(binDir) === "bin" ? { root: path.dirname(binDir) } : {});
  })();
  return cli;
}

/** Checks that the package is built and resolvable by name (`pulumi-modelarts`), as the programs need. */
export function checkPackageBuilt(): void {
  const runtime = path.join(REPO_ROOT, "dist", "provider", "runtime.js");
  assert.ok(fs.existsSync(runtime), `${runtime} is missing: run \`npm run build\` before the end-to-end tests`);
  linkSelf(REPO_ROOT);
}

export interface ScenarioOptions {
  /** An inline program (run in this process). */
  program?: PulumiFn;
  /** Or the folder of an on-disk Pulumi project, run in place. */
  projectDir?: string;
  /** Project name of an inline program. @default "modelarts-e2e" */
  projectName?: string;
  /** Emulator start-up options; the credentials are added. */
  emulator?: EmulatorOptions;
  /** Extra stack configuration (plain), e.g. `{ "modelarts-basic:bucket": "b" }`. */
  config?: Record<string, string>;
  /**
   * Folders put first on the CLI's PATH, e.g. another Node.js's `bin`: the language host and the
   * dynamic-provider shim start the first `node` on PATH.
   */
  pathPrefix?: string[];
  /**
   * Provider plugin archives (`pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz`) installed into
   * the scenario's Pulumi home with `pulumi plugin install --file` before the stack is created.
   */
  plugins?: string[];
  /** Extra environment variables for the CLI (and so for the language host and the program). */
  env?: Record<string, string>;
  /** A Pulumi home to share between scenarios (e.g. one with a plugin installed). @default a fresh one */
  pulumiHome?: string;
}

/** One scenario's stack, emulator and CLI transcript. */
export class Scenario {
  /** Every line the Pulumi CLI printed (stdout and stderr of every operation, and error texts). */
  readonly output: string[] = [];

  constructor(
    readonly stack: Stack,
    readonly emulator: RunningEmulator,
    /** The configured secrets, which must never show up in output or state. */
    readonly secrets: { accessKey: string; secretKey: string },
    private readonly command: string,
    private readonly envVars: Record<string, string>,
  ) {}

  /** The environment every operation of the scenario runs with (backend, Pulumi home, passphrase). */
  environment(): Record<string, string> {
    return { ...this.envVars };
  }

  /** Runs the Pulumi CLI in the stack's project folder with the scenario's environment; returns stdout. */
  async cli(args: string[]): Promise<string> {
    const { stdout, stderr } = await this.run(() =>
      execFileAsync(this.command, [...args, "--non-interactive"], {
        cwd: this.stack.workspace.workDir,
        env: { ...process.env, ...this.envVars },
        maxBuffer: 64 * 1024 * 1024,
      }),
    );
    this.record(stdout);
    this.record(stderr);
    return stdout;
  }

  private record = (text: string): void => {
    for (const line of text.split(/\r?\n/)) if (line.length > 0) this.output.push(line);
  };

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      this.record(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private get streams() {
    return { onOutput: this.record, onError: this.record, color: "never" as const };
  }

  preview(options: { debug?: boolean } = {}): Promise<PreviewResult> {
    return this.run(() => this.stack.preview({ ...this.streams, diff: true, ...options }));
  }
  up(options: { expectNoChanges?: boolean; debug?: boolean; parallel?: number } = {}): Promise<UpResult> {
    return this.run(() => this.stack.up({ ...this.streams, ...options }));
  }
  refresh(options: { debug?: boolean } = {}): Promise<RefreshResult> {
    return this.run(() => this.stack.refresh({ ...this.streams, ...options }));
  }
  destroy(options: { debug?: boolean; parallel?: number } = {}): Promise<DestroyResult> {
    return this.run(() => this.stack.destroy({ ...this.streams, ...options }));
  }

  /** `pulumi stack export`, as the CLI prints it (the Automation API's `exportStack` shows secrets). */
  exportText(): Promise<string> {
    return this.cli(["stack", "export", "--stack", this.stack.name]);
  }

  /** The TrainingJob resources in the stack's state (read with secrets shown: for assertions only). */
  async stateJobs(): Promise<Array<{ id?: string; outputs?: Record<string, unknown>; initErrors?: string[] }>> {
    const deployment = await this.stack.exportStack();
    const resources = (deployment.deployment?.resources ?? []) as Array<{
      type: string;
      id?: string;
      outputs?: Record<string, unknown>;
      initErrors?: string[];
    }>;
    return resources.filter((r) => r.type === "pulumi-nodejs:dynamic/modelarts:TrainingJob" || r.type.endsWith("modelarts:TrainingJob"));
  }

  /** The jobs the emulator lists in the scenario's project. */
  jobs(): JobView[] {
    return this.emulator.control.jobs(PROJECT_ID);
  }

  /** Requests the emulator received, optionally filtered by method and a path pattern. */
  requests(method?: string, pathRegex?: RegExp): RequestLogEntry[] {
    return this.emulator.control.requests(method ? { method } : {}).filter((r) => !pathRegex || pathRegex.test(r.path.split("?")[0] ?? ""));
  }

  /** Asserts that no configured secret (and none of `extra`) occurs in anything the CLI printed. */
  assertNoSecretsInOutput(extra: Record<string, string> = {}): void {
    for (const [name, secret] of Object.entries({ ...this.secrets, ...extra })) {
      const hit = this.output.find((line) => line.includes(secret));
      assert.equal(hit, undefined, `the ${name} appeared in the CLI output: ${hit?.split(secret).join("<" + name + ">")}`);
    }
  }
}

/** Creates a job behind Pulumi's back, with the settings of `jobConfig()` (test/e2e/programs.ts); returns its id. */
export function createOutOfBand(s: Scenario, jobName: string): string {
  return s.emulator.control.createJob(PROJECT_ID, {
    job_name: jobName,
    job_desc: "created by hand",
    config: {
      worker_server_num: 1,
      spec_id: 1,
      engine_id: 4,
      app_url: "/e2e-bucket/code/",
      boot_file_url: "/e2e-bucket/code/train.py",
      data_url: "/e2e-bucket/data/",
      train_url: "/e2e-bucket/output/",
      parameter: [{ label: "epochs", value: "3" }],
    },
  }).jobId;
}

/** Paths of the API, as the request log shows them (without the query). */
export const API = {
  jobs: new RegExp(`^/v1/${PROJECT_ID}/training-jobs$`),
  job: new RegExp(`^/v1/${PROJECT_ID}/training-jobs/\\d+$`),
  versions: new RegExp(`^/v1/${PROJECT_ID}/training-jobs/\\d+/versions$`),
  stop: new RegExp(`^/v1/${PROJECT_ID}/training-jobs/\\d+/versions/\\d+/stop$`),
};

function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

/**
 * Runs `body` with a fresh scenario, then destroys the stack (if anything is left), removes it,
 * closes the emulator and deletes the temporary folder. Asserts at the end that no configured secret
 * appeared in the CLI output.
 */
export async function withScenario(options: ScenarioOptions, body: (s: Scenario) => Promise<void>): Promise<void> {
  const pulumiCommand = await pulumiCli();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-e2e-"));
  const secrets = { accessKey: `AK${randomBytes(9).toString("hex").toUpperCase()}`, secretKey: randomBytes(20).toString("base64url") };
  let emulator: RunningEmulator | undefined;
  let scenario: Scenario | undefined;
  let stack: Stack | undefined;
  try {
    emulator = await startEmulator({
      port: 0,
      accessKeys: { [secrets.accessKey]: secrets.secretKey },
      projectId: PROJECT_ID,
      ...options.emulator,
    });
    const backend = path.join(tmp, "backend");
    fs.mkdirSync(backend);
    const envVars: Record<string, string> = {
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_HOME: options.pulumiHome ?? path.join(tmp, "home"),
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PATH: [...(options.pathPrefix ?? []), process.env.PATH ?? ""].join(path.delimiter),
      ...options.env,
    };
    for (const key of Object.keys(process.env)) if (FOREIGN_ENV.test(key)) envVars[key] = "";
    for (const archive of options.plugins ?? []) {
      const m = /^pulumi-resource-(.+)-v(\d+\.\d+\.\d+[^-]*)-[a-z]+-[a-z0-9]+\.tar\.gz$/.exec(path.basename(archive));
      assert.ok(m, `not a plugin archive name: ${archive}`);
      await execFileAsync(pulumiCommand.command, ["plugin", "install", "resource", m[1]!, m[2]!, "--file", archive, "--non-interactive"], {
        env: { ...process.env, ...envVars },
      });
    }
    const stackName = uniqueName("e2e");
    const wsOptions = { envVars, pulumiCommand };
    if (options.program) {
      // The Automation API gives an inline program's project `main: process.cwd()`, and the engine
      // starts the dynamic provider in that folder, where it must resolve @pulumi/pulumi and
      // pulumi-modelarts: pin it to the checkout, wherever mocha was started.
      const projectName = options.projectName ?? "modelarts-e2e";
      fs.mkdirSync(path.join(tmp, "project"));
      stack = await LocalWorkspace.createStack(
        { stackName, projectName, program: options.program },
        { ...wsOptions, workDir: path.join(tmp, "project"), projectSettings: { name: projectName, runtime: "nodejs", main: REPO_ROOT } },
      );
    } else if (options.projectDir) {
      stack = await LocalWorkspace.createStack({ stackName, workDir: options.projectDir }, wsOptions);
    } else {
      throw new Error("withScenario: give a program or a projectDir");
    }
    await stack.setAllConfig({
      "modelarts:endpoint": { value: emulator.url },
      "modelarts:projectId": { value: PROJECT_ID },
      "modelarts:region": { value: "eu-de" },
      "modelarts:accessKey": { value: secrets.accessKey, secret: true },
      "modelarts:secretKey": { value: secrets.secretKey, secret: true },
      ...Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [k, { value: v }])),
    });
    scenario = new Scenario(stack, emulator, secrets, pulumiCommand.command, envVars);
    await body(scenario);
    scenario.assertNoSecretsInOutput();
  } finally {
    if (stack) {
      try {
        // Whatever the scenario left: rules that make deletes fail are lifted first, and a frozen
        // clock runs again (a deletion completes on the emulator's clock, v1 and v2 alike).
        emulator?.control.clearRules();
        emulator?.control.clearFaults();
        emulator?.control.unfreeze();
        for (const job of emulator?.control.jobs() ?? []) {
          if (job.deletion !== "pending") emulator?.control.patchJob(job.jobId, { deleteOutcome: "succeed", deleteFailures: 0 });
        }
        await stack.destroy({ color: "never" });
      } catch (error) {
        process.stderr.write(
          `      cleanup: destroy of ${stack.name} failed: ${(error as Error).message.split("\n").slice(-5).join(" | ")}\n`,
        );
      }
      try {
        await stack.workspace.removeStack(stack.name, { force: true });
      } catch (error) {
        process.stderr.write(`      cleanup: stack rm ${stack.name} failed: ${(error as Error).message}\n`);
      }
    }
    await emulator?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
/** The rejection of an operation that must fail. */
export async function failure(op: Promise<unknown>): Promise<Error> {
  return op.then(
    () => assert.fail("expected the operation to fail"),
    (e: Error) => e,
  );
}

/**
 * Runs an operation again until it succeeds (at most 4 times), as a user would; returns the runs
 * needed and the error lines of each failure, for the figures.
 */
export async function untilSuccess(op: () => Promise<unknown>): Promise<{ runs: number; failures: string[] }> {
  const failures: string[] = [];
  for (let run = 1; ; run++) {
    try {
      await op();
      return { runs: run, failures };
    } catch (error) {
      failures.push(
        (error as Error).message
          .split("\n")
          .filter((l) => /error/i.test(l))
          .slice(-3)
          .join(" | "),
      );
      if (run >= 4) throw error;
    }
  }
}

/** Processes below this one (children, grandchildren, ...), with their command lines. */
export function descendants(root = process.pid): Array<{ pid: number; cmd: string }> {
  const parent = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      cmd.set(Number(entry), fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" "));
    } catch {
      // The process ended while we looked.
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(below).map((pid) => ({ pid, cmd: cmd.get(pid) ?? "" }));
}

/** The one process below this test whose command line matches (e.g. the dynamic provider the engine started). */
export async function processOf(what: string, pattern: RegExp): Promise<number> {
  return eventually(what, () => {
    const found = descendants().filter((p) => pattern.test(p.cmd));
    return found.length === 1 ? found[0]!.pid : undefined;
  });
}

/** Another stack of the scenario's project (same backend, program and configuration). */
export async function siblingStack(s: Scenario, name: string): Promise<Stack> {
  const stack = await Stack.create(`${s.stack.name}-${name}`, s.stack.workspace);
  await stack.setAllConfig(await s.stack.getAllConfig());
  return stack;
}

/** Destroys and removes a stack made by `siblingStack`. */
export async function removeSibling(s: Scenario, stack: Stack): Promise<void> {
  s.emulator.control.clearFaults();
  await stack.destroy({ color: "never" }).catch(() => undefined);
  await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
}

/**
 * A stack in a checkout of its own: the same inline program and project name, its own `file://`
 * backend and Pulumi home (another person's machine), the scenario's configuration. Two checkouts
 * may each hold a stack of the same name. Remove it with `removeCheckout`.
 */
export async function checkoutStack(s: Scenario, stackName: string, program: PulumiFn): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-e2e-checkout-"));
  for (const sub of ["backend", "home", "project"]) fs.mkdirSync(path.join(dir, sub));
  const projectName = (await s.stack.workspace.projectSettings()).name;
  const envVars = { ...s.environment(), PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`, PULUMI_HOME: path.join(dir, "home") };
  const stack = await LocalWorkspace.createStack(
    { stackName, projectName, program },
    {
      envVars,
      pulumiCommand: await pulumiCli(),
      workDir: path.join(dir, "project"),
      projectSettings: { name: projectName, runtime: "nodejs", main: REPO_ROOT },
    },
  );
  await stack.setAllConfig(await s.stack.getAllConfig());
  return stack;
}

/** Runs the Pulumi CLI in a checkout's project folder, with its environment. */
export async function checkoutCli(stack: Stack, args: string[]): Promise<string> {
  const command = (await pulumiCli()).command;
  const { stdout } = await execFileAsync(command, [...args, "--non-interactive"], {
    cwd: stack.workspace.workDir,
    env: { ...process.env, ...stack.workspace.envVars },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Destroys and removes every stack of a checkout made by `checkoutStack`, and deletes the checkout. */
export async function removeCheckout(s: Scenario, stack: Stack): Promise<void> {
  s.emulator.control.clearFaults();
  for (const summary of await stack.workspace.listStacks().catch(() => [])) {
    const each = await Stack.select(summary.name, stack.workspace).catch(() => undefined);
    if (each) await removeSibling(s, each);
  }
  fs.rmSync(path.dirname(stack.workspace.workDir), { recursive: true, force: true });
}
