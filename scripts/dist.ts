// Writes the release artifacts into dist/release/:
//   pulumi-resource-modelarts-v<version>-linux-x64.tar.gz  the provider plugin, for
//       `pulumi plugin install resource modelarts <version> --file <archive>`: a launcher script, the
//       compiled provider, package.json, schema.json and the production dependencies it loads
//       (copied from node_modules, so it needs only Node.js >= 20 on PATH, nothing installed)
//   schema.json                                          the plugin's schema
//   pulumi_modelarts-<version>-py3-none-any.whl, go/     the Python and Go SDKs generated from it
//                                                        (scripts/sdks.ts)
//
//   npm ci && npm run dist      (`dist` builds first)
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { writeSdks } from "./sdks";

const ROOT = path.resolve(__dirname, "..", "..");
const EXECUTABLE = "pulumi-resource-modelarts";

/** Raised when the release cannot be assembled (a dependency missing from node_modules, tar failing). */
export class DistError extends Error {
  override readonly name = "DistError";
}

interface Manifest {
  name: string;
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;
}

/** Where node would find package `name` required from `fromDir` (nested node_modules first, then up to the root). */
function resolvePackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (dir === ROOT || path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Every package folder the plugin loads at run time: the package's dependencies and @pulumi/pulumi
 * (a peer dependency: the plugin is its own program), and theirs, as node resolves them here.
 */
export function productionPackages(): string[] {
  const own = readManifest(ROOT);
  const roots = [...Object.keys(own.dependencies ?? {}), "@pulumi/pulumi"];
  const seen = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean) => {
    const dir = resolvePackage(name, fromDir);
    if (!dir) {
      if (optional) return;
      throw new DistError(`${name} (needed by ${path.relative(ROOT, fromDir) || "the package"}) is not installed: run npm ci`);
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = readManifest(dir);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of roots) visit(name, ROOT, false);
  return [...seen].sort();
}

function copyTree(from: string, to: string, keep: (file: string) => boolean): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      // A package's own nested node_modules are visited (and copied) as packages of their own.
      if (entry.name === "node_modules") continue;
      copyTree(source, target, keep);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && keep(source)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}

/** The launcher the engine starts: node on PATH, running the plugin's entry beside it. */
const LAUNCHER = `#!/bin/sh
# The modelarts provider plugin: needs Node.js >= 20 on PATH.
dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec node "$dir/dist/provider/plugin/main.js" "$@"
`;

export function assemble(staging: string): void {
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const own = readManifest(ROOT);
  const manifest = { name: own.name, version: own.version, license: own.license, private: true };
  fs.writeFileSync(path.join(staging, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of ["schema.json", "LICENSE"]) fs.copyFileSync(path.join(ROOT, file), path.join(staging, file));
  copyTree(path.join(ROOT, "dist", "provider"), path.join(staging, "dist", "provider"), (f) => f.endsWith(".js"));
  for (const dir of productionPackages()) {
    // Type declarations, TypeScript sources and source maps are not loaded at run time.
    copyTree(dir, path.join(staging, path.relative(ROOT, dir)), (f) => !/\.(ts|map)$/.test(f));
  }
  fs.writeFileSync(path.join(staging, EXECUTABLE), LAUNCHER, { mode: 0o755 });
}

async function main(): Promise<void> {
  const { version } = readManifest(ROOT);
  const release = path.join(ROOT, "dist", "release");
  const staging = path.join(release, ".staging");
  assemble(staging);
  const archive = path.join(release, `${EXECUTABLE}-v${version}-linux-x64.tar.gz`);
  fs.rmSync(archive, { force: true });
  const tar = spawnSync("tar", ["-C", staging, "--owner=0", "--group=0", "--numeric-owner", "-czf", archive, "."], { encoding: "utf8" });
  if (tar.status !== 0) throw new DistError(`tar failed: ${tar.stderr || tar.error?.message}`);
  fs.copyFileSync(path.join(ROOT, "schema.json"), path.join(release, "schema.json"));
  fs.rmSync(staging, { recursive: true, force: true });
  const sdks = await writeSdks(path.join(release, "schema.json"), version, release, (line) => process.stderr.write(`dist: ${line}\n`));
  process.stdout.write(`${archive}\n${path.join(release, "schema.json")}\n${sdks.wheel}\n${sdks.goModule}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`dist: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
