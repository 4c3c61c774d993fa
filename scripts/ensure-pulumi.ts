// Builds the Pulumi CLI, a Node.js language host and the dynamic-provider shim from the
// github.com/pulumi/pulumi Go modules (the release archives cannot be downloaded here), once per
// machine, into a cache outside the checkout, and reuses that build afterwards.
//
//   npm run --silent ensure-pulumi   -> last stdout line: the folder holding `pulumi`,
//                                       `pulumi-language-nodejs`, `pulumi-language-python`,
//                                       `pulumi-language-go` and `pulumi-resource-pulumi-nodejs`
//   import { ensurePulumi } from "../scripts/ensure-pulumi"; const binDir = await ensurePulumi();
//
// Version: the one of the installed @pulumi/pulumi (node_modules/@pulumi/pulumi/package.json).
// A `pulumi` already on PATH with the same major.minor is used as is when its folder also holds the
// language host and the shim. Otherwise the cache is
//   ${PULUMI_MODELARTS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/pulumi-modelarts}/pulumi-v<version>/bin
// built by a generated Go module in a temporary folder that is renamed into place when complete,
// under a lock file so that concurrent callers build once.
//
// The Node.js language host is built apart from the CLI, into a folder of its own keyed by the CLI
// version and by the host's own recipe (its source): ${cache}/pulumi-v<version>-nodejs-<recipe>/bin.
// That folder is the one ensurePulumi returns: it holds the host and a hard link to every other
// executable of the CLI's bin folder, so a caller that puts it first on PATH gets the CLI, the shim
// and this host (the engine looks language hosts up on PATH). Editing the host rebuilds only the
// host (seconds, against the CLI build's go.mod and Go build cache), never the CLI.
//
// The upstream Node.js language host: the upstream module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 has no tags; it is built at
// the release commit when the module proxy reports that commit (Origin.Hash) and serves the
// module, or at PULUMI_MODELARTS_NODEJS_HOST_VERSION (a pseudo-version) when set. When neither
// works (the case with this project's module proxy, which does not serve that module) a compact
// language host, whose Go source is scripts/pulumi-language-nodejs/main.go and which is built against the same
// github.com/pulumi/pulumi/sdk/v3, is compiled instead. It runs programs exactly like the
// upstream host (node @pulumi/pulumi/cmd/run resolved from the program folder, same flags and
// PULUMI_CONFIG* environment), runs Node.js plugins from source (RunPlugin), links SDK packages
// (Link), tolerates the old single-dash -name=value flags, but does not generate code.
//
// The Python and Go language hosts: the upstream modules cannot be fetched either, so compact
// hosts (scripts/language-hosts: python/, go/ and the hostkit/ they share) are compiled against
// the pkg/v3 code generators. They are built after the CLI, in a module beside the CLI's (a copy of
// its go.mod and go.sum, so the same module versions and the same build cache), and added to the
// cached bin folder with a manifest of their own (hosts.json): a change to them never rebuilds the
// CLI.
//
// The YAML language host (pulumi-language-yaml, github.com/pulumi/pulumi-yaml v1.25.0) is built by
// `ensureYamlHost` in a generated Go module of its own (pulumi-yaml pins its own pkg/sdk versions)
// into a folder of its own, ${cache}/pulumi-language-yaml-v1.25.0/bin, so that a cached CLI stays
// valid. The script builds both; the YAML host's folder goes on PATH beside the CLI's.
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface EnsurePulumiOptions {
  /** Receives progress lines (default: written to stderr). */
  log?: (line: string) => void;
  /** Pulumi version to provide (default: the installed @pulumi/pulumi's version). */
  version?: string;
  /** Cache root (default: $PULUMI_MODELARTS_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/pulumi-modelarts). */
  cacheRoot?: string;
  /** Accept a suitable `pulumi` found on PATH (default: true). */
  usePath?: boolean;
  /** How long to wait for another process's build of the same version (default: 45 minutes). */
  lockTimeoutMs?: number;
}

const PKG_MODULE = "github.com/pulumi/pulumi/pkg/v3";
const SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3";
const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const NODEJS_HOST_MODULE = "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3";
const VERSION_SYMBOL = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
const BUILD_TAGS = "osusergo,grpcnotrace";
const EXECUTABLES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"] as const;
/** What the CLI's own cache folder holds (the Node.js host has a folder of its own). */
const CLI_EXECUTABLES = ["pulumi", "pulumi-resource-pulumi-nodejs"] as const;
const NODEJS_HOST = "pulumi-language-nodejs";
/** The compact language hosts built beside the CLI: executable name -> package folder. */
const LANGUAGE_HOSTS = { "pulumi-language-python": "python", "pulumi-language-go": "go" } as const;
const HOST_EXECUTABLES = Object.keys(LANGUAGE_HOSTS) as (keyof typeof LANGUAGE_HOSTS)[];
/** The YAML language host: its own module and version, built against the Pulumi modules it pins itself. */
const YAML_MODULE = "github.com/pulumi/pulumi-yaml";
const YAML_VERSION = "v1.25.0";
const YAML_HOST_PACKAGE = `${YAML_MODULE}/cmd/pulumi-language-yaml`;

/**
 * Environment for running the Pulumi CLI from `binDir` non-interactively: the bin folder first on
 * PATH, no update check (it would query the Pulumi service), no telemetry-ish prompts.
 */
export function pulumiEnv(binDir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    PATH: binDir + path.delimiter + (base.PATH ?? ""),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
  };
}

/** The version of the installed @pulumi/pulumi package, e.g. "3.248.0". */
export function pinnedPulumiVersion(): string {
  const pkgJson = require.resolve("@pulumi/pulumi/package.json");
  const version = (JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { version?: unknown }).version;
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+/.test(version)) {
    throw new Error(`cannot read the version of @pulumi/pulumi from ${pkgJson}`);
  }
  return version;
}

/** The folder under which the builds are cached. */
export function pulumiCacheRoot(): string {
  if (process.env.PULUMI_MODELARTS_CACHE) return path.resolve(process.env.PULUMI_MODELARTS_CACHE);
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  return path.join(base, "pulumi-modelarts");
}

/**
 * Makes sure a Pulumi CLI at the pinned version, the Node.js, Python and Go language hosts and the
 * dynamic provider shim are available, building them if needed, and returns the absolute folder
 * that holds the five executables (the Node.js host's folder, with hard links to the CLI's).
 */
export async function ensurePulumi(opts: EnsurePulumiOptions = {}): Promise<string> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`ensure-pulumi: ${line}\n`));
  const version = (opts.version ?? pinnedPulumiVersion()).replace(/^v/, "");

  const root = path.resolve(opts.cacheRoot ?? pulumiCacheRoot());
  if (opts.usePath !== false) {
    const fromPath = suitablePathPulumi(version, root, log);
    if (fromPath) return fromPath;
  }

  const finalDir = path.join(root, `pulumi-v${version}`);
  const binDir = path.join(finalDir, "bin");
  const lockTimeoutMs = opts.lockTimeoutMs ?? 45 * 60 * 1000;
  if (isComplete(finalDir, version)) {
    log(`using cached Pulumi CLI v${version} at ${binDir}`);
  } else {
    fs.mkdirSync(root, { recursive: true });
    const release = await acquireLock(`${finalDir}.lock`, log, lockTimeoutMs);
    try {
      if (isComplete(finalDir, version)) {
        log(`using Pulumi CLI v${version} built by another process at ${binDir}`);
      } else {
        removeStaleTempDirs(root, `pulumi-v${version}.tmp-`);
        await build(version, finalDir, log);
      }
    } finally {
      release();
    }
  }
  // The Python and Go hosts go into the CLI's folder first, so that the Node.js host's folder links them too.
  await ensureLanguageHosts(finalDir, version, log, lockTimeoutMs);
  return ensureNodejsHost(finalDir, version, log, lockTimeoutMs);
}

/** Builds the Python and Go language hosts into `finalDir/bin` unless hosts.json says they are current. */
async function ensureLanguageHosts(finalDir: string, version: string, log: (line: string) => void, lockTimeoutMs: number): Promise<void> {
  if (hostsComplete(finalDir, version)) return;
  const release = await acquireLock(`${finalDir}.hosts.lock`, log, lockTimeoutMs);
  try {
    if (hostsComplete(finalDir, version)) return;
    removeStaleTempDirs(finalDir, "hosts.tmp-");
    await buildLanguageHosts(version, finalDir, log);
  } finally {
    release();
  }
}

/**
 * Builds the Node.js language host into ${root}/pulumi-v<version>-nodejs-<recipe>/bin unless it is
 * there, links the CLI's other executables beside it and returns that folder.
 */
async function ensureNodejsHost(cliDir: string, version: string, log: (line: string) => void, lockTimeoutMs: number): Promise<string> {
  const finalDir = `${cliDir}-nodejs-${NODEJS_RECIPE}`;
  const binDir = path.join(finalDir, "bin");
  const complete = () => readManifest(finalDir)?.recipe === NODEJS_RECIPE && isExecutable(path.join(binDir, NODEJS_HOST));
  if (!complete()) {
    const release = await acquireLock(`${finalDir}.lock`, log, lockTimeoutMs);
    try {
      if (!complete()) {
        removeStaleTempDirs(path.dirname(finalDir), `${path.basename(finalDir)}.tmp-`);
        await buildNodejsHost(version, cliDir, finalDir, log);
      }
    } finally {
      release();
    }
  } else {
    log(`using cached ${NODEJS_HOST} at ${binDir}`);
  }
  linkCliExecutables(path.join(cliDir, "bin"), binDir);
  return binDir;
}

/**
 * Gives `binDir` every executable of the CLI's bin folder, as hard links (a copy across file
 * systems): the CLI takes the folder it was started from (not a symbolic link's target) as the home
 * of its bundled language hosts, so it finds this Node.js host there without a warning. Entries
 * that no longer match the CLI's files (a rebuilt CLI) are replaced; safe to race.
 */
function linkCliExecutables(cliBin: string, binDir: string): void {
  for (const name of fs.readdirSync(cliBin)) {
    const source = path.join(cliBin, name);
    if (name === NODEJS_HOST || !isExecutable(source)) continue;
    const link = path.join(binDir, name);
    const want = fs.statSync(source);
    try {
      const have = fs.lstatSync(link);
      const copied = have.size === want.size && have.mtimeMs === want.mtimeMs;
      if ((have.ino === want.ino && have.dev === want.dev) || copied) continue;
    } catch {
      // not there yet
    }
    const tmp = `${link}.tmp-${process.pid}`;
    fs.rmSync(tmp, { force: true });
    try {
      fs.linkSync(source, tmp);
    } catch {
      fs.copyFileSync(source, tmp);
      fs.chmodSync(tmp, want.mode);
      fs.utimesSync(tmp, want.atime, want.mtime);
    }
    fs.renameSync(tmp, link);
  }
}

/**
 * Makes sure that `pulumi-language-yaml` (pulumi-yaml ${YAML_VERSION}) is available, building it if
 * needed into a folder of its own beside the CLI's (${root}/pulumi-language-yaml-<version>/bin), so
 * that adding it never invalidates a cached CLI. Returns that folder: put it on PATH with the CLI's.
 */
export async function ensureYamlHost(opts: Omit<EnsurePulumiOptions, "version" | "usePath"> = {}): Promise<string> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`ensure-pulumi: ${line}\n`));
  const root = path.resolve(opts.cacheRoot ?? pulumiCacheRoot());
  const finalDir = path.join(root, `pulumi-language-yaml-${YAML_VERSION}`);
  const binDir = path.join(finalDir, "bin");
  const complete = () => readManifest(finalDir)?.recipe === YAML_RECIPE && isExecutable(path.join(binDir, "pulumi-language-yaml"));
  if (complete()) {
    log(`using cached pulumi-language-yaml ${YAML_VERSION} at ${binDir}`);
    return binDir;
  }
  fs.mkdirSync(root, { recursive: true });
  const release = await acquireLock(`${finalDir}.lock`, log, opts.lockTimeoutMs ?? 45 * 60 * 1000);
  try {
    if (complete()) return binDir;
    removeStaleTempDirs(root, `pulumi-language-yaml-${YAML_VERSION}.tmp-`);
    await buildYamlHost(finalDir, log);
    return binDir;
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------
// PATH and cache checks

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.resolve(dir);
  }
  return undefined;
}

function suitablePathPulumi(version: string, cacheRoot: string, log: (line: string) => void): string | undefined {
  const dir = findOnPath("pulumi");
  // One of this cache's own folders on PATH (the CLI's holds an older Node.js host) is no
  // installation of the user's: the cache lookup picks the current folders.
  if (!dir || !path.relative(cacheRoot, dir).startsWith("..")) return undefined;
  const res = spawnSync(path.join(dir, "pulumi"), ["version"], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  const found = /v?(\d+)\.(\d+)\.(\d+)/.exec(res.stdout ?? "");
  const [major, minor] = version.split(".");
  if (res.status !== 0 || !found) {
    log(`ignoring ${path.join(dir, "pulumi")}: \`pulumi version\` failed`);
    return undefined;
  }
  if (found[1] !== major || found[2] !== minor) {
    log(`ignoring pulumi ${found[0]} on PATH (${dir}): @pulumi/pulumi is ${version}`);
    return undefined;
  }
  const missing = [...EXECUTABLES, ...HOST_EXECUTABLES].filter((exe) => !isExecutable(path.join(dir, exe)));
  if (missing.length > 0) {
    log(`pulumi ${found[0]} on PATH (${dir}) lacks ${missing.join(", ")}; using a build of v${version} instead`);
    return undefined;
  }
  log(`using pulumi ${found[0]} from PATH at ${dir}`);
  return dir;
}

interface Manifest {
  version: string;
  recipe: string;
  /** The CLI build's recipe (without the Node.js host, which has a folder of its own). */
  cliRecipe?: string;
  languageHost: string;
  goVersion: string;
  builtAt: string;
  buildSeconds: number;
}

function readManifest(finalDir: string): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(finalDir, "manifest.json"), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

function isComplete(finalDir: string, version: string): boolean {
  const manifest = readManifest(finalDir);
  if (manifest === undefined || manifest.version !== version) return false;
  if (!CLI_EXECUTABLES.every((exe) => isExecutable(path.join(finalDir, "bin", exe)))) return false;
  if (manifest.cliRecipe !== undefined) return manifest.cliRecipe === CLI_RECIPE;
  // A build from before the Node.js host moved out (its recipe hashed that host too): the build
  // tags and the version symbol are unchanged since, so the CLI is current when its shim is.
  try {
    return fs.readFileSync(path.join(finalDir, "bin", "pulumi-resource-pulumi-nodejs"), "utf8") === installedSources().shim;
  } catch {
    return false;
  }
}

interface HostsManifest {
  version: string;
  recipe: string;
  builtAt: string;
  buildSeconds: number;
}

function hostsComplete(finalDir: string, version: string): boolean {
  let manifest: HostsManifest | undefined;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(finalDir, "hosts.json"), "utf8")) as HostsManifest;
  } catch {
    return false;
  }
  return (
    manifest.version === version &&
    manifest.recipe === HOSTS_RECIPE &&
    HOST_EXECUTABLES.every((exe) => isExecutable(path.join(finalDir, "bin", exe)))
  );
}

function removeStaleTempDirs(root: string, prefix: string): void {
  for (const name of fs.readdirSync(root)) {
    if (name.startsWith(prefix) || name.startsWith(prefix.replace(".tmp-", ".old-"))) {
      fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Lock file: created exclusively, holds {pid, host}; a lock whose process is gone is taken over.

interface LockInfo {
  pid: number;
  host: string;
  since: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** @internal Exported for the tests. Resolves to a release function once the lock is held. */
export async function acquireLock(lockPath: string, log: (line: string) => void, timeoutMs: number): Promise<() => void> {
  const me: LockInfo = { pid: process.pid, host: os.hostname(), since: Date.now() };
  const started = Date.now();
  let lastNotice = 0;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, "wx");
      fs.writeSync(fd, JSON.stringify(me));
      fs.closeSync(fd);
      return () => {
        try {
          const held = JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockInfo;
          if (held.pid === me.pid && held.host === me.host && held.since === me.since) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    let holder: LockInfo | undefined;
    let ageMs = 0;
    try {
      ageMs = Date.now() - fs.statSync(lockPath).mtimeMs;
      holder = JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockInfo;
    } catch {
      holder = undefined; // vanished, or being written right now
    }
    const stale = holder ? (holder.host === os.hostname() ? !pidAlive(holder.pid) : ageMs > 3 * 60 * 60 * 1000) : ageMs > 30_000;
    if (stale) {
      log(`removing stale lock ${lockPath}${holder ? ` (pid ${holder.pid} is gone)` : ""}`);
      fs.rmSync(lockPath, { force: true });
      continue;
    }
    const waited = Date.now() - started;
    if (waited > timeoutMs) {
      throw new Error(`timed out after ${formatDuration(waited)} waiting for ${lockPath} (held by pid ${holder?.pid ?? "?"})`);
    }
    if (lastNotice === 0 || Date.now() - lastNotice >= 30_000) {
      lastNotice = Date.now();
      log(
        `waiting for another process (pid ${holder?.pid ?? "?"}) that is building the Pulumi CLI` +
          (waited > 0 ? ` (${formatDuration(waited)})` : "") +
          "…",
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// ---------------------------------------------------------------------------------------------
// The build

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

interface GoResult {
  stdout: string;
  stderr: string;
}

class GoError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

interface GoRunner {
  env: NodeJS.ProcessEnv;
  cwd: string;
  log: (line: string) => void;
}

/** `go get` warns about retracted versions that the Pulumi release itself pins: not actionable here. */
const RETRACTION_NOISE = /retracted by module author|to switch to the latest unretracted version|^\s+go get \S+@latest$/;

/** Runs `go args…`; go's stderr is summarised into the log ("go: downloading" lines are counted). */
function runGo(go: GoRunner, args: string[], step?: { label: string; started: number }): Promise<GoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("go", args, { cwd: go.cwd, env: go.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let pending = "";
    let downloads = 0;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (/^go: (downloading|added|upgraded|finding) /.test(line)) downloads++;
        else if (RETRACTION_NOISE.test(line)) continue;
        else if (line.trim()) go.log(`  ${line}`);
      }
    });
    const ticker = step
      ? setInterval(() => {
          const extra = downloads > 0 ? `, ${downloads} modules fetched` : "";
          go.log(`  … still ${step.label} (${formatDuration(Date.now() - step.started)}${extra})`);
        }, 30_000)
      : undefined;
    child.on("error", (err) => {
      if (ticker) clearInterval(ticker);
      reject(err);
    });
    child.on("close", (code, signal) => {
      if (ticker) clearInterval(ticker);
      if (pending.trim() && !/^go: (downloading|added|upgraded|finding) /.test(pending)) go.log(`  ${pending}`);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new GoError(`go ${args.join(" ")} failed (${signal ?? `exit code ${code}`})`, stderr));
    });
  });
}

function goVersionOf(s: string): number[] {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : [0, 0, 0];
}

function versionLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/** Reads the `go` directive and the version-to-version replace directives of a go.mod. */
function parseGoMod(text: string): { go?: string; replaces: string[] } {
  const replaces: string[] = [];
  const goLine = /^go\s+(\S+)/m.exec(text);
  const addReplace = (body: string) => {
    const m = /^(\S+)(?:\s+(\S+))?\s+=>\s+(\S+)(?:\s+(\S+))?$/.exec(body.trim());
    // Replacements by a local path (no version on the right) only make sense inside the repository.
    if (m && m[4]) replaces.push(body.trim());
  };
  const lines = text.split("\n").map((l) => l.replace(/\/\/.*$/, "").trim());
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "replace (") {
      for (i++; i < lines.length && lines[i] !== ")"; i++) addReplace(lines[i] ?? "");
    } else if (line.startsWith("replace ")) {
      addReplace(line.slice("replace ".length));
    }
  }
  return { go: goLine?.[1], replaces };
}

interface GoSetup {
  env: NodeJS.ProcessEnv;
  goVersion: string;
}

/** Checks that `go` runs and returns the environment every build step uses. */
function goSetup(version: string | undefined): GoSetup {
  const probe = spawnSync("go", ["env", "-json", "GOVERSION", "GOFLAGS", "GOTOOLCHAIN"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? (probe.error as NodeJS.ErrnoException).code : probe.stderr.trim();
    throw new Error(
      `the Go toolchain is needed to build the Pulumi CLI and its language hosts but \`go\` could not be run (${why}). ` +
        "Install Go 1.25 or newer and put `go` on PATH" +
        (version === undefined
          ? "."
          : `, or put a Pulumi CLI ${version.split(".").slice(0, 2).join(".")}.x with ${[...EXECUTABLES.slice(1), ...HOST_EXECUTABLES].join(", ")} ` +
            "beside it on PATH."),
    );
  }
  const goEnvJson = JSON.parse(probe.stdout) as { GOVERSION: string; GOFLAGS: string; GOTOOLCHAIN: string };
  const goFlags = goEnvJson.GOFLAGS.split(/\s+/).filter((f) => f && !f.startsWith("-mod=") && !f.startsWith("-buildvcs"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Never let a module's toolchain line download another Go unless the caller asked for it.
    GOTOOLCHAIN: process.env.GOTOOLCHAIN || "local",
    GOFLAGS: [...goFlags, "-mod=mod", "-buildvcs=false"].join(" "),
    GOWORK: "off",
    GO111MODULE: "on",
    CGO_ENABLED: "0",
  };
  return { env, goVersion: goEnvJson.GOVERSION };
}

/**
 * Writes the wrapper module (`go install pkg@version` refuses modules that have replace directives)
 * requiring the CLI and the SDK at `tag`.
 */
async function resolvePulumiModules(go: GoRunner, tag: string, goVersion: string, s: { label: string; started: number }): Promise<void> {
  fs.writeFileSync(path.join(go.cwd, "go.mod"), "module pulumi-modelarts.local/pulumi-build\n\ngo 1.24\n");
  const dl = JSON.parse((await runGo(go, ["mod", "download", "-json", `${PKG_MODULE}@${tag}`], s)).stdout) as {
    GoMod?: string;
    Error?: string;
  };
  if (!dl.GoMod) throw new Error(`cannot download ${PKG_MODULE}@${tag}: ${dl.Error ?? "no go.mod"}`);
  const pkgMod = parseGoMod(fs.readFileSync(dl.GoMod, "utf8"));
  if (pkgMod.go && go.env.GOTOOLCHAIN === "local" && versionLess(goVersionOf(goVersion), goVersionOf(pkgMod.go))) {
    throw new Error(
      `${PKG_MODULE}@${tag} needs go ${pkgMod.go} but ${goVersion} is installed. Install a newer Go, or let ` +
        `the go command fetch one from the module proxy: GOTOOLCHAIN=go${pkgMod.go} npm run --silent ensure-pulumi`,
    );
  }
  // The CLI's own replace directives apply only when pkg is the main module: copy them.
  if (pkgMod.replaces.length > 0) {
    fs.appendFileSync(path.join(go.cwd, "go.mod"), `\nreplace (\n${pkgMod.replaces.map((r) => `\t${r}\n`).join("")})\n`);
  }
  await runGo(go, ["get", "-tool", `${CLI_PACKAGE}@${tag}`, `${SDK_MODULE}@${tag}`], s);
}

/** Checks that the wrapper module resolved pkg and sdk to exactly `tag`. */
async function checkResolved(go: GoRunner, tag: string): Promise<void> {
  const resolved = (await runGo(go, ["list", "-m", "-f", "{{.Version}}", PKG_MODULE, SDK_MODULE])).stdout.trim().split("\n");
  if (resolved.some((v) => v.trim() !== tag)) {
    throw new Error(`module versions did not resolve to ${tag}: ${PKG_MODULE} ${resolved[0]}, ${SDK_MODULE} ${resolved[1]}`);
  }
}

function buildArgs(tag: string, out: string, pkg: string): string[] {
  return ["build", "-trimpath", "-tags", BUILD_TAGS, "-ldflags", `-X ${VERSION_SYMBOL}=${tag}`, "-o", out, pkg];
}

/** Runs `<exe> -version` (or `version`) and checks that it prints `tag`. */
function verifyVersion(file: string, args: readonly string[], tag: string): void {
  const res = spawnSync(file, [...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  if (res.status !== 0 || res.stdout.trim() !== tag) {
    throw new Error(
      `${path.basename(file)} ${args.join(" ")} printed ${JSON.stringify(res.stdout.trim())} (expected ${tag}): ${res.stderr}`,
    );
  }
}

/** Adds go's last stderr lines (and a hint when the Go is too old) to a failed go command's error. */
function explainGoError(err: unknown): unknown {
  if (!(err instanceof GoError)) return err;
  const tail = err.stderr.trim().split("\n").slice(-40).join("\n");
  const hint = /requires go >=|toolchain/.test(err.stderr)
    ? "\nhint: the modules need a newer Go; install one or set GOTOOLCHAIN=go<version> to let the go command fetch it"
    : "";
  return new Error(`${err.message}\n${tail}${hint}`);
}

/**
 * Compiles the Python and Go language hosts in `finalDir/hosts.tmp-*` (a copy of the CLI build's
 * go.mod and go.sum when there is one, so nothing is resolved or compiled twice) and moves them
 * into `finalDir/bin`, then writes hosts.json.
 */
async function buildLanguageHosts(version: string, finalDir: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const tag = `v${version}`;
  const { tmpDir, srcDir, tmpBin } = scratchBuild(path.join(finalDir, "hosts"));
  try {
    log(`building the Python and Go language hosts ${tag} against ${PKG_MODULE}`);
    const setup = goSetup(version);
    const go: GoRunner = { env: setup.env, cwd: srcDir, log };
    const step = (label: string) => {
      log(`${label}… (${formatDuration(Date.now() - started)} elapsed)`);
      return { label, started: Date.now() };
    };
    if (!startFromCliModule(finalDir, srcDir)) {
      await resolvePulumiModules(go, tag, setup.goVersion, step("resolving modules"));
    }
    for (const [rel, text] of Object.entries(installedSources().hosts)) {
      fs.mkdirSync(path.dirname(path.join(srcDir, rel)), { recursive: true });
      fs.writeFileSync(path.join(srcDir, rel), text);
    }
    await checkResolved(go, tag);
    for (const [exe, pkg] of Object.entries(LANGUAGE_HOSTS)) {
      const s = step(`compiling ${exe}`);
      await runGo(go, buildArgs(tag, path.join(tmpBin, exe), `./${pkg}`), s);
      verifyVersion(path.join(tmpBin, exe), ["-version"], tag);
    }
    // Each rename replaces one executable atomically; hosts.json, written last, vouches for the set.
    fs.rmSync(path.join(finalDir, "hosts.json"), { force: true });
    for (const exe of HOST_EXECUTABLES) fs.renameSync(path.join(tmpBin, exe), path.join(finalDir, "bin", exe));
    const manifest: HostsManifest = {
      version,
      recipe: HOSTS_RECIPE,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
    };
    fs.writeFileSync(path.join(finalDir, "hosts.json"), JSON.stringify(manifest, null, 2) + "\n");
    log(`built the Python and Go language hosts in ${formatDuration(Date.now() - started)}`);
  } catch (err) {
    throw explainGoError(err);
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

async function build(version: string, finalDir: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const tag = `v${version}`;
  const { tmpDir, srcDir, tmpBin } = scratchBuild(finalDir);
  let ok = false;
  try {
    log(`building Pulumi CLI ${tag} from the Go modules (first time on this machine: several minutes)`);
    const setup = goSetup(version);
    const go: GoRunner = { env: setup.env, cwd: srcDir, log };
    log(`using ${setup.goVersion} (GOTOOLCHAIN=${setup.env.GOTOOLCHAIN})`);

    const step = (label: string) => {
      log(`${label}… (${formatDuration(Date.now() - started)} elapsed)`);
      return { label, started: Date.now() };
    };
    let s = step("resolving modules");
    await resolvePulumiModules(go, tag, setup.goVersion, s);
    // The Node.js host's build starts from this module: keep what it imports (grpc, the SDK) in it.
    fs.mkdirSync(path.join(srcDir, "langhost"));
    fs.writeFileSync(path.join(srcDir, "langhost", "main.go"), installedSources().hostGo);
    await runGo(go, ["mod", "tidy"], s);
    await checkResolved(go, tag);

    s = step("compiling pulumi CLI");
    await runGo(go, buildArgs(tag, path.join(tmpBin, "pulumi"), CLI_PACKAGE), s);

    step("installing the pulumi-resource-pulumi-nodejs shim");
    fs.writeFileSync(path.join(tmpBin, "pulumi-resource-pulumi-nodejs"), installedSources().shim, { mode: 0o755 });

    step("verifying");
    verifyVersion(path.join(tmpBin, "pulumi"), ["version"], tag);

    const manifest: Manifest = {
      version,
      recipe: CLI_RECIPE,
      cliRecipe: CLI_RECIPE,
      languageHost: "built apart (see the pulumi-v<version>-nodejs-<recipe> folders)",
      goVersion: setup.goVersion,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
    };
    fs.writeFileSync(path.join(tmpDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

    // Publish atomically: a finished build appears under its final name in one rename.
    if (fs.existsSync(finalDir)) {
      const old = `${finalDir}.old-${process.pid}-${Date.now()}`;
      fs.renameSync(finalDir, old);
      fs.renameSync(tmpDir, finalDir);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmpDir, finalDir);
    }
    ok = true;
    log(`built Pulumi CLI ${tag} in ${formatDuration(Date.now() - started)}: ${path.join(finalDir, "bin")}`);
  } catch (err) {
    throw explainGoError(err);
  } finally {
    if (!ok) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/**
 * Builds pulumi-language-yaml in a generated Go module of its own: pulumi-yaml builds only against
 * the pkg/sdk versions its go.mod pins (not the CLI's), so it never shares the CLI's module.
 */
async function buildYamlHost(finalDir: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const { tmpDir, srcDir, tmpBin } = scratchBuild(finalDir);
  let ok = false;
  try {
    log(`building pulumi-language-yaml ${YAML_VERSION} from the Go modules (first time on this machine: a few minutes)`);
    const { env, goVersion } = goSetup(undefined);
    const go: GoRunner = { env, cwd: srcDir, log };
    const s = { label: "building pulumi-language-yaml", started };
    fs.writeFileSync(path.join(srcDir, "go.mod"), "module pulumi-modelarts.local/yaml-build\n\ngo 1.24\n");
    const dl = JSON.parse((await runGo(go, ["mod", "download", "-json", `${YAML_MODULE}@${YAML_VERSION}`], s)).stdout) as {
      GoMod?: string;
      Error?: string;
    };
    if (!dl.GoMod) throw new Error(`cannot download ${YAML_MODULE}@${YAML_VERSION}: ${dl.Error ?? "no go.mod"}`);
    // Its replace directives apply only when it is the main module: copy them.
    const yamlMod = parseGoMod(fs.readFileSync(dl.GoMod, "utf8"));
    if (yamlMod.replaces.length > 0) {
      fs.appendFileSync(path.join(srcDir, "go.mod"), `\nreplace (\n${yamlMod.replaces.map((r) => `\t${r}\n`).join("")})\n`);
    }
    await runGo(go, ["get", "-tool", `${YAML_HOST_PACKAGE}@${YAML_VERSION}`], s);
    await runGo(go, ["build", "-trimpath", "-tags", BUILD_TAGS, "-o", path.join(tmpBin, "pulumi-language-yaml"), YAML_HOST_PACKAGE], s);
    publishHostBuild(tmpDir, finalDir, {
      version: YAML_VERSION,
      recipe: YAML_RECIPE,
      languageHost: `${YAML_HOST_PACKAGE}@${YAML_VERSION}`,
      goVersion,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
    });
    ok = true;
    log(`built pulumi-language-yaml ${YAML_VERSION} in ${formatDuration(Date.now() - started)}: ${path.join(finalDir, "bin")}`);
  } catch (err) {
    throw explainGoError(err);
  } finally {
    if (!ok) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/**
 * Builds pulumi-language-nodejs in a module that starts as a copy of the CLI build's go.mod and
 * go.sum (same module versions, and the Go build cache already holds the compiled SDK): the
 * upstream host when the module proxy serves it at the release commit, else the compact one.
 */
async function buildNodejsHost(version: string, cliDir: string, finalDir: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const tag = `v${version}`;
  const { tmpDir, srcDir, tmpBin } = scratchBuild(finalDir);
  let ok = false;
  try {
    log(`building ${NODEJS_HOST} ${tag}`);
    const { env, goVersion } = goSetup(undefined);
    const go: GoRunner = { env, cwd: srcDir, log };
    const s = { label: `building ${NODEJS_HOST}`, started };
    if (!startFromCliModule(cliDir, srcDir)) {
      fs.writeFileSync(path.join(srcDir, "go.mod"), "module pulumi-modelarts.local/nodejs-host-build\n\ngo 1.24\n");
      await runGo(go, ["get", `${SDK_MODULE}@${tag}`], s);
    }
    let languageHost = await tryUpstreamNodejsHost(go, tag, s, log);
    if (!languageHost) {
      fs.mkdirSync(path.join(srcDir, "langhost"), { recursive: true });
      fs.writeFileSync(path.join(srcDir, "langhost", "main.go"), installedSources().hostGo);
      languageHost = { pkg: "./langhost", description: `compact host built against ${SDK_MODULE}@${tag}` };
    }
    const out = path.join(tmpBin, NODEJS_HOST);
    await runGo(go, ["build", "-trimpath", "-tags", BUILD_TAGS, "-ldflags", `-X ${VERSION_SYMBOL}=${tag}`, "-o", out, languageHost.pkg], s);
    verifyVersion(out, ["-version"], tag);
    publishHostBuild(tmpDir, finalDir, {
      version,
      recipe: NODEJS_RECIPE,
      languageHost: languageHost.description,
      goVersion,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
    });
    ok = true;
    log(`built ${NODEJS_HOST} (${languageHost.description}) in ${formatDuration(Date.now() - started)}: ${path.join(finalDir, "bin")}`);
  } catch (err) {
    throw explainGoError(err);
  } finally {
    if (!ok) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** A scratch folder for a build of `finalDir` (`<finalDir>.tmp-<pid>-<time>`) with its `src/` and `bin/`. */
function scratchBuild(finalDir: string): { tmpDir: string; srcDir: string; tmpBin: string } {
  const tmpDir = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  const srcDir = path.join(tmpDir, "src");
  const tmpBin = path.join(tmpDir, "bin");
  fs.mkdirSync(srcDir, { recursive: true });
  fs.mkdirSync(tmpBin);
  return { tmpDir, srcDir, tmpBin };
}

/**
 * Starts a host's module in `srcDir` as a copy of the CLI build's go.mod and go.sum (kept in
 * `cliDir/src`): the same module versions, and the Go build cache already holds what they compile.
 * False when the CLI build kept none (a CLI found on PATH): the caller resolves the modules itself.
 */
function startFromCliModule(cliDir: string, srcDir: string): boolean {
  const cliSrc = path.join(cliDir, "src");
  if (!fs.existsSync(path.join(cliSrc, "go.mod")) || !fs.existsSync(path.join(cliSrc, "go.sum"))) return false;
  fs.copyFileSync(path.join(cliSrc, "go.mod"), path.join(srcDir, "go.mod"));
  fs.copyFileSync(path.join(cliSrc, "go.sum"), path.join(srcDir, "go.sum"));
  return true;
}

/**
 * Publishes a host built in `tmpDir` (its `bin/`, with `manifest` written beside it, its `src/`
 * dropped) as `finalDir`, replacing an older build there.
 */
function publishHostBuild(tmpDir: string, finalDir: string, manifest: Manifest): void {
  fs.writeFileSync(path.join(tmpDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  fs.rmSync(path.join(tmpDir, "src"), { recursive: true, force: true });
  if (fs.existsSync(finalDir)) fs.rmSync(finalDir, { recursive: true, force: true });
  fs.renameSync(tmpDir, finalDir);
}

/** Adds the upstream language host to the wrapper module if its release commit can be resolved. */
async function tryUpstreamNodejsHost(
  go: GoRunner,
  tag: string,
  s: { label: string; started: number },
  log: (line: string) => void,
): Promise<{ pkg: string; description: string } | undefined> {
  let pseudo = process.env.PULUMI_MODELARTS_NODEJS_HOST_VERSION;
  try {
    if (!pseudo) {
      const info = JSON.parse((await runGo({ ...go, log: () => {} }, ["list", "-m", "-json", `${SDK_MODULE}@${tag}`])).stdout) as {
        Origin?: { Hash?: string };
      };
      const hash = info.Origin?.Hash;
      if (!hash) {
        log(`the module proxy does not report the commit of ${tag}; using the compact Node.js language host`);
        return undefined;
      }
      const host = JSON.parse((await runGo({ ...go, log: () => {} }, ["list", "-m", "-json", `${NODEJS_HOST_MODULE}@${hash}`])).stdout) as {
        Version?: string;
      };
      pseudo = host.Version;
      if (!pseudo) return undefined;
    }
    const goMod = path.join(go.cwd, "go.mod");
    const goSum = path.join(go.cwd, "go.sum");
    const savedMod = fs.readFileSync(goMod, "utf8");
    const savedSum = fs.existsSync(goSum) ? fs.readFileSync(goSum, "utf8") : "";
    await runGo(go, ["get", "-tool", `${NODEJS_HOST_MODULE}@${pseudo}`], s);
    const sdk = (await runGo(go, ["list", "-m", "-f", "{{.Version}}", SDK_MODULE, PKG_MODULE])).stdout.trim().split("\n");
    if (sdk.some((v) => v.trim() !== tag)) {
      log(`${NODEJS_HOST_MODULE}@${pseudo} moves pulumi to ${sdk.join("/")}; using the compact Node.js language host`);
      fs.writeFileSync(goMod, savedMod);
      fs.writeFileSync(goSum, savedSum);
      return undefined;
    }
    return { pkg: NODEJS_HOST_MODULE, description: `${NODEJS_HOST_MODULE}@${pseudo}` };
  } catch (err) {
    const reason = err instanceof GoError ? (err.stderr.trim().split("\n").pop() ?? err.message) : String(err);
    log(`upstream Node.js language host not available (${reason}); using the compact one`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// What gets installed next to the CLI

/**
 * What gets installed next to the CLI, kept as files of their own beside this script:
 * - `pulumi-resource-pulumi-nodejs`: the shim the engine starts (in the Pulumi project folder) as
 *   the provider of pulumi.dynamic.Resource. Like the script shipped in @pulumi/pulumi, it runs the
 *   dynamic provider host of the @pulumi/pulumi that node resolves from there, but it execs node
 *   (so signals from the engine reach it), keeps the arguments intact and explains a failed lookup.
 * - `pulumi-language-nodejs/main.go`: the compact Node.js language host (see the header comment).
 */
function scriptsDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "scripts", "pulumi-language-nodejs", "main.go");
    if (fs.existsSync(candidate)) return path.join(dir, "scripts");
    if (path.dirname(dir) === dir) throw new Error(`ensure-pulumi: cannot find scripts/pulumi-language-nodejs/main.go above ${__dirname}`);
  }
}

interface Sources {
  shim: string;
  hostGo: string;
  /** The Python and Go hosts' module files, by path relative to the module root. */
  hosts: Record<string, string>;
}

let sources: Sources | undefined;

const HOST_SOURCES = ["hostkit/hostkit.go", "python/main.go", "python/runner.py", "go/main.go"];

function installedSources(): Sources {
  if (!sources) {
    const dir = scriptsDir();
    sources = {
      shim: fs.readFileSync(path.join(dir, "pulumi-resource-pulumi-nodejs"), "utf8"),
      hostGo: fs.readFileSync(path.join(dir, "pulumi-language-nodejs", "main.go"), "utf8"),
      hosts: Object.fromEntries(HOST_SOURCES.map((rel) => [rel, fs.readFileSync(path.join(dir, "language-hosts", rel), "utf8")])),
    };
  }
  return sources;
}

/** Changes whenever what a CLI build produces changes, so that older cached builds are rebuilt. */
const CLI_RECIPE = crypto
  .createHash("sha256")
  .update(["cli-2", BUILD_TAGS, VERSION_SYMBOL, installedSources().shim].join("\0"))
  .digest("hex")
  .slice(0, 16);

/** The same for the Node.js language host, which has a cache folder of its own. */
const NODEJS_RECIPE = crypto
  .createHash("sha256")
  .update(["nodejs-1", BUILD_TAGS, VERSION_SYMBOL, installedSources().hostGo].join("\0"))
  .digest("hex")
  .slice(0, 16);

/** The same for the Python and Go hosts, which are rebuilt without touching the CLI. */
const HOSTS_RECIPE = crypto
  .createHash("sha256")
  .update(["hosts-1", BUILD_TAGS, VERSION_SYMBOL, ...Object.entries(installedSources().hosts).flat()].join("\0"))
  .digest("hex")
  .slice(0, 16);

/** Changes whenever what the YAML host build produces changes. */
const YAML_RECIPE = crypto
  .createHash("sha256")
  .update(["yaml-1", BUILD_TAGS, YAML_HOST_PACKAGE, YAML_VERSION].join("\0"))
  .digest("hex")
  .slice(0, 16);

if (require.main === module) {
  // The YAML host, then the CLI (whose folder is the last line printed).
  ensureYamlHost()
    .then(() => ensurePulumi())
    .then(
      (binDir) => process.stdout.write(`${binDir}\n`),
      (err: unknown) => {
        process.stderr.write(`ensure-pulumi: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      },
    );
}
