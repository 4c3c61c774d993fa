import * as fs from "node:fs";
import * as path from "node:path";

let root: string | undefined;

/** The checkout's root (the folder whose package.json is `pulumi-modelarts`), from bench/ or dist/bench/. */
export function repoRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "pulumi-modelarts") return (root = dir);
    } catch {
      // not here: go up
    }
    if (path.dirname(dir) === dir) throw new Error(`bench: cannot find the pulumi-modelarts checkout above ${__dirname}`);
  }
}
