import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { diffInputs } from "../../../provider/v1/resource/diff";
import {
  PROGRESS_URN_KEY,
  reportProgress,
  setProgressSink,
  withOperation,
  type ProgressSink,
} from "../../../provider/shared/resource/progress";
import { dispatch } from "../../../provider/runtime";
import { registerSecret } from "../../../provider/shared/api/errors";
import { PartialStateError } from "../../../provider/shared/resource/partial-state";
import { FakeTimers } from "../../helpers/fake-timers";

const REPO = path.resolve(__dirname, "..", "..", "..");
const PROJECT = "0123456789abcdef0123456789abcdef";
const AK = "AKPROGRESS0000000001";
const SK = "SKprogress-secret-never-in-logs-7";
const URN_A = "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/modelarts:TrainingJob::a";
const URN_B = "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/modelarts:TrainingJob::b";
const CONFIG = {
  workerServerNum: 1,
  specId: 1,
  engineId: 4,
  appUrl: "/b/code/",
  bootFileUrl: "/b/code/train.py",
  dataUrl: "/b/data/",
  trainUrl: "/b/out/",
};

interface Line {
  line: string;
  urn: string;
  ephemeral: boolean;
}

/** Captures every progress line for the duration of a test. */
function captureProgress(): { lines: Line[]; restore(): void } {
  const lines: Line[] = [];
  const previous = setProgressSink((line, urn, ephemeral) => lines.push({ line, urn, ephemeral }));
  return { lines, restore: () => void setProgressSink(previous as ProgressSink) };
}

describe("progress on the job's own row", function () {
  this.timeout(60_000);
  let capture: ReturnType<typeof captureProgress>;
  beforeEach(() => (capture = captureProgress()));
  afterEach(() => capture.restore());

  it("a line reported inside an operation goes to that operation's URN, as a lasting (not ephemeral) diagnostic", async () => {
    await withOperation(URN_A, async () => reportProgress("accepted"));
    assert.deepEqual(capture.lines, [{ line: "accepted", urn: URN_A, ephemeral: false }]);
  });

  it("a line that quotes a registered secret, in any echo of it, shows no piece of it", async () => {
    const secret = "Zr8-progress-line-secret-\u00e9";
    registerSecret(secret);
    await withOperation(URN_A, async () => {
      reportProgress(`task says: ${secret}`);
      reportProgress(`task says: ${JSON.stringify(secret).replace(/\u00e9/, "\\u00E9")}`);
      reportProgress(`task says: ${Buffer.from(secret).toString("base64")}`);
    });
    for (const { line } of capture.lines) {
      assert.match(line, /^task says: "?\*\*\*"?$/);
    }
    const partial = new PartialStateError(`job 7 failed: worker-0: ${secret.slice(3, 12)}`, "7", {});
    assert.equal(partial.message, "job 7 failed: worker-0: ***");
  });

  it("without a URN (an older state) or outside an operation, lines go to the Stack row", async () => {
    await withOperation(undefined, async () => reportProgress("from an old state"));
    await withOperation("not-a-urn", async () => reportProgress("bad urn"));
    reportProgress("outside");
    assert.deepEqual(
      capture.lines.map((l) => l.urn),
      ["", "", ""],
    );
  });

  it("concurrent operations each keep their own URN across awaits", async () => {
    const step = () => new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.all(
      [URN_A, URN_B].map((urn) =>
        withOperation(urn, async () => {
          for (let i = 0; i < 3; i++) {
            await step();
            reportProgress(`${urn.slice(-1)}${i}`);
          }
        }),
      ),
    );
    for (const { line, urn } of capture.lines) assert.equal(urn.slice(-1), line[0], `${line} went to ${urn}`);
    assert.equal(capture.lines.length, 6);
  });

  it("a waiting operation's heartbeat is ephemeral, on its row, and stops with the operation, whether it succeeds or fails", async () => {
    const timers = new FakeTimers();
    await withOperation(
      URN_A,
      async () => {
        reportProgress("job 1 to be removed: JOBSTAT_KILLING (9) after 1s");
        timers.advance(15_000);
      },
      { heartbeat: { timers } },
    );
    assert.deepEqual(capture.lines[1], {
      line: "still waiting for job 1 to be removed: JOBSTAT_KILLING (9), 15s",
      urn: URN_A,
      ephemeral: true,
    });
    assert.equal(timers.active, 0, "no timer is left running after the operation");

    await assert.rejects(
      withOperation(
        URN_A,
        async () => {
          reportProgress("job 1: JOBSTAT_RUNNING (8) after 1s");
          throw new RangeError("boom");
        },
        { heartbeat: { timers } },
      ),
      /boom/,
    );
    assert.equal(timers.active, 0, "no timer is left running after a failed operation");
    timers.advance(60_000);
    assert.equal(capture.lines.length, 3, "nothing is said after the operation ended");
  });

  it("diff ignores the progress URN, so a state without it (or with another) shows no change", () => {
    const olds = { jobName: "j", config: CONFIG };
    assert.equal(diffInputs(olds, { ...olds, [PROGRESS_URN_KEY]: URN_A }).changes, false);
    assert.equal(diffInputs({ ...olds, [PROGRESS_URN_KEY]: URN_B }, { ...olds, [PROGRESS_URN_KEY]: URN_A }).changes, false);
  });

  describe("through dispatch, against the emulator", () => {
    let emu: RunningEmulator;
    const stub = {};
    before(async () => {
      emu = await startEmulator({ port: 0, accessKeys: { [AK]: SK }, jobDurationMs: 60_000, deleteDelayMs: 100, killMs: 100 });
      const settings: Record<string, string> = {
        "modelarts:endpoint": emu.url,
        "modelarts:projectId": PROJECT,
        "modelarts:region": "eu-de",
        "modelarts:accessKey": AK,
        "modelarts:secretKey": SK,
      };
      await dispatch(stub, "configure", [{ config: { get: (k: string) => settings[k] } }]);
    });
    after(async () => emu?.close());

    it("the lines of two concurrent creates and deletes each go to the URN their inputs carry", async () => {
      const jobs = await Promise.all(
        [URN_A, URN_B].map(async (urn) => {
          const name = `progress-${urn.slice(-1)}`;
          const { inputs, failures } = (await dispatch(stub, "check", [
            {},
            { jobName: name, config: CONFIG, [PROGRESS_URN_KEY]: urn },
          ])) as {
            inputs: Record<string, unknown>;
            failures: unknown[];
          };
          assert.deepEqual(failures, [], "the hidden URN is not refused as an unknown input");
          assert.equal(inputs[PROGRESS_URN_KEY], urn, "check keeps the URN in the inputs");
          return { urn, name, ...((await dispatch(stub, "create", [inputs])) as { id: string; outs: Record<string, unknown> }) };
        }),
      );
      await Promise.all(jobs.map((j) => dispatch(stub, "delete", [j.id, j.outs])));
      for (const job of jobs) {
        const mine = capture.lines.filter((l) => l.line.includes(`job ${job.id}`) || l.line.includes(`"${job.name}"`));
        assert.ok(mine.length >= 3, `the job's lines were reported: ${JSON.stringify(capture.lines)}`);
        assert.deepEqual([...new Set(mine.map((l) => l.urn))], [job.urn]);
      }
      assert.ok(!capture.lines.some((l) => l.line.includes(SK) || l.line.includes(AK)));
    });
  });

  it("every TrainingJob sends its own URN, under a parent component too", () => {
    const script = `
      const pulumi = require("@pulumi/pulumi");
      const sent = {};
      pulumi.runtime.setMocks({
        newResource: (args) => { sent[args.name] = args.inputs.${PROGRESS_URN_KEY}; return { id: "1", state: args.inputs }; },
        call: () => ({}),
      }, "project", "stack", false);
      const { TrainingJob } = require(${JSON.stringify(path.join(REPO, "dist", "provider", "index.js"))});
      const parent = new pulumi.ComponentResource("acme:ml:Pipeline", "pipeline");
      const jobs = [new TrainingJob("top", { config: {} }), new TrainingJob("child", { config: {} }, { parent })];
      pulumi.all(jobs.map((j) => j.urn)).apply((urns) => process.stdout.write(JSON.stringify({ urns, sent })));
    `;
    const child = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    assert.equal(child.status, 0, child.stderr);
    const { urns, sent } = JSON.parse(child.stdout) as { urns: string[]; sent: Record<string, string> };
    assert.equal(sent["top"], urns[0]);
    assert.equal(sent["child"], urns[1]);
    assert.match(urns[1]!, /::acme:ml:Pipeline\$pulumi-nodejs:dynamic\/modelarts:TrainingJob::child$/);
  });
});
