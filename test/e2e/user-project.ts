/**
 * A Pulumi project as a user makes it: its own folder outside the checkout, the packed
 * `pulumi-modelarts` tarball and a chosen `@pulumi/pulumi` installed by `npm install`, run by a
 * chosen Node.js (the language host and the dynamic-provider process start the first `node` on
 * PATH). The program is plain JavaScript, as a user without TypeScript writes it.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./harness";
import type { PackResult } from "../package/files";

const execFileAsync = promisify(execFile);
const { ensureNode } = require("../../scripts/ensure-node.js") as { ensureNode(options?: { major?: number }): string };

/** The Pulumi project name of every user project (its stack config namespace). */
export const USER_PROJECT = "modelarts-user";

/**
 * The program of every user project: plain JavaScript, as a user without TypeScript writes it. The
 * README shows it as the JavaScript usage (test/package/readme.test.ts holds them together).
 */
export const USER_PROGRAM = path.join(__dirname, "user-program", "index.js");

/** The packed package: the tarball's path and `npm pack --json`'s account of it. */
export interface PackedPackage {
  tarball: string;
  result: PackResult;
}

let packed: Promise<PackedPackage> | undefined;

/**
 * `npm pack` of the checkout, once per process, as a user runs it: with its scripts, so that
 * `prepack` builds and writes the packed package.json (no scripts) and `postpack` restores it.
 */
export function packedPackage(): Promise<PackedPackage> {
  packed ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-pack-"));
    const { stdout } = await execFileAsync("npm", ["pack", "--json", "--pack-destination", dir], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const result = (JSON.parse(stdout) as PackResult[])[0]!;
    return { tarball: path.join(dir, result.filename), result };
  })();
  return packed;
}

/** Removes the packed tarball's folder, if this process packed one. */
export async function removePackedPackage(): Promise<void> {
  const done = packed;
  packed = undefined;
  if (done) fs.rmSync(path.dirname((await done).tarball), { recursive: true, force: true });
}

/**
 * A folder whose `node` (and `npm`) is Node.js `major`: the machine's own when it is that major,
 * else one fetched into the cache by scripts/ensure-node.js. Only `node` and `npm` are linked, so
 * that putting it first on PATH hides nothing else.
 */
export function nodeBin(major: number, into: string): string {
  const dir = ensureNode({ major });
  const bin = path.join(into, `node${major}-bin`);
  fs.mkdirSync(bin, { recursive: true });
  for (const exe of ["node", "npm"]) {
    const link = path.join(bin, exe);
    if (!fs.existsSync(link)) fs.symlinkSync(fs.realpathSync(path.join(dir, exe)), link);
  }
  return bin;
}

export interface UserProject {
  dir: string;
  /** Everything `npm install` printed. */
  installOutput: string;
  /** The folder to put first on PATH so that the project runs on its Node.js. */
  bin: string;
}

/**
 * What a user's package.json says about install scripts (npm 11.16 and later list every
 * dependency's unreviewed install script after each install). The only one in the tree is
 * protobufjs's `postinstall`, brought by @pulumi/pulumi, which checks its dependents' version
 * scheme and builds nothing; pulumi-modelarts has none.
 */
export const USER_ALLOW_SCRIPTS = { protobufjs: false };

/**
 * The environment of a user's npm: the chosen Node.js first on PATH, and npm settings of the
 * user's own (an empty user config in `root`), so that neither an outer `npm run` (`npm_config_*`)
 * nor this machine's ~/.npmrc (keys that a newer npm warns about) speaks for the user.
 */
export function userNpmEnv(root: string, bin: string): NodeJS.ProcessEnv {
  const userconfig = path.join(root, "user-npmrc");
  if (!fs.existsSync(userconfig)) fs.writeFileSync(userconfig, "");
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin + path.delimiter + (process.env.PATH ?? "") };
  for (const key of Object.keys(env)) if (/^npm_(config|package|lifecycle)_/i.test(key)) delete env[key];
  env.npm_config_userconfig = userconfig;
  env.npm_config_update_notifier = "false";
  return env;
}

/** Runs `npm install` with `args` in `dir`; returns everything it printed. */
export async function npmInstall(dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const { stdout, stderr } = await execFileAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=warn", ...args], {
    cwd: dir,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}

/** Writes a fresh user project (package.json, Pulumi.yaml, index.js) into `dir`. */
export function writeUserProject(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = { name: "modelarts-user-project", private: true, main: "index.js", allowScripts: USER_ALLOW_SCRIPTS };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${USER_PROJECT}\nruntime: nodejs\n`);
  fs.copyFileSync(USER_PROGRAM, path.join(dir, "index.js"));
}

/** Makes and installs a user project that runs on Node.js `nodeMajor` with `@pulumi/pulumi@sdk`. */
export async function userProject(root: string, nodeMajor: number, sdk: string): Promise<UserProject> {
  const dir = path.join(root, `user-node${nodeMajor}-sdk${sdk}`);
  writeUserProject(dir);
  const bin = nodeBin(nodeMajor, root);
  const { tarball } = await packedPackage();
  const installOutput = await npmInstall(dir, userNpmEnv(root, bin), [`@pulumi/pulumi@${sdk}`, tarball]);
  return { dir, installOutput, bin };
}

/**
 * A git repository holding the checkout's files as they are now (tracked and new, not ignored),
 * committed once: what a user installs from a git URL, without committing the work in progress.
 * Returns its `git+file:` URL.
 */
export async function gitSnapshot(root: string): Promise<string> {
  const repo = path.join(root, "git-snapshot");
  const { stdout } = await execFileAsync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const file of stdout.split("\0").filter(Boolean)) {
    const from = path.join(REPO_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the work tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.copyFileSync(from, path.join(repo, file));
  }
  const git = (...args: string[]) =>
    execFileAsync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], {
      cwd: repo,
    });
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", "snapshot");
  return `git+file://${repo}`;
}
