/**
 * Failures as the user reads them in the Pulumi CLI: an error they can act on prints its message
 * once, with no stack frame; the frames remain in the debug log (`--debug`).
 */
import { strict as assert } from "node:assert";
import type { TrainingJobArgs } from "pulumi-modelarts";
import { checkPackageBuilt, pulumiCli, withScenario, type Scenario } from "./harness";
import { jobConfig, singleJob } from "./programs";

const FAST = { jobDurationMs: 1500, deleteDelayMs: 500 };

/** Runs one operation and returns what the CLI printed (stdout and stderr), whether it failed or not. */
async function transcript(
  s: Scenario,
  op: "preview" | "up" | "destroy",
  options: { debug?: boolean; diff?: boolean } = {},
): Promise<string[]> {
  const lines: string[] = [];
  const record = (text: string) => lines.push(...text.split(/\r?\n/).filter((l) => l.length > 0));
  const streams = { onOutput: record, onError: record, color: "never" as const, ...options };
  await (op === "preview" ? s.stack.preview(streams) : op === "up" ? s.stack.up(streams) : s.stack.destroy(streams)).catch(() => undefined);
  s.output.push(...lines);
  return lines;
}

/** Asserts that no line of the transcript is a stack frame or names a TypeScript source. */
function assertNoFrames(lines: string[]): void {
  assert.deepEqual(
    lines.filter((l) => /^\s*at /.test(l) || / at .*:\d+:\d+\)?$/.test(l)),
    [],
    "no stack frame is printed",
  );
  assert.deepEqual(
    lines.filter((l) => l.includes(".ts:")),
    [],
    "no line points at a TypeScript source",
  );
}

/**
 * Asserts that the progress display reports `text` once: one line in the Diagnostics summary,
 * nothing on the Stack row, and otherwise only as the status column of the job's own row (where
 * the non-interactive display repeats a row's latest diagnostic each time it redraws the row).
 */
function assertReportedOnce(lines: string[], text: string, row: string): void {
  const start = lines.findIndex((l) => l === "Diagnostics:");
  assert.ok(start >= 0, `a Diagnostics section is printed:\n${lines.join("\n")}`);
  const summary = lines.slice(start).filter((l) => l.includes(text));
  assert.equal(summary.length, 1, `"${text}" is in the Diagnostics once:\n${lines.join("\n")}`);
  const elsewhere = lines.slice(0, start).filter((l) => l.includes(text));
  const rowLine = new RegExp(`^ [-+~ ] {1,2}pulumi-nodejs:dynamic/modelarts:TrainingJob ${row} `);
  assert.deepEqual(
    elsewhere.filter((l) => !rowLine.test(l)),
    [],
    "before the summary, the message shows only as the job row's status",
  );
  assertNoFrames(lines);
}

describe("e2e: one clean line per failure", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("a missing modelarts:projectId fails the preview with its message once and no stack frames, which --debug and -v=3 --logtostderr still show", async () => {
    const args: TrainingJobArgs = { jobName: "no-project", config: jobConfig() };
    await withScenario({ program: singleJob("cfg", () => ({ args })) }, async (s) => {
      await s.stack.removeConfig("modelarts:projectId");
      // The diff display prints each diagnostic once: the message must be there exactly once.
      const lines = await transcript(s, "preview", { diff: true });
      assert.equal(
        lines.filter((l) => l.includes("the project id is not set")).length,
        1,
        `the message is printed once:\n${lines.join("\n")}`,
      );
      assert.ok(
        lines.some((l) => /^error: the project id is not set: set modelarts:projectId/.test(l)),
        "the message is the resource's error line",
      );
      assertNoFrames(lines);
      assertReportedOnce(await transcript(s, "preview"), "the project id is not set", "cfg");

      const debug = await transcript(s, "preview", { debug: true });
      assert.ok(
        debug.some((l) => /at .*config\.(ts|js):\d+/.test(l)),
        `with --debug the frames are in the transcript:\n${debug.join("\n")}`,
      );
      const engineLog: string[] = [];
      await s.stack
        .preview({ onError: (t) => engineLog.push(t), color: "never", logVerbosity: 3, logToStdErr: true })
        .catch(() => undefined);
      assert.match(engineLog.join(""), /at .*config\.(ts|js):\d+/, "with -v=3 --logtostderr the frames are in the engine's log");
      await s.stack.setConfig("modelarts:projectId", { value: "0123456789abcdef0123456789abcdef" });
    });
  });

  it("a delete that ends in DELETE_FAILED prints its message once and no stack frames", async () => {
    const args: TrainingJobArgs = { jobName: "undeletable", config: jobConfig() };
    const rules = [{ match: { jobName: "undeletable" }, deleteOutcome: "fail" as const }];
    await withScenario({ program: singleJob("sticky", () => ({ args })), emulator: { ...FAST, rules } }, async (s) => {
      await s.up();
      const lines = await transcript(s, "destroy");
      assertReportedOnce(lines, "the service could not delete it", "sticky");
      s.emulator.control.patchJob(s.jobs()[0]!.jobId, { deleteOutcome: "succeed" });
    });
  });

  it("a job that fails after acceptance prints the partial-state message once and no stack frames", async () => {
    const args: TrainingJobArgs = { jobName: "failing-job", waitFor: "completed", config: jobConfig() };
    const rules = [{ match: { jobName: "failing-job" }, failAt: "run" as const, jobDurationMs: 1500 }];
    await withScenario({ program: singleJob("failing", () => ({ args })), emulator: { ...FAST, rules } }, async (s) => {
      const lines = await transcript(s, "up");
      assertReportedOnce(lines, "was created but did not reach the requested state", "failing");
    });
  });
});
