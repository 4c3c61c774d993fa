/**
 * The package users install, checked without the Pulumi engine: the tarball's exact file list, the
 * package.json fields that decide what an install brings, and the packed manifest. (Installing the
 * packed package into user projects on each tested Node.js is test/e2e/platform.test.ts.)
 */
import { strict as assert } from "node:assert";
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FASTIFY_RANGE, INSTALL_COMMAND } from "../../emulator/dependencies";
import { REPO_ROOT, dryRunPack, expectedTarballFiles, fileList, type PackResult } from "./files";

const { packedManifest, strip, restore, BACKUP } = require("../../scripts/pack-manifest.js") as {
  packedManifest(manifest: Record<string, unknown>): Record<string, unknown>;
  strip(root: string): void;
  restore(root: string): boolean;
  BACKUP: string;
};

interface Manifest {
  name: string;
  license: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  overrides?: unknown;
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Manifest;

/** The packages (not node built-ins, not relative paths) that compiled modules under `dir` require. */
function requiredPackages(dir: string): Set<string> {
  const builtins = new Set(builtinModules);
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".js")) {
        for (const [, id] of fs.readFileSync(full, "utf8").matchAll(/\brequire\("([^"]+)"\)/g)) {
          if (id!.startsWith(".") || id!.startsWith("node:") || builtins.has(id!)) continue;
          const parts = id!.split("/");
          found.add(id!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
        }
      }
    }
  };
  walk(dir);
  return found;
}

describe("package: the tarball users install", function () {
  this.timeout(120_000);
  let packed: PackResult;

  before(async () => {
    packed = await dryRunPack();
  });

  it("holds exactly the compiled provider and emulator modules with their declarations, README, LICENSE, package.json and schema.json", () => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "index.js")), "dist/ is missing: run npm run build");
    assert.deepEqual(fileList(packed), expectedTarballFiles());
  });

  it("holds no benchmarks, scripts, tests or source maps", () => {
    const unwanted = fileList(packed).filter((f) => /^dist\/(bench|scripts|test)\/|\.map$|\.test\./.test(f));
    assert.deepEqual(unwanted, []);
  });

  it("ships every file that main, types, exports and bin point at, and the bin starts with a node shebang", () => {
    const files = new Set(fileList(packed));
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
    for (const target of Object.values(manifest.exports)) targets.push(...(typeof target === "string" ? [target] : Object.values(target)));
    for (const target of targets.map((t) => t.replace(/^\.\//, ""))) assert.ok(files.has(target), `${target} is not in the tarball`);
    for (const target of Object.values(manifest.bin)) {
      const bin = fs.readFileSync(path.join(REPO_ROOT, target), "utf8");
      assert.match(bin.split("\n")[0]!, /^#!\/usr\/bin\/env node$/, target);
    }
  });

  it("carries the Apache License 2.0 text that package.json names", () => {
    assert.equal(manifest.license, "Apache-2.0");
    const license = fs.readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8");
    assert.match(license, /^\s*Apache License\s+Version 2\.0, January 2004/);
    assert.match(license, /END OF TERMS AND CONDITIONS/);
  });
});

describe("package: what an install brings", () => {
  it("depends on exactly the packages the compiled provider requires, besides the @pulumi/pulumi peer", () => {
    const provider = requiredPackages(path.join(REPO_ROOT, "dist", "provider"));
    assert.ok(provider.has("@pulumi/pulumi"), "the provider requires @pulumi/pulumi");
    provider.delete("@pulumi/pulumi");
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), [...provider].sort());
  });

  it("declares fastify, which only the emulator requires, as an optional peer dependency and a devDependency of the same range", () => {
    const emulator = requiredPackages(path.join(REPO_ROOT, "dist", "emulator"));
    const beyond = [...emulator].filter((p) => !(p in manifest.dependencies));
    assert.deepEqual(beyond, ["fastify"]);
    assert.equal(manifest.peerDependencies["fastify"], FASTIFY_RANGE);
    assert.equal(manifest.peerDependenciesMeta?.["fastify"]?.optional, true);
    assert.equal(manifest.devDependencies["fastify"], FASTIFY_RANGE);
    assert.ok(!("fastify" in manifest.dependencies));
    assert.equal(INSTALL_COMMAND, `npm install --save-dev fastify@${FASTIFY_RANGE}`);
  });

  it("has @pulumi/pulumi as a non-optional peer dependency and no overrides (they never reach users)", () => {
    assert.equal(manifest.peerDependencies["@pulumi/pulumi"], "^3.248.0");
    assert.notEqual(manifest.peerDependenciesMeta?.["@pulumi/pulumi"]?.optional, true);
    assert.equal(manifest.overrides, undefined);
  });
});

describe("package: the packed package.json", () => {
  it("is the checkout's package.json without scripts, so npm lists no install script of a tarball install", () => {
    const packedJson = packedManifest(manifest as unknown as Record<string, unknown>);
    assert.equal(packedJson["scripts"], undefined);
    const { scripts: _scripts, ...rest } = manifest;
    assert.deepEqual(packedJson, rest);
  });

  it("is written by prepack and undone by postpack, while the checkout keeps prepare for npm ci and git installs", () => {
    assert.match(manifest.scripts["prepack"]!, /^npm run build && node scripts\/pack-manifest\.js strip$/);
    assert.equal(manifest.scripts["postpack"], "node scripts/pack-manifest.js restore");
    assert.match(manifest.scripts["prepare"]!, /npm run build/);
  });

  it("strip then restore gives back the checkout's package.json byte for byte, and a strip left over from a failed pack is undone first", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-pack-manifest-"));
    try {
      const original = '{\n  "name": "x",\n  "scripts": { "prepare": "tsc" },\n  "main": "a.js"\n}\n';
      fs.writeFileSync(path.join(dir, "package.json"), original);
      strip(dir);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")), { name: "x", main: "a.js" });
      strip(dir); // a pack that died after its prepack: the next one starts from the kept original
      assert.equal(restore(dir), true);
      assert.equal(fs.readFileSync(path.join(dir, "package.json"), "utf8"), original);
      assert.equal(fs.existsSync(path.join(dir, BACKUP)), false);
      assert.equal(restore(dir), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
