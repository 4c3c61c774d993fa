import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { startEmulator, type RunningEmulator } from "../../../emulator/index";
import { PROJECT } from "../helpers";
import { pythonSdk } from "../../helpers/python-sdk";

const run = promisify(execFile);
const AK = "PYSDKACCESSKEY0001";
const SK = "py-sdk-secret-key-0123456789";

interface Lifecycle {
  typeErrors: string[];
  created: { id: string; phase: string };
  shown: { name: string; flavor: string };
  diskSize: string | null;
  listed: string[];
  description: string;
  tasks: string[];
  metrics: string[];
  nameTaken: [boolean, boolean];
  stoppedPhase: string;
  gone: { status: number; code: string } | null;
}

describe("emulator v2: the official Huawei Cloud Python SDK as a client", function () {
  this.timeout(15 * 60 * 1000);
  let python: string;
  let emu: RunningEmulator;

  before(async () => {
    python = await pythonSdk((line) => process.stderr.write(`${line}\n`));
    emu = await startEmulator({ accessKeys: { [AK]: SK }, jobDurationMs: 600_000, killMs: 200, deleteDelayMs: 200 });
  });
  after(async () => {
    await emu?.close();
  });

  it("runs a v2 lifecycle: create, show, search, description, tasks, metrics, name check, terminate, delete", async () => {
    const script = path.join(__dirname, "python", "sdk_lifecycle.py");
    const { stdout } = await run(python, [script], {
      env: { ...process.env, MODELARTS_ENDPOINT: emu.url, MODELARTS_AK: AK, MODELARTS_SK: SK, MODELARTS_PROJECT_ID: PROJECT },
      timeout: 120_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the SDK script failed: ${error.stdout ?? ""}${error.stderr ?? ""}`);
    });
    const out = JSON.parse(stdout.trim().split("\n").at(-1) as string) as Lifecycle;
    assert.deepEqual(out.typeErrors, [], "every answer decodes into the SDK's declared types");
    assert.equal(out.created.phase, "Creating");
    assert.deepEqual(out.shown, { name: "sdk-lifecycle", flavor: "modelarts.vm.cpu.8u" });
    assert.equal(out.diskSize, "50");
    assert.ok(out.listed.includes(out.created.id));
    assert.equal(out.description, "changed by the SDK");
    assert.deepEqual(out.tasks, ["worker-0"]);
    assert.deepEqual(out.metrics, ["cpuUsage", "memUsage", "gpuUtil", "gpuMemUsage"]);
    assert.deepEqual(out.nameTaken, [true, false]);
    assert.equal(out.stoppedPhase, "Terminated");
    assert.deepEqual(out.gone, { status: 400, code: "ModelArts.2775" });
    const signed = emu.control.requests().filter((r) => r.path.startsWith("/v2/"));
    assert.ok(signed.length >= 10 && signed.every((r) => r.auth === "aksk"), "every call was AK/SK-signed by the SDK");
  });
});
