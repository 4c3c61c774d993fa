/**
 * What the packed package must hold, derived from the sources so that a new provider or emulator
 * file needs no edit here: each compiled module and its declarations, README, LICENSE,
 * package.json, the plugin's schema.json and the guide and reference pages under docs/ (the
 * README links there). Nothing else: no bench, scripts, tests or source maps.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The source folders whose compiled modules users run (the resource and the emulator). */
export const SHIPPED_SOURCES = ["provider", "emulator"] as const;

function tsModules(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsModules(full));
    else if (/\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** The Markdown files under `dir`, as package paths. */
function markdownUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...markdownUnder(root, rel));
    else if (entry.name.endsWith(".md")) out.push(rel);
  }
  return out;
}

/** The exact, sorted file list the tarball must have. */
export function expectedTarballFiles(root = REPO_ROOT): string[] {
  // schema.json: the provider plugin's schema, which its executable serves.
  const files = ["LICENSE", "README.md", "package.json", "schema.json", ...markdownUnder(root, "docs")];
  for (const folder of SHIPPED_SOURCES) {
    for (const source of tsModules(path.join(root, folder))) {
      const stem = path.relative(root, source).replace(/\.ts$/, "").split(path.sep).join("/");
      files.push(`dist/${stem}.js`, `dist/${stem}.d.ts`);
    }
  }
  return files.sort();
}

/** One entry of `npm pack --json`. */
export interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

/** The sorted file list of a `npm pack --json` result. */
export function fileList(result: PackResult): string[] {
  return result.files.map((f) => f.path).sort();
}

/** `npm pack --dry-run --json --ignore-scripts` of the checkout as built now: what `files` selects. */
export async function dryRunPack(root = REPO_ROOT): Promise<PackResult> {
  const { stdout } = await execFileAsync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as PackResult[])[0]!;
}
