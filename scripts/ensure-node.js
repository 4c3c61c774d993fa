#!/usr/bin/env node
/**
 * Brings a Node.js of a wanted major version when the machine's is too old, and runs commands with
 * it first on PATH, so that every script, the Pulumi language host and the dynamic-provider process
 * (both start `node` from PATH) use it.
 *
 *   node scripts/ensure-node.js -- npm run test:all   runs the command with Node >= 22 on PATH
 *   node scripts/ensure-node.js --print                prints the folder that holds that `node`
 *   node scripts/ensure-node.js --major 20 --print     the same for exactly Node 20 (the tested floor)
 *   node scripts/ensure-node.js --install -- npm start  first `npm ci` with that Node when node_modules
 *                                                       was not installed from the current lock file
 *
 * Where the machine's Node already fits (>= 22 by default), nothing is downloaded and commands run
 * as they are. Otherwise the npm registry's `node-linux-<arch>@<major>` package (the official
 * binary, fetched and checked against its registry integrity by `npm pack`) and `npm@11` (that
 * package has no npm) are unpacked once into
 *   ${PULUMI_MODELARTS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/pulumi-modelarts}/node-v<major>/
 * whose `bin/` holds `node`, `npm` and `npx`. A build is unpacked in a temporary folder and renamed
 * into place, so an interrupted download leaves nothing half-made.
 *
 * Plain JavaScript with no dependencies: it runs on the machine's Node before anything is installed.
 * `nvm`/`volta`-style managers were considered and refused: they download release archives from
 * nodejs.org, which this project's machines cannot reach.
 */
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** The Node.js major the project runs on when the machine's is older than {@link MINIMUM_MAJOR}. */
const PRIMARY_MAJOR = 24;
/** The oldest machine Node that is used as it is. */
const MINIMUM_MAJOR = 22;
/** npm 11 runs on Node ^20.17 and >= 22.9 (npm 12 needs >= 22.22). */
const NPM_SPEC = "npm@11";
/** Set for child processes: the machine's own node, so that tests can find Node 20 without a download. */
const HOST_NODE_ENV = "PULUMI_MODELARTS_HOST_NODE";

function cacheRoot() {
  if (process.env.PULUMI_MODELARTS_CACHE) return path.resolve(process.env.PULUMI_MODELARTS_CACHE);
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  return path.join(base, "pulumi-modelarts");
}

function majorOf(version) {
  const m = /^v?(\d+)\./.exec(version || "");
  return m ? Number(m[1]) : 0;
}

/** `node --version` of an executable, or undefined when it cannot run. */
function versionOf(nodePath) {
  const res = spawnSync(nodePath, ["--version"], { encoding: "utf8", timeout: 30_000 });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

/** The machine's own node: the one that started this script, unless it is one of our cached ones. */
function hostNode() {
  const fromEnv = process.env[HOST_NODE_ENV];
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  return process.execPath;
}

function isCached(dir, major) {
  const node = path.join(dir, "bin", "node");
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
    return manifest.recipe === RECIPE && majorOf(versionOf(node)) === major && fs.existsSync(path.join(dir, "bin", "npm"));
  } catch {
    return false;
  }
}

const RECIPE = "node-npm-2";

function log(line) {
  process.stderr.write(`ensure-node: ${line}\n`);
}

/** Runs `npm pack <spec>` into `dir` with the machine's npm; returns the tarball's path. */
function npmPack(spec, dir) {
  const res = spawnSync("npm", ["pack", spec, "--silent", "--pack-destination", dir], {
    encoding: "utf8",
    timeout: 10 * 60_000,
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" },
  });
  if (res.status !== 0) {
    throw new Error(`npm pack ${spec} failed (${res.error ? res.error.message : `exit ${res.status}`}): ${(res.stderr || "").trim()}`);
  }
  const name = res.stdout.trim().split("\n").pop();
  return path.join(dir, name);
}

function untar(tarball, dir, members) {
  fs.mkdirSync(dir, { recursive: true });
  const res = spawnSync("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1", ...members], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`tar -xzf ${tarball} failed: ${(res.stderr || "").trim()}`);
}

function writeLauncher(file, body) {
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

/** Takes the lock beside `dir` (created exclusively; a lock whose process is gone is taken over). */
function lock(lockPath) {
  const started = Date.now();
  for (;;) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(lockPath, { force: true });
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    const pid = Number(fs.readFileSync(lockPath, "utf8") || "0");
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (error) {
      alive = error.code === "EPERM";
    }
    if (!alive) {
      fs.rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() - started > 15 * 60_000) throw new Error(`timed out waiting for ${lockPath} (pid ${pid})`);
    spawnSync("sleep", ["1"]);
  }
}

/** Downloads and unpacks Node `major` and npm 11 into the cache; returns the folder. */
function install(major) {
  const root = cacheRoot();
  const dir = path.join(root, `node-v${major}`);
  fs.mkdirSync(root, { recursive: true });
  const release = lock(`${dir}.lock`);
  try {
    if (isCached(dir, major)) return dir;
    const started = Date.now();
    const arch = { x64: "x64", arm64: "arm64" }[process.arch];
    if (process.platform !== "linux" || !arch) {
      throw new Error(
        `Node.js ${major} is needed (this is ${process.version}); install it yourself on ${process.platform}/${process.arch}`,
      );
    }
    log(
      `fetching Node.js ${major} and ${NPM_SPEC} from the npm registry (once per machine; this machine has Node.js ${versionOf(hostNode())})`,
    );
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    const downloads = path.join(tmp, "downloads");
    fs.mkdirSync(downloads, { recursive: true });
    try {
      untar(npmPack(`node-linux-${arch}@${major}`, downloads), tmp, ["package/bin/node", "package/LICENSE"]);
      untar(npmPack(NPM_SPEC, downloads), path.join(tmp, "lib", "node_modules", "npm"), []);
      fs.rmSync(downloads, { recursive: true, force: true });
      const npmCli = path.join("..", "lib", "node_modules", "npm", "bin");
      // readlink -f: the launchers keep working when linked from elsewhere.
      const here = 'here=$(dirname "$(readlink -f "$0")")';
      writeLauncher(path.join(tmp, "bin", "npm"), `${here}\nexec "$here/node" "$here/${npmCli}/npm-cli.js" "$@"`);
      writeLauncher(path.join(tmp, "bin", "npx"), `${here}\nexec "$here/node" "$here/${npmCli}/npx-cli.js" "$@"`);
      const version = versionOf(path.join(tmp, "bin", "node"));
      if (majorOf(version) !== major) throw new Error(`the unpacked node reports ${version}, not v${major}`);
      fs.writeFileSync(
        path.join(tmp, "manifest.json"),
        JSON.stringify({ recipe: RECIPE, version, fetchedAt: new Date().toISOString() }, null, 2) + "\n",
      );
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
      log(`Node.js ${version} ready in ${Math.round((Date.now() - started) / 1000)}s: ${path.join(dir, "bin")}`);
      return dir;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } finally {
    release();
  }
}

/**
 * The folder holding a `node` that fits: exactly `major` when given, else the machine's own when it
 * is >= {@link MINIMUM_MAJOR}, else a cached Node {@link PRIMARY_MAJOR}.
 */
function ensureNode(options = {}) {
  const host = hostNode();
  const hostMajor = majorOf(host === process.execPath ? process.version : versionOf(host));
  const fits = options.major === undefined ? hostMajor >= MINIMUM_MAJOR : hostMajor === options.major;
  if (fits) return path.dirname(host);
  const major = options.major ?? PRIMARY_MAJOR;
  const dir = path.join(cacheRoot(), `node-v${major}`);
  return path.join(isCached(dir, major) ? dir : install(major), "bin");
}

/** The environment for a command run with the Node in `binDir`. */
function nodeEnv(binDir, base = process.env) {
  return {
    ...base,
    PATH: binDir + path.delimiter + (base.PATH || ""),
    [HOST_NODE_ENV]: base[HOST_NODE_ENV] || hostNode(),
  };
}

/** Where `prepare` (scripts/link-self.js) records the lock file that node_modules was installed from. */
const INSTALL_STAMP = path.join("node_modules", ".pulumi-modelarts-installed");

/**
 * Runs `npm ci` in the checkout with the Node in `binDir` unless node_modules was installed from the
 * current package-lock.json, so that a fresh clone needs no install step before `npm start` or
 * `npm test` (and the install runs on the Node that the project declares, without engine warnings).
 */
function ensureInstalled(binDir, root = path.resolve(__dirname, "..")) {
  const lock = fs.readFileSync(path.join(root, "package-lock.json"));
  const wanted = require("node:crypto").createHash("sha256").update(lock).digest("hex");
  let stamp = "";
  try {
    stamp = fs.readFileSync(path.join(root, INSTALL_STAMP), "utf8").trim();
  } catch {
    // not installed yet
  }
  if (stamp === wanted) return;
  log(stamp ? "package-lock.json changed since the last install: npm ci" : "no installed dependencies yet: npm ci");
  const res = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit", env: nodeEnv(binDir) });
  if (res.status !== 0) throw new Error(`npm ci failed (${res.error ? res.error.message : `exit ${res.status}`})`);
}

module.exports = { ensureNode, ensureInstalled, INSTALL_STAMP, nodeEnv, majorOf, PRIMARY_MAJOR, MINIMUM_MAJOR, HOST_NODE_ENV };

function main(argv) {
  const sep = argv.indexOf("--");
  const flags = sep === -1 ? argv : argv.slice(0, sep);
  const command = sep === -1 ? [] : argv.slice(sep + 1);
  const majorAt = flags.indexOf("--major");
  const major = majorAt === -1 ? undefined : Number(flags[majorAt + 1]);
  if (major !== undefined && !(major > 0)) throw new Error("--major takes a Node.js major version, e.g. --major 20");
  const binDir = ensureNode({ major });
  if (flags.includes("--install")) ensureInstalled(binDir);
  if (flags.includes("--print") || command.length === 0) {
    process.stdout.write(`${binDir}\n`);
    return;
  }
  const child = spawn(command[0], command.slice(1), { stdio: "inherit", env: nodeEnv(binDir) });
  // The child gets Ctrl-C from the terminal itself; a signal sent to this process is passed on.
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, () => child.kill(signal));
  child.on("error", (error) => {
    log(`cannot run ${command[0]}: ${error.message}`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      for (const s of signals) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    log(error.message);
    process.exit(1);
  }
}
