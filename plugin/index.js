#!/usr/bin/env node
/**
 * The entry point of the provider plugin run from source (see PulumiPlugin.yaml): it starts the
 * compiled `pulumi-resource-modelarts` of this checkout, which the `prepare` script builds on
 * `npm ci`. The engine's arguments reach it unchanged (process.argv).
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const main = path.join(__dirname, "..", "dist", "provider", "plugin", "main.js");
if (!fs.existsSync(main)) {
  process.stderr.write(
    `pulumi-resource-modelarts: ${main} is missing: run \`npm ci\` (or \`npm run build\`) in ${path.dirname(__dirname)}\n`,
  );
  process.exit(1);
}
require(main);
