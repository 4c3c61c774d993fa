#!/usr/bin/env node
/**
 * Makes `pulumi-modelarts` resolvable by name inside this checkout: creates the link
 * `node_modules/pulumi-modelarts` → the repository root, so that the programs under `examples/`
 * (which import the package by name, as a user's program would) and the dynamic provider's
 * serialized stub (`require("pulumi-modelarts/runtime")`) find this checkout's build.
 *
 * Run by the `prepare` script after the build. Idempotent: a correct link is left alone, a stale
 * link is replaced, and anything else at that path (a real installed copy) is left untouched with
 * a warning. Plain JavaScript so that it runs before anything is compiled.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const PACKAGE_NAME = "pulumi-modelarts";

/**
 * Ensures `<root>/node_modules/pulumi-modelarts` links to `root`.
 * @param {string} root the repository root (holds package.json named pulumi-modelarts)
 * @returns {"created" | "replaced" | "present" | "kept"} what was done
 */
function linkSelf(root = path.resolve(__dirname, "..")) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  if (pkg.name !== PACKAGE_NAME) throw new Error(`link-self: ${root} holds package ${pkg.name}, not ${PACKAGE_NAME}`);
  const modules = path.join(root, "node_modules");
  const link = path.join(modules, PACKAGE_NAME);
  fs.mkdirSync(modules, { recursive: true });

  let stat;
  try {
    stat = fs.lstatSync(link);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  if (stat && !stat.isSymbolicLink()) {
    console.warn(`link-self: ${link} exists and is not a link; leaving it as it is`);
    return "kept";
  }
  if (stat) {
    let target;
    try {
      target = fs.realpathSync(link);
    } catch {
      target = undefined; // dangling link
    }
    if (target === fs.realpathSync(root)) return "present";
    fs.unlinkSync(link);
  }
  // A relative link keeps working when the checkout is moved; "junction" matters only on Windows.
  fs.symlinkSync(path.relative(modules, root) || ".", link, process.platform === "win32" ? "junction" : "dir");
  return stat ? "replaced" : "created";
}

/**
 * Records which package-lock.json node_modules was installed from (its sha256), for
 * scripts/ensure-node.js `--install`, which runs `npm ci` only when the lock file changed since.
 * @param {string} root the repository root
 */
function stampInstall(root = path.resolve(__dirname, "..")) {
  const lock = path.join(root, "package-lock.json");
  if (!fs.existsSync(lock)) return;
  const hash = require("node:crypto").createHash("sha256").update(fs.readFileSync(lock)).digest("hex");
  fs.writeFileSync(path.join(root, require("./ensure-node.js").INSTALL_STAMP), hash + "\n");
}

module.exports = { linkSelf, stampInstall };

if (require.main === module) {
  try {
    const result = linkSelf();
    stampInstall();
    if (result !== "present") console.log(`link-self: node_modules/${PACKAGE_NAME} → . (${result})`);
  } catch (error) {
    console.error(`link-self: ${error.message}`);
    process.exitCode = 1;
  }
}
