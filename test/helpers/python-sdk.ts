/**
 * The official Huawei Cloud Python SDK for ModelArts (`huaweicloudsdkmodelarts` from PyPI) in a
 * virtual environment under the package's cache (`pulumiCacheRoot()`), made once per machine and
 * version under a lock, then reused. Tests drive it as a real client against the emulator.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { acquireLock, pulumiCacheRoot } from "../../scripts/ensure-pulumi";

const run = promisify(execFile);

/** The SDK release the tests were written against (its models declare the types the test checks). */
export const PYTHON_SDK_VERSION = "3.1.219";

/** The venv's Python interpreter, after making the venv if needed (minutes the first time: pip downloads). */
export async function pythonSdk(log: (line: string) => void = () => undefined): Promise<string> {
  const dir = path.join(pulumiCacheRoot(), `huaweicloudsdkmodelarts-${PYTHON_SDK_VERSION}-venv`);
  const python = path.join(dir, "bin", "python");
  const marker = path.join(dir, ".complete");
  if (fs.existsSync(marker)) return python;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const release = await acquireLock(`${dir}.lock`, log, 15 * 60 * 1000);
  try {
    if (fs.existsSync(marker)) return python;
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    log(`making a Python venv with huaweicloudsdkmodelarts ${PYTHON_SDK_VERSION} at ${dir}`);
    await run(process.env.PYTHON ?? "python3", ["-m", "venv", tmp]);
    await run(path.join(tmp, "bin", "python"), ["-m", "pip", "install", "--quiet", `huaweicloudsdkmodelarts==${PYTHON_SDK_VERSION}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    fs.writeFileSync(path.join(tmp, ".complete"), `${PYTHON_SDK_VERSION}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    return python;
  } finally {
    release();
  }
}
