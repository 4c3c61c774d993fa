#!/usr/bin/env node
/**
 * `pulumi-resource-modelarts`: the provider plugin's executable. The engine starts it with its own
 * address as the last argument and reads the port it listens on from the first line of stdout.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../shared/resource/package-stub";
import { PluginProvider } from "./provider";
import { serve } from "./server";

/** The schema shipped beside the package's package.json (`npm run schema` writes it). */
export const SCHEMA_FILE = "schema.json";

function main(): Promise<unknown> {
  const root = packageRoot();
  const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
  let schema: string | undefined;
  const provider = new PluginProvider();
  return serve(provider, {
    schema: () => (schema ??= readFileSync(path.join(root, SCHEMA_FILE), "utf8")),
    version,
    onCancel: () => provider.cancel(),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-modelarts: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
