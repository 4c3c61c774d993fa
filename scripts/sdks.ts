// Generates the Python and Go SDKs from schema.json with `pulumi package gen-sdk` (the project's CLI
// and its Python and Go language hosts, see ensure-pulumi.ts) and writes them into a release folder:
//   pulumi_modelarts-<version>-py3-none-any.whl   the Python SDK, built by `pip wheel` in a virtualenv
//                                                 this script makes
//   go/                                           the Go SDK module (go.mod + modelarts/), used with
//                                                 a replace directive
// Nothing generated is edited: the SDKs' version is the schema's, which is the package's (and the
// plugin archive's).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ensurePulumi, pulumiEnv } from "./ensure-pulumi";

/** Raised when an SDK cannot be generated or packaged. */
export class SdkError extends Error {
  override readonly name = "SdkError";
}

/** What writeSdks produced. */
export interface Sdks {
  wheel: string;
  goModule: string;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const res = spawnSync(cmd, args, { encoding: "utf8", cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  if (res.error || res.status !== 0) {
    const why = res.error?.message ?? `exit code ${res.status}`;
    throw new SdkError(`${path.basename(cmd)} ${args.join(" ")} failed (${why}):\n${(res.stderr || res.stdout || "").trim()}`);
  }
  return res.stdout;
}

/** Python 3 on PATH: `python3`, else `python`. */
function python(): string {
  for (const name of ["python3", "python"]) {
    const res = spawnSync(name, ["--version"], { encoding: "utf8" });
    if (res.status === 0) return name;
  }
  throw new SdkError("building the Python SDK's wheel needs Python 3 on PATH (python3 or python)");
}

/**
 * Generates both SDKs from `schemaPath` (whose version must be `version`) and writes the wheel and
 * the Go module folder into `release`.
 */
export async function writeSdks(schemaPath: string, version: string, release: string, log: (line: string) => void): Promise<Sdks> {
  const schemaVersion = (JSON.parse(fs.readFileSync(schemaPath, "utf8")) as { version?: string }).version;
  if (schemaVersion !== version) {
    throw new SdkError(`${schemaPath} has version ${String(schemaVersion)} but the package is ${version}: run npm run schema`);
  }
  const binDir = await ensurePulumi({ log: (line) => log(`ensure-pulumi: ${line}`) });
  const env = pulumiEnv(binDir);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "modelarts-sdks-"));
  try {
    for (const language of ["python", "go"]) {
      log(`generating the ${language} SDK`);
      run(path.join(binDir, "pulumi"), ["package", "gen-sdk", schemaPath, "--language", language, "--out", work], { env });
    }

    log("building the Python wheel");
    const venv = path.join(work, "venv");
    run(python(), ["-m", "venv", venv]);
    const wheels = path.join(work, "wheels");
    run(
      path.join(venv, "bin", "python"),
      ["-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, path.join(work, "python")],
      {
        env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" },
      },
    );
    const wheelName = `pulumi_modelarts-${version}-py3-none-any.whl`;
    if (!fs.existsSync(path.join(wheels, wheelName))) {
      throw new SdkError(`pip wheel did not write ${wheelName} (wrote: ${fs.readdirSync(wheels).join(", ") || "nothing"})`);
    }
    const wheel = path.join(release, wheelName);
    fs.copyFileSync(path.join(wheels, wheelName), wheel);

    const goModule = path.join(release, "go");
    fs.rmSync(goModule, { recursive: true, force: true });
    fs.cpSync(path.join(work, "go"), goModule, { recursive: true });
    return { wheel, goModule };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
