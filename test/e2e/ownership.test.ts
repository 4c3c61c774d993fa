/**
 * Ownership under the real Pulumi engine (README "How a job belongs to its stack"): a job in another
 * workspace than "0", two stacks of one project declaring the same jobName, the dynamic-provider
 * process and the `pulumi` CLI killed with SIGKILL right after the create was processed, and twenty
 * jobs at 60% injected faults with `--parallel 64`. After each, the next `pulumi up` (or the one-step
 * fix the error names) ends with exactly one job per resource, in the state; destroy leaves none; no
 * job of another stack is touched.
 */
import { strict as assert } from "node:assert";
import { TrainingJob, type TrainingJobArgs } from "pulumi-modelarts";
import type { JobView } from "../../emulator";
import {
  checkPackageBuilt,
  eventually,
  failure,
  processOf,
  pulumiCli,
  removeSibling,
  siblingStack,
  untilSuccess,
  withScenario,
  type Scenario,
} from "./harness";
import { jobConfig, singleJob } from "./programs";

const FAST = { jobDurationMs: 1500, deleteDelayMs: 500 };
const CREATE_PATH = "/training-jobs$";

/** Requests other than reads that addressed one of these jobs. */
function changesTo(s: Scenario, jobs: JobView[]): string[] {
  const ids = new Set(jobs.map((j) => j.jobId));
  return s
    .requests()
    .filter((r) => r.method !== "GET" && ids.has(/\/training-jobs\/(\d+)/.exec(r.path)?.[1] ?? ""))
    .map((r) => `${r.method} ${r.path}`);
}

describe("e2e: ownership under the Pulumi CLI", function () {
  this.timeout(15 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("a job in another workspace than 0 survives refresh, and destroy deletes it (case 1)", async () => {
    const args: TrainingJobArgs = { jobName: "ws-job", workspaceId: "ws-e2e", config: jobConfig() };
    await withScenario({ program: singleJob("ws", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [job] = s.jobs();
      assert.ok(job);
      await s.refresh();
      assert.deepEqual(
        (await s.stateJobs()).map((r) => r.id),
        [job.jobId],
        "refresh dropped a job that exists",
      );
      await s.destroy();
      assert.equal(s.requests("DELETE").length, 1, "destroy sent a DELETE");
      assert.deepEqual(s.jobs(), []);
    });
  });

  it("a stack whose create met a 500 never adopts, and its destroy never deletes, another stack's job of the same name (case 2)", async () => {
    const args: TrainingJobArgs = { jobName: "shared-name", config: jobConfig() };
    await withScenario({ program: singleJob("shared", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [theirs] = s.jobs();
      assert.ok(theirs);
      const b = await siblingStack(s, "b");
      try {
        // B's POST meets a 500 that the service never processed.
        s.emulator.control.addFaultScript({ method: "POST", pathRegex: CREATE_PATH, phase: "before", steps: ["500"] });
        const error = await failure(b.up({ color: "never", onOutput: (l) => s.output.push(l) }));
        assert.match(error.message, new RegExp(`training job "shared-name" already exists as job ${theirs.jobId}`));
        assert.match(error.message, new RegExp(`adoptJobId: "${theirs.jobId}"`));
        const bState = ((await b.exportStack()).deployment?.resources ?? []).filter((r: { type: string }) =>
          r.type.endsWith("modelarts:TrainingJob"),
        );
        assert.deepEqual(bState, [], "B's state holds no job");
        await b.destroy({ color: "never" });
        await s.refresh();
        assert.deepEqual(
          (await s.stateJobs()).map((r) => r.id),
          [theirs.jobId],
        );
        assert.deepEqual(changesTo(s, [theirs]), []);
        assert.deepEqual(
          s.jobs().map((j) => j.jobId),
          [theirs.jobId],
        );
      } finally {
        await removeSibling(s, b);
      }
    });
  });

  for (const victim of ["dynamic-provider process", "pulumi CLI"] as const) {
    for (const naming of ["autonamed", "explicitly named"] as const) {
      it(`after SIGKILL of the ${victim} right after an ${naming} job's create was processed, the next up${
        naming === "autonamed" ? "" : " with the adoptJobId the error names"
      } ends with exactly one job, in the state, and destroy leaves none (case 3c)`, async () => {
        let args: TrainingJobArgs = { ...(naming === "autonamed" ? {} : { jobName: "killed-explicit" }), config: jobConfig() };
        // The create is processed, its answer held back: the kill lands between the two.
        const faultScripts = [
          { method: "POST", pathRegex: CREATE_PATH, phase: "after" as const, steps: [{ kind: "latency" as const, latencyMs: 120_000 }] },
        ];
        await withScenario({ program: singleJob("killed", () => ({ args })), emulator: { ...FAST, faultScripts } }, async (s) => {
          const up = s.up();
          up.catch(() => undefined);
          const job = await eventually("the create to be processed", () => s.jobs()[0], 120_000);
          const provider = await processOf("the dynamic provider", /dynamic-provider/);
          if (victim === "pulumi CLI") {
            const cliPid = await processOf("the pulumi CLI", /\/pulumi up /);
            process.kill(cliPid, "SIGKILL");
            // The provider the killed CLI started is ours to end too: it can report to no one.
            process.kill(provider, "SIGKILL");
          } else {
            process.kill(provider, "SIGKILL");
          }
          await failure(up);
          s.emulator.control.clearFaults();
          if (victim === "pulumi CLI") {
            // A killed CLI leaves its lock behind on a file backend.
            await s.cli(["cancel", "--yes", "--stack", s.stack.name]).catch(() => undefined);
          }

          if (naming === "explicitly named") {
            const error = await failure(s.up());
            assert.match(error.message, new RegExp(`already exists as job ${job.jobId}`));
            assert.match(error.message, /may be left by an interrupted `pulumi up` of this stack/);
            assert.match(error.message, new RegExp(`set adoptJobId: "${job.jobId}"`));
            args = { ...args, adoptJobId: job.jobId };
          }
          await s.up();
          assert.deepEqual(
            s.jobs().map((j) => j.jobId),
            [job.jobId],
            "exactly one job",
          );
          assert.deepEqual(
            (await s.stateJobs()).map((r) => r.id),
            [job.jobId],
            "the job is in the state",
          );
          await s.destroy();
          assert.deepEqual(s.jobs(), []);
          assert.deepEqual(await s.stateJobs(), []);
        });
      });
    }
  }

  it("after SIGKILL of the dynamic-provider process right after an update's new version was processed, the next up ends with one job, in the state", async () => {
    let args: TrainingJobArgs = { jobName: "killed-update", config: jobConfig() };
    await withScenario({ program: singleJob("upd", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [job] = s.jobs();
      assert.ok(job);
      s.emulator.control.addFaultScript({
        method: "POST",
        pathRegex: "/versions$",
        phase: "after",
        steps: [{ kind: "latency", latencyMs: 120_000 }],
      });
      args = { ...args, config: jobConfig({ workerServerNum: 2 }) };
      const up = s.up();
      up.catch(() => undefined);
      await eventually("the new version to be processed", () => (s.jobs()[0]?.versions.length === 2 ? true : undefined), 120_000);
      process.kill(await processOf("the dynamic provider", /dynamic-provider/), "SIGKILL");
      await failure(up);
      s.emulator.control.clearFaults();
      await s.up();
      assert.deepEqual(
        s.jobs().map((j) => j.jobId),
        [job.jobId],
      );
      const [state] = await s.stateJobs();
      assert.equal(state?.id, job.jobId);
      assert.equal((state?.outputs?.["config"] as { workerServerNum?: number })?.workerServerNum, 2);
      await s.destroy();
      assert.deepEqual(s.jobs(), []);
    });
  });

  it("after SIGKILL of the dynamic-provider process right after a delete was processed, the next destroy leaves no job and an empty state", async () => {
    const args: TrainingJobArgs = { jobName: "killed-delete", config: jobConfig() };
    await withScenario({ program: singleJob("del", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      s.emulator.control.addFaultScript({ method: "DELETE", phase: "after", steps: [{ kind: "latency", latencyMs: 120_000 }] });
      const destroy = s.destroy();
      destroy.catch(() => undefined);
      await eventually("the delete to be processed", () => (s.jobs()[0]?.deletion !== "none" ? true : undefined), 120_000);
      process.kill(await processOf("the dynamic provider", /dynamic-provider/), "SIGKILL");
      await failure(destroy);
      s.emulator.control.clearFaults();
      assert.equal((await s.stateJobs()).length, 1, "the killed destroy kept the job in the state");
      await s.destroy();
      assert.deepEqual(s.jobs(), []);
      assert.deepEqual(await s.stateJobs(), []);
    });
  });

  it("20 jobs at 60% injected faults with --parallel 64: 0 duplicates, 0 orphans, 0 jobs of another stack touched (case 3d)", async () => {
    let count = 3;
    const program = async () => {
      const jobs = Array.from({ length: count }, (_, i) => new TrainingJob(`storm-${i}`, { config: jobConfig() }));
      return { jobIds: jobs.map((j) => j.jobId) };
    };
    // The list lags 10 s behind each create: longer than a fixed retry budget, shorter than the lag allowed.
    await withScenario({ program, emulator: { ...FAST, seed: 60, listVisibilityDelayMs: 10_000 } }, async (s) => {
      // The bystander: another stack of the project, with jobs of its own, made without faults.
      const other = await siblingStack(s, "other");
      try {
        await other.up({ color: "never" });
        const theirs = s.jobs();
        assert.equal(theirs.length, 3);
        count = 20;
        // "after": the service does the work and the client sees the fault, the riskiest point for a create.
        s.emulator.control.setFaultRate({ rate: 0.6, kinds: ["429", "500", "503", "drop"], pathRegex: "^/v1/", phase: "after" });
        const upRuns = await untilSuccess(() => s.up({ parallel: 64 }));
        const ours = s.jobs().filter((j) => !theirs.some((t) => t.jobId === j.jobId));
        const state = (await s.stateJobs()).map((r) => r.id);
        const names = new Set(ours.map((j) => j.jobName));
        const duplicates = ours.length - names.size;
        const orphans = ours.filter((j) => !state.includes(j.jobId)).length;
        const faults = s.requests().filter((r) => r.fault !== undefined).length;
        const touchedUp = changesTo(s, theirs).length;

        const destroyRuns = await untilSuccess(() => s.destroy({ parallel: 64 }));
        const left = s.jobs().filter((j) => !theirs.some((t) => t.jobId === j.jobId)).length;
        const touched = changesTo(s, theirs).length;
        s.emulator.control.clearFaults();
        process.stdout.write(
          `      figures: ${ours.length} jobs for 20 resources, ${duplicates} duplicates, ${orphans} orphans, ` +
            `${touched} requests changing another stack's jobs; ${faults} requests faulted during up; ` +
            `up needed ${upRuns.runs} run(s), destroy ${destroyRuns.runs}; ${left} jobs left after destroy\n` +
            [...upRuns.failures, ...destroyRuns.failures].map((f) => `      failed run: ${f}\n`).join(""),
        );
        assert.equal(ours.length, 20, "one job per resource");
        assert.equal(duplicates, 0);
        assert.equal(orphans, 0);
        assert.equal(state.length, 20);
        assert.equal(touchedUp, 0);
        assert.equal(touched, 0);
        assert.equal(left, 0);
        // Every step persists within its deadline: one up and one destroy suffice, whatever failed.
        assert.deepEqual([upRuns.runs, destroyRuns.runs], [1, 1], [...upRuns.failures, ...destroyRuns.failures].join("\n"));
        assert.deepEqual(
          s
            .jobs()
            .map((j) => j.jobId)
            .sort(),
          theirs.map((j) => j.jobId).sort(),
          "the other stack's jobs are all there",
        );
      } finally {
        await removeSibling(s, other);
      }
    });
  });
});
