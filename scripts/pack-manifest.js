#!/usr/bin/env node
/**
 * The package.json that goes into the tarball: the checkout's, without `scripts`.
 *
 * The scripts serve development only (they run files that are not shipped), and one of them does
 * harm in a tarball: npm lists the `prepare` of a package installed from a file or URL among the
 * "install scripts not yet covered by allowScripts" and warns on every install, although it never
 * runs there. In the checkout `prepare` stays: `npm ci` builds and self-links through it, and an
 * install from a git URL builds the package through it.
 *
 *   node scripts/pack-manifest.js strip     (prepack) keeps package.json aside, writes the packed one
 *   node scripts/pack-manifest.js restore   (postpack) puts the checkout's package.json back
 *
 * A pack that died between the two leaves the copy aside; the next `strip` (or `restore`) puts it
 * back first. Plain JavaScript so that it runs before anything is compiled.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** Where the checkout's package.json waits while npm packs (git-ignored, never packed). */
const BACKUP = "package.json.unpacked";

/**
 * The manifest as packed: everything but the development-only `scripts`.
 * @param {Record<string, unknown>} manifest the checkout's package.json
 * @returns {Record<string, unknown>}
 */
function packedManifest(manifest) {
  const { scripts: _scripts, ...packed } = manifest;
  return packed;
}

/**
 * Puts the kept package.json back, if one is kept.
 * @param {string} root the repository root
 * @returns {boolean} whether there was one
 */
function restore(root) {
  const backup = path.join(root, BACKUP);
  if (!fs.existsSync(backup)) return false;
  fs.renameSync(backup, path.join(root, "package.json"));
  return true;
}

/**
 * Keeps package.json aside and writes the packed manifest in its place.
 * @param {string} root the repository root
 */
function strip(root) {
  restore(root);
  const file = path.join(root, "package.json");
  const text = fs.readFileSync(file, "utf8");
  fs.writeFileSync(path.join(root, BACKUP), text);
  fs.writeFileSync(file, JSON.stringify(packedManifest(JSON.parse(text)), null, 2) + "\n");
}

module.exports = { packedManifest, strip, restore, BACKUP };

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const command = process.argv[2];
  try {
    if (command === "strip") strip(root);
    else if (command === "restore") restore(root);
    else throw new Error(`usage: node scripts/pack-manifest.js strip|restore (got ${JSON.stringify(command)})`);
  } catch (error) {
    console.error(`pack-manifest: ${error.message}`);
    process.exitCode = 1;
  }
}
