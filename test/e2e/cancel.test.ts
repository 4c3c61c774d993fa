/**
 * Ctrl-C under the Pulumi CLI, as the README describes it: the first one cannot reach a dynamic
 * provider, so a waiting create runs to its timeout and records the job; a second one terminates the
 * CLI before the job is recorded, and `refresh --clear-pending-creates` plus `adoptJobId` take the
 * job back into the stack. The Ctrl-Cs are SIGINTs sent to this test's own `pulumi up` process.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import type { TrainingJobArgs } from "pulumi-modelarts";
import { checkPackageBuilt, eventually, pulumiCli, withScenario, type Scenario } from "./harness";
import { jobConfig, singleJob } from "./programs";

/** The pid of the scenario's running `pulumi up` (the CLI the Automation API started for this stack). */
function upPid(s: Scenario): number | undefined {
  const ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  const line = ps.split("\n").find((l) => l.includes(`--stack ${s.stack.name} `) && /\/pulumi up /.test(l));
  return line === undefined ? undefined : Number(line.trim().split(/\s+/)[0]);
}

describe("e2e: Ctrl-C", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("after one Ctrl-C a waiting create runs to its timeout, and the job is recorded in the stack", async () => {
    const args: TrainingJobArgs = { jobName: "interrupted", waitFor: "completed", timeouts: { create: "20s" }, config: jobConfig() };
    await withScenario({ program: singleJob("once", () => ({ args })), emulator: { jobDurationMs: 60 * 60_000 } }, async (s) => {
      const cancel = new AbortController();
      const lines: string[] = [];
      const up = s.stack.up({ onOutput: (l) => lines.push(l), color: "never", signal: cancel.signal }).then(
        () => assert.fail("the up should fail"),
        (e: Error) => e,
      );
      const job = await eventually("the job to be accepted", () => s.jobs()[0], 60_000);
      await eventually("the create to wait for completion", () => lines.join("").match(/to be completed: JOBSTAT_\w+/));
      const cancelledAt = Date.now();
      cancel.abort();
      const error = await up;
      assert.match(lines.join(""), /\^C received; cancelling/);
      // The host drops the Cancel, but the provider sees it arrive and says so on the row.
      assert.match(lines.join(""), /cancel seen \(Ctrl-C\): the dynamic-provider host cannot stop this step/);
      assert.match(error.message, /timed out after 20s waiting for training job/);
      assert.ok(Date.now() - cancelledAt >= 10_000, "the create went on waiting after the Ctrl-C");
      const state = await s.stateJobs();
      assert.deepEqual(
        state.map((j) => j.id),
        [job.jobId],
        "the job is in the stack, never orphaned",
      );
    });
  });

  it("after a second Ctrl-C the accepted job is in no stack, and refresh --clear-pending-creates with adoptJobId takes it back", async () => {
    let args: TrainingJobArgs = { jobName: "terminated", waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("twice", () => ({ args })), emulator: { jobDurationMs: 60 * 60_000 } }, async (s) => {
      const cancel = new AbortController();
      const lines: string[] = [];
      const up = s.stack.up({ onOutput: (l) => lines.push(l), color: "never", signal: cancel.signal }).then(
        () => assert.fail("the up should fail"),
        (e: Error) => e,
      );
      const job = await eventually("the job to be accepted", () => s.jobs()[0], 60_000);
      await eventually("the acceptance on the job's row", () => lines.join("").match(/TrainingJob twice .*accepted as job \d+/));
      const pid = await eventually("the pulumi up process", () => upPid(s));
      cancel.abort();
      await eventually("the first Ctrl-C to be taken", () => lines.join("").match(/\^C received; cancelling/));
      // The CLI prints that line just before it records the cancellation, and a Ctrl-C that comes in
      // between counts as a first one again: press it until the CLI says it terminates.
      let settled = false;
      void up.finally(() => (settled = true));
      await eventually("the second Ctrl-C to terminate the CLI", () => {
        if (lines.join("").includes("received; terminating")) return true;
        if (!settled) process.kill(pid, "SIGINT");
        return undefined;
      });
      const error = await up;
      assert.match(error.message, /update cancelled|terminat/);
      assert.match(lines.join(""), new RegExp(`accepted as job ${job.jobId}`), "the job's id was shown on its row");

      assert.deepEqual(await s.stateJobs(), [], "the job is not in the stack");
      const pending = ((await s.stack.exportStack()).deployment as { pending_operations?: Array<{ type: string }> }).pending_operations;
      assert.deepEqual(
        pending?.map((p) => p.type),
        ["creating"],
      );
      assert.equal(s.jobs().length, 1, "the service still has the job");

      await s.cli(["refresh", "--yes", "--stack", s.stack.name, "--clear-pending-creates"]);
      args = { ...args, waitFor: "submitted", adoptJobId: job.jobId };
      await s.up();
      const state = await s.stateJobs();
      assert.deepEqual(
        state.map((j) => j.id),
        [job.jobId],
        "adoptJobId took the job back into the stack",
      );
      assert.equal(s.jobs().length, 1, "nothing new was submitted");
      await s.destroy();
      assert.deepEqual(s.jobs(), [], "destroy removed the job");
    });
  });
});
