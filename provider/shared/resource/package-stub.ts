/**
 * The one serialized provider object per API version and process (see `stub.ts`), built from the
 * installed package: where its runtime module is, and a version that changes whenever any compiled
 * provider file does, so that a changed implementation is visible in the state.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { makeStub, type StubKind, type StubProvider } from "./stub";

export const PACKAGE_NAME = "pulumi-modelarts";

const stubs = new Map<StubKind, StubProvider>();
let identity: { runtime: string; version: string } | undefined;

/** The package's root folder (where its package.json is), from this file's compiled location. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // not here: go up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${PACKAGE_NAME}: cannot find the package root above ${__dirname}`);
    dir = parent;
  }
}

/** Every compiled `.js` file under `dir`, as paths relative to it, in a fixed order. */
function compiledFiles(dir: string, prefix = ""): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...compiledFiles(path.join(dir, entry.name), rel));
    else if (entry.name.endsWith(".js")) files.push(rel);
  }
  return files;
}

/** The stub that every resource of kind `api` (an API version, or the stack identity) in this process shares. */
export function packageStub(api: StubKind): StubProvider {
  const known = stubs.get(api);
  if (known) return known;
  if (!identity) {
    const root = packageRoot();
    const dist = path.join(root, "dist", "provider");
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    const hash = createHash("sha256");
    // Every compiled file the engine's calls may run (both versions and what they share).
    for (const file of compiledFiles(dist)) {
      hash.update(file);
      hash.update(readFileSync(path.join(dist, file)));
    }
    identity = { runtime: path.join(dist, "runtime.js"), version: `${pkg.version}+${hash.digest("hex").slice(0, 12)}` };
  }
  const stub = makeStub(`${PACKAGE_NAME}/runtime`, identity.runtime, identity.version, api);
  stubs.set(api, stub);
  return stub;
}
