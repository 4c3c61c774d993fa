/**
 * Progress under the Pulumi CLI: status lines on the TrainingJob's own row (not the Stack's), and a
 * heartbeat while a removal keeps the delete waiting.
 */
import { strict as assert } from "node:assert";
import type { TrainingJobArgs } from "pulumi-modelarts";
import { checkPackageBuilt, eventually, pulumiCli, withScenario } from "./harness";
import { jobConfig, singleJob } from "./programs";

/** A row line of the non-interactive display for the TrainingJob named `name`. */
const jobRow = (name: string) => new RegExp(`^ [-+~ ] {1,2}pulumi-nodejs:dynamic/modelarts:TrainingJob ${name} `);
const STACK_ROW = /pulumi:pulumi:Stack /;

describe("e2e: progress on the job's row", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("status lines show on the job's row, and a long removal gets a 'still waiting' heartbeat until the job is gone", async () => {
    const args: TrainingJobArgs = { jobName: "slow-removal", config: jobConfig() };
    // The removal would take ten minutes: the test ends it once the heartbeat has been seen.
    const emulator = { jobDurationMs: 60 * 60_000, deleteDelayMs: 10 * 60_000 };
    await withScenario({ program: singleJob("slow", () => ({ args })), emulator }, async (s) => {
      const upLines: string[] = [];
      await s.stack.up({ onOutput: (l) => upLines.push(...l.split(/\r?\n/)), color: "never" });
      s.output.push(...upLines);
      const [job] = s.jobs();
      assert.ok(job);
      assert.ok(
        upLines.some((l) => jobRow("slow").test(l) && l.includes(`training job "slow-removal" accepted as job ${job.jobId}`)),
        `the acceptance is on the job's row:\n${upLines.join("\n")}`,
      );
      const summary = upLines.slice(upLines.indexOf("Diagnostics:"));
      assert.ok(summary.includes("  pulumi-nodejs:dynamic/modelarts:TrainingJob (slow):"), "the summary lists the lines under the job");
      assert.ok(!upLines.some((l) => STACK_ROW.test(l) && l.includes("training job")), "no progress line is on the Stack row");

      const lines: string[] = [];
      const destroy = s.stack.destroy({ onOutput: (l) => lines.push(...l.split(/\r?\n/)), color: "never" });
      const heartbeat = await eventually(
        "a heartbeat on the job's row",
        () => lines.find((l) => jobRow("slow").test(l) && l.includes("still waiting for")),
        3 * 60_000,
      );
      assert.match(
        heartbeat,
        new RegExp(`still waiting for training job ${job.jobId} \\("slow-removal"\\) to be removed: JOBSTAT_\\w+ \\(\\d+\\), \\d+s`),
      );
      assert.ok(s.jobs().length === 1, "the delete was still waiting for the removal");
      s.emulator.control.deleteJob(job.jobId, { immediate: true });
      await destroy;
      s.output.push(...lines);

      const rowLines = lines.filter((l) => jobRow("slow").test(l));
      assert.ok(
        rowLines.some((l) => l.includes("delete requested; waiting for the service to remove it")),
        lines.join("\n"),
      );
      assert.ok(
        rowLines.some((l) => /removed after \d+/.test(l)),
        "the removal is reported on the row",
      );
      assert.ok(!lines.some((l) => STACK_ROW.test(l) && l.includes("training job")), "no progress line is on the Stack row");
      assert.ok(!lines.some((l) => /error|warning/i.test(l)), "progress is not worded or shown as an error");
      // The heartbeat is ephemeral: the row shows it, the summary does not repeat it.
      const summaryAfter = lines.slice(lines.indexOf("Diagnostics:"));
      assert.ok(!summaryAfter.some((l) => l.includes("still waiting")), "heartbeats are not in the summary");
      assert.deepEqual(s.jobs(), []);
    });
  });
});
