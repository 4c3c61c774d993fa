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

const execFileAsync = promisify(execFile);
const { ensureNode } = require("../../scripts/ensure-node") as { ensureNode(options?: { major?: number }): string };

/** The Pulumi project name of every user project (its stack config namespace). */
export const USER_PROJECT = "modelarts-user";

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { TrainingJob } = require("pulumi-modelarts");

const config = new pulumi.Config();
const job = new TrainingJob("user", {
  description: config.get("description") || "a user's job",
  config: {
    workerServerNum: 1,
    specId: 1,
    engineId: 4,
    appUrl: "/user-bucket/code/",
    bootFileUrl: "/user-bucket/code/train.py",
    dataUrl: "/user-bucket/data/",
    trainUrl: "/user-bucket/output/",
    parameters: [{ label: "epochs", value: config.get("epochs") || "1" }],
  },
});

exports.jobId = job.jobId;
exports.versionName = job.versionName;
exports.description = job.description;
`;

let tarball: Promise<string> | undefined;

/** `npm pack` of the checkout (built beforehand), once per process. */
export function packedPackage(): Promise<string> {
  tarball ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-pack-"));
    const { stdout } = await execFileAsync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    return path.join(dir, stdout.trim().split("\n").pop()!);
  })();
  return tarball;
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
    const target = fs.realpathSync(path.join(dir, exe));
    fs.symlinkSync(target, path.join(bin, exe));
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

/** Makes and installs a user project that runs on Node.js `nodeMajor` with `@pulumi/pulumi@sdk`. */
export async function userProject(root: string, nodeMajor: number, sdk: string): Promise<UserProject> {
  const dir = path.join(root, `user-node${nodeMajor}-sdk${sdk}`);
  fs.mkdirSync(dir, { recursive: true });
  const bin = nodeBin(nodeMajor, root);
  const pkg = { name: "modelarts-user-project", private: true, main: "index.js" };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${USER_PROJECT}\nruntime: nodejs\n`);
  fs.writeFileSync(path.join(dir, "index.js"), PROGRAM);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: bin + path.delimiter + (process.env.PATH ?? ""),
    npm_config_update_notifier: "false",
  };
  // `npm_config_*` set by an outer `npm run` (e.g. the checkout's own settings) must not leak in.
  for (const key of Object.keys(env))
    if (/^npm_(config|package|lifecycle)_/i.test(key) && key !== "npm_config_update_notifier") delete env[key];
  const { stdout, stderr } = await execFileAsync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=warn", `@pulumi/pulumi@${sdk}`, await packedPackage()],
    { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 },
  );
  return { dir, installOutput: stdout + stderr, bin };
}
