/**
 * What the Python and Go scenarios share: the release artifacts (`npm run dist`'s plugin archive,
 * wheel and Go module, built once per test process), a Python virtualenv with the `pulumi` SDK and
 * the wheel (made once per process), and copies of an example project in a scenario's own folder.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./harness";

const execFileAsync = promisify(execFile);

/** The pulumi Python SDK the programs run with (the newest on PyPI; the CLI is 3.276). */
export const PYTHON_SDK = "pulumi==3.272.0";

/** The files `npm run dist` writes. */
export interface Release {
  archive: string;
  schema: string;
  wheel: string;
  goModule: string;
}

let release: Promise<Release> | undefined;

/** Runs `dist/scripts/dist.js` (the build must be current) once per process and returns what it wrote. */
export function releaseArtifacts(): Promise<Release> {
  release ??= (async () => {
    const { stdout } = await execFileAsync(process.execPath, [path.join(REPO_ROOT, "dist", "scripts", "dist.js")], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [archive, schema, wheel, goModule] = stdout.trim().split("\n");
    if (!archive || !schema || !wheel || !goModule) throw new Error(`dist printed ${JSON.stringify(stdout)}`);
    return { archive, schema, wheel, goModule };
  })();
  return release;
}

/** Folders this process made, removed when it exits. */
const scratch: string[] = [];
process.on("exit", () => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

let venv: Promise<string> | undefined;

/** A virtualenv with the pulumi SDK and the release's wheel, made once per process; returns its folder. */
export function pythonVenv(): Promise<string> {
  venv ??= (async () => {
    const { wheel } = await releaseArtifacts();
    const dir = path.join(scratchDir("modelarts-e2e-venv-"), "venv");
    await execFileAsync("python3", ["-m", "venv", dir]);
    await execFileAsync(
      path.join(dir, "bin", "python"),
      ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", PYTHON_SDK, wheel],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return dir;
  })();
  return venv;
}

/**
 * Copies examples/<name> into a folder of its own (so a scenario never writes into the checkout) and
 * lets `adjust` change it; returns the copy and a function that removes it.
 */
export function copyExample(name: string, adjust: (dir: string) => void = () => {}): { dir: string; remove: () => void } {
  const root = scratchDir(`modelarts-e2e-${name}-`);
  const dir = path.join(root, name);
  fs.cpSync(path.join(REPO_ROOT, "examples", name), dir, {
    recursive: true,
    filter: (src) => !/[/\\](venv|__pycache__|Pulumi\.[^/\\]+\.yaml)$/.test(src),
  });
  adjust(dir);
  return { dir, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
