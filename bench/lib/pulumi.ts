/**
 * The real Pulumi engine for benchmarks, through the Automation API: one temporary folder holding a
 * `file://` backend and a Pulumi home, a passphrase, inline programs (run in this process; the
 * dynamic provider runs in a process of its own that the engine starts in the checkout), and the
 * emulator credentials as stack-config secrets. Everything is removed by `dispose()`.
 *
 * The e2e suite's harness (test/e2e/harness.ts) does the same per test scenario; benchmarks need
 * their own operations timed one by one, the engine's `--parallel` set, and several stacks per
 * emulator, so this is the small bench-side variant.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import type { RunningEmulator } from "../../emulator";
import { ensurePulumi } from "../../scripts/ensure-pulumi";
import { BENCH_PROJECT, type Credentials } from "./emulated";
import { repoRoot } from "./paths";

const execFileAsync = promisify(execFile);

/** Environment variables the provider would read as a fallback: the benchmarks must not inherit them. */
const FOREIGN_ENV = /^(HW|OS|MODELARTS)_/;

/** What one timed operation returned. */
export interface Timed {
  ms: number;
  ok: boolean;
  error?: string;
}

export class BenchPulumi {
  private constructor(
    readonly binDir: string,
    private readonly command: PulumiCommand,
    private readonly tmp: string,
  ) {}

  /** Finds (or builds, the first time on a machine) the Pulumi CLI and prepares a temporary backend. */
  static async start(): Promise<BenchPulumi> {
    const binDir = await ensurePulumi({ log: (line) => process.stderr.write(`[ensure-pulumi] ${line}\n`) });
    if (!process.env.PATH?.split(path.delimiter).includes(binDir)) {
      // The engine finds the dynamic-provider shim on PATH, beside the CLI.
      process.env.PATH = binDir + path.delimiter + (process.env.PATH ?? "");
    }
    const runtime = path.join(repoRoot(), "dist", "provider", "runtime.js");
    if (!fs.existsSync(runtime)) throw new Error(`${runtime} is missing: run \`npm run build\` first`);
    // The serialized stub loads `pulumi-modelarts/runtime` by name in the provider process.
    (require(path.join(repoRoot(), "scripts", "link-self.js")) as { linkSelf(root?: string): string }).linkSelf(repoRoot());
    const command = await PulumiCommand.get(path.basename(binDir) === "bin" ? { root: path.dirname(binDir) } : {});
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-bench-"));
    fs.mkdirSync(path.join(tmp, "backend"));
    return new BenchPulumi(binDir, command, tmp);
  }

  /** The environment of every CLI invocation. */
  env(): Record<string, string> {
    const env: Record<string, string> = {
      PULUMI_BACKEND_URL: `file://${path.join(this.tmp, "backend")}`,
      PULUMI_HOME: path.join(this.tmp, "home"),
      PULUMI_CONFIG_PASSPHRASE: "bench-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PATH: process.env.PATH ?? "",
    };
    for (const key of Object.keys(process.env)) if (FOREIGN_ENV.test(key)) env[key] = "";
    return env;
  }

  /** A new stack running `program`, configured for the emulator (credentials as secrets). */
  async stack(stackName: string, program: PulumiFn, emulator: RunningEmulator, credentials: Credentials): Promise<BenchStack> {
    const projectName = "modelarts-bench";
    const workDir = path.join(this.tmp, `project-${stackName}`);
    fs.mkdirSync(workDir, { recursive: true });
    // An inline program's project gets `main: process.cwd()`, and the engine starts the dynamic
    // provider there: pin it to the checkout, where @pulumi/pulumi and pulumi-modelarts resolve.
    const stack = await LocalWorkspace.createStack(
      { stackName, projectName, program },
      {
        workDir,
        envVars: this.env(),
        pulumiCommand: this.command,
        projectSettings: { name: projectName, runtime: "nodejs", main: repoRoot() },
      },
    );
    await stack.setAllConfig({
      "modelarts:endpoint": { value: emulator.url },
      "modelarts:projectId": { value: BENCH_PROJECT },
      "modelarts:region": { value: "eu-de" },
      "modelarts:accessKey": { value: credentials.accessKey, secret: true },
      "modelarts:secretKey": { value: credentials.secretKey, secret: true },
    });
    return new BenchStack(stack, this, workDir);
  }

  /** Removes the temporary backend and everything in it. */
  dispose(): void {
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

export class BenchStack {
  /** Everything the CLI printed, for error reports. */
  readonly output: string[] = [];

  constructor(
    readonly stack: Stack,
    private readonly pulumi: BenchPulumi,
    private readonly workDir: string,
  ) {}

  private readonly record = (text: string): void => {
    for (const line of text.split(/\r?\n/)) if (line.length > 0) this.output.push(line);
  };

  private async timed(op: () => Promise<unknown>): Promise<Timed> {
    const started = performance.now();
    try {
      await op();
      return { ms: performance.now() - started, ok: true };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.record(message);
      return { ms: performance.now() - started, ok: false, error: lastLines(message) };
    }
  }

  /** `pulumi up`, timed; never throws (the result says whether it succeeded). */
  up(parallel: number): Promise<Timed> {
    return this.timed(() => this.stack.up({ parallel, onOutput: this.record, onError: this.record, color: "never" }));
  }

  /** `pulumi destroy`, timed; never throws. */
  destroy(parallel: number): Promise<Timed> {
    return this.timed(() => this.stack.destroy({ parallel, onOutput: this.record, onError: this.record, color: "never" }));
  }

  /** The exact bytes that `pulumi stack export` prints. */
  async exportText(): Promise<string> {
    const { stdout } = await execFileAsync(
      path.join(this.pulumi.binDir, "pulumi"),
      ["stack", "export", "--stack", this.stack.name, "--non-interactive"],
      {
        cwd: this.workDir,
        env: { ...this.pulumi.env(), HOME: process.env.HOME ?? os.homedir() },
        maxBuffer: 256 * 2 ** 20,
      },
    );
    return stdout;
  }

  /** Removes the stack (after a destroy); `force` also drops whatever the state still holds. */
  async remove(): Promise<void> {
    await this.stack.workspace.removeStack(this.stack.name, { force: true });
  }
}

/** The last lines of a CLI error message: the part that says what failed. */
export function lastLines(message: string, count = 6): string {
  return message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .slice(-count)
    .join(" | ");
}
