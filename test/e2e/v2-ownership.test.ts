/**
 * v2 ownership under the real Pulumi engine, with the rules of v1 (README "How a job belongs to its
 * stack"): `adoptJobId` takes a job over; an explicitly named job this stack cannot prove its own is
 * refused with the id to adopt; two stacks of one project declaring one jobName never share the job;
 * a job whose create answer never arrived (the provider killed) ends in the state after the next up;
 * a job read with `get` is never touched; and twenty jobs with 20% of the v2 requests failing after
 * the service did the work (three creates among them for certain) end with 0 duplicates and 0
 * orphans, counted from the emulator.
 */
import { strict as assert } from "node:assert";
import type { Stack } from "@pulumi/pulumi/automation";
import { v2 } from "pulumi-modelarts";
import { checkPackageBuilt, eventually, pulumiCli, removeSibling, siblingStack, withScenario } from "./harness";
import {
  V2_API,
  createV2OutOfBand,
  failure,
  processOf,
  untilSuccess,
  v2ChangesTo,
  v2JobPath,
  v2Jobs,
  v2StateJobs,
  type StateResource,
} from "./v2-harness";
import { singleV2Job, v2Algorithm, v2Spec, v2WireBody, type V2Args } from "./v2-programs";

const FAST = { jobDurationMs: 1500, deleteDelayMs: 500 };

async function stackJobs(stack: Stack): Promise<StateResource[]> {
  const resources = ((await stack.exportStack()).deployment?.resources ?? []) as StateResource[];
  return resources.filter((r) => /TrainingJob$/.test(r.type));
}

describe("e2e: v2 ownership under the Pulumi CLI", function () {
  this.timeout(15 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("adoptJobId takes over an existing v2 job without submitting one, and destroy then deletes it", async () => {
    let args: V2Args | undefined;
    await withScenario({ program: singleV2Job("adopted", () => ({ args: args! })), emulator: FAST }, async (s) => {
      const jobId = await createV2OutOfBand(s, v2WireBody("existing-v2"));
      s.emulator.control.clearRequests();
      args = { adoptJobId: jobId, jobName: "existing-v2", description: "created by hand", algorithm: v2Algorithm(), spec: v2Spec() };

      const up = await s.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 3 });
      assert.equal(up.outputs.jobId?.value, jobId);
      assert.equal(up.outputs.jobName?.value, "existing-v2");
      assert.equal(s.requests("POST", V2_API.jobs).length, 0, "nothing was submitted");
      assert.deepEqual(v2ChangesTo(s, [jobId]), [], "adopting changes nothing");
      assert.deepEqual(
        v2Jobs(s).map((j) => j.id),
        [jobId],
      );
      assert.deepEqual(
        (await v2StateJobs(s)).map((r) => r.id),
        [jobId],
      );
      await s.up({ expectNoChanges: true });

      await s.destroy();
      assert.deepEqual(v2Jobs(s), []);
      assert.deepEqual(
        s.requests("DELETE", V2_API.job).map((r) => r.path),
        [v2JobPath(jobId)],
      );
    });
  });

  it("adoptJobId of a job whose algorithm differs from the declared one is refused and changes nothing", async () => {
    let args: V2Args | undefined;
    await withScenario({ program: singleV2Job("mismatch", () => ({ args: args! })), emulator: FAST }, async (s) => {
      const jobId = await createV2OutOfBand(s, v2WireBody("other-code"));
      s.emulator.control.clearRequests();
      args = {
        adoptJobId: jobId,
        jobName: "other-code",
        description: "created by hand",
        algorithm: v2Algorithm({ bootFile: "/e2e-bucket/v2/code/other.py" }),
        spec: v2Spec(),
      };
      const error = await failure(s.up());
      assert.match(error.message, new RegExp(jobId));
      assert.match(error.message, /bootFile|boot_file/, `the error names the field that differs: ${error.message}`);
      assert.deepEqual(await v2StateJobs(s), []);
      assert.deepEqual(v2ChangesTo(s, [jobId]), []);
      assert.equal(s.requests("POST", V2_API.jobs).length, 0);
      assert.deepEqual(
        v2Jobs(s).map((j) => j.id),
        [jobId],
      );
    });
  });

  it("an explicitly named job this stack cannot prove its own is refused with the adoptJobId to set, and nothing is changed", async () => {
    const args: V2Args = { jobName: "taken-name", description: "created by hand", algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("taken", () => ({ args })), emulator: FAST }, async (s) => {
      // A colleague's job with the very same name and config: a name alone proves nothing.
      const theirs = await createV2OutOfBand(s, v2WireBody("taken-name"));
      s.emulator.control.clearRequests();

      const error = await failure(s.up());
      assert.match(error.message, new RegExp(`"taken-name" already exists as job ${theirs}`));
      assert.match(error.message, new RegExp(`adoptJobId: "${theirs}"`));
      assert.deepEqual(await v2StateJobs(s), [], "the stack holds no job");
      assert.equal(s.requests("POST", V2_API.jobs).length, 0, "the look before the create found the name: nothing was submitted");
      assert.deepEqual(v2ChangesTo(s, [theirs]), [], "their job was not touched");
      const jobs = v2Jobs(s);
      assert.deepEqual(
        jobs.map((j) => [j.id, j.description]),
        [[theirs, "created by hand"]],
      );

      await s.destroy();
      assert.deepEqual(
        v2Jobs(s).map((j) => j.id),
        [theirs],
        "destroy of the stack leaves their job alone",
      );
      assert.deepEqual(v2ChangesTo(s, [theirs]), []);
    });
  });

  it("two stacks of one project declaring one jobName never share the job: the second is refused, and its destroy touches nothing", async () => {
    const args: V2Args = { jobName: "shared-v2", algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("shared", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [theirs] = v2Jobs(s);
      assert.ok(theirs);
      const b = await siblingStack(s, "b");
      try {
        // B's create meets a 500 that the service never processed, should it get as far as a POST.
        s.emulator.control.addFaultScript({ method: "POST", pathRegex: "^/v2/.*/training-jobs$", phase: "before", steps: ["500"] });
        const error = await failure(b.up({ color: "never", onOutput: (l) => s.output.push(l) }));
        assert.match(error.message, new RegExp(`"shared-v2" already exists as job ${theirs.id}`));
        assert.match(error.message, new RegExp(`adoptJobId: "${theirs.id}"`));
        assert.deepEqual(await stackJobs(b), [], "B's state holds no job");
        await b.destroy({ color: "never" });
        await s.refresh();
        assert.deepEqual(
          (await v2StateJobs(s)).map((r) => r.id),
          [theirs.id],
        );
        assert.deepEqual(v2ChangesTo(s, [theirs.id]), [], "B never changed A's job");
        assert.deepEqual(
          v2Jobs(s).map((j) => j.id),
          [theirs.id],
        );
      } finally {
        await removeSibling(s, b);
      }
    });
  });

  it("two stacks of one project declaring the same autonamed resource get a job each, and each destroy deletes only its own", async () => {
    const args: V2Args = { algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("twin", () => ({ args })), emulator: FAST }, async (s) => {
      await s.up();
      const [a] = v2Jobs(s);
      assert.ok(a);
      const b = await siblingStack(s, "b");
      try {
        await b.up({ color: "never", onOutput: (l) => s.output.push(l) });
        const bJob = v2Jobs(s).find((j) => j.id !== a.id);
        assert.ok(bJob, "B made a job of its own");
        assert.notEqual(bJob.name, a.name, "the autonamed suffix tells the stacks apart");
        assert.deepEqual(
          (await stackJobs(b)).map((r) => r.id),
          [bJob.id],
        );
        await b.destroy({ color: "never" });
        assert.deepEqual(
          v2Jobs(s).map((j) => j.id),
          [a.id],
          "B's destroy deleted B's job only",
        );
        assert.deepEqual(v2ChangesTo(s, [a.id]), []);
      } finally {
        await removeSibling(s, b);
      }
    });
  });

  for (const naming of ["autonamed", "explicitly named"] as const) {
    it(`after SIGKILL of the dynamic-provider process right after an ${naming} v2 job's create was processed, the next up${
      naming === "autonamed" ? "" : " with the adoptJobId the error names"
    } ends with exactly one job, in the state, and destroy leaves none`, async () => {
      let args: V2Args = { ...(naming === "autonamed" ? {} : { jobName: "killed-explicit" }), algorithm: v2Algorithm(), spec: v2Spec() };
      // The create is processed, its answer held back: the kill lands between the two.
      const faultScripts = [
        {
          method: "POST",
          pathRegex: "^/v2/.*/training-jobs$",
          phase: "after" as const,
          steps: [{ kind: "latency" as const, latencyMs: 120_000 }],
        },
      ];
      await withScenario({ program: singleV2Job("killed", () => ({ args })), emulator: { ...FAST, faultScripts } }, async (s) => {
        const up = s.up();
        up.catch(() => undefined);
        const job = await eventually("the create to be processed", () => v2Jobs(s)[0], 120_000);
        process.kill(await processOf("the dynamic provider", /dynamic-provider/), "SIGKILL");
        await failure(up);
        s.emulator.control.clearFaults();

        if (naming === "explicitly named") {
          // A name alone proves nothing: the job existed before this create started.
          const error = await failure(s.up());
          assert.match(error.message, new RegExp(`already exists as job ${job.id}`));
          assert.match(error.message, new RegExp(`adoptJobId: "${job.id}"`));
          assert.deepEqual(await v2StateJobs(s), []);
          args = { ...args, adoptJobId: job.id };
        }
        await s.up();
        assert.deepEqual(
          v2Jobs(s).map((j) => j.id),
          [job.id],
          "exactly one job",
        );
        assert.deepEqual(
          (await v2StateJobs(s)).map((r) => r.id),
          [job.id],
          "the job is in the state",
        );
        assert.equal(s.requests("POST", V2_API.jobs).length, 1, "the job was never submitted again");
        await s.destroy();
        assert.deepEqual(v2Jobs(s), []);
        assert.deepEqual(await v2StateJobs(s), []);
      });
    });
  }

  it("v2.TrainingJob.get reads a job as an external resource, and neither up, refresh nor destroy touch it", async () => {
    let jobId = "";
    const program = async () => {
      const job = v2.TrainingJob.get("baseline", jobId);
      return { jobId: job.jobId, jobName: job.jobName, phase: job.phase, tasks: job.tasks };
    };
    await withScenario({ program, emulator: FAST }, async (s) => {
      jobId = await createV2OutOfBand(s, v2WireBody("read-only"));
      s.emulator.control.clearRequests();
      const up = await s.up();
      assert.equal(up.outputs.jobId?.value, jobId);
      assert.equal(up.outputs.jobName?.value, "read-only");
      assert.equal(typeof up.outputs.phase?.value, "string");
      assert.deepEqual(up.outputs.tasks?.value, ["worker-0"]);
      const [read] = await v2StateJobs(s);
      assert.equal(read?.id, jobId);
      assert.equal(read?.external, true, "a job read with get is external: the stack does not own it");
      await s.refresh();
      await s.destroy();
      assert.deepEqual(
        v2Jobs(s).map((j) => j.id),
        [jobId],
      );
      assert.deepEqual(v2ChangesTo(s, [jobId]), [], "get, refresh and destroy only read");
      assert.equal(s.requests("POST", V2_API.jobs).length, 0);
    });
  });

  it("20 jobs with 20% of the v2 requests failing after the service did the work, --parallel 64: 0 duplicates, 0 orphans, 0 jobs of another stack touched", async () => {
    let count = 3;
    const program = async () => {
      const jobs = Array.from({ length: count }, (_, i) => new v2.TrainingJob(`storm-${i}`, { algorithm: v2Algorithm(), spec: v2Spec() }));
      return { jobIds: jobs.map((j) => j.jobId) };
    };
    // The search lags 10 s behind each create: longer than a fixed retry budget, shorter than the lag allowed.
    await withScenario({ program, emulator: { ...FAST, seed: 20, v2ListVisibilityDelayMs: 10_000 } }, async (s) => {
      // The bystander: another stack of the project, with jobs of its own, made without faults.
      const other = await siblingStack(s, "other");
      try {
        await other.up({ color: "never" });
        const theirs = v2Jobs(s).map((j) => j.id);
        assert.equal(theirs.length, 3);
        count = 20;
        s.emulator.control.clearRequests();
        // "after": the service does the work and the client sees the fault, the riskiest point for a create.
        s.emulator.control.setFaultRate({ rate: 0.2, kinds: ["429", "500", "503", "drop"], pathRegex: V2_API.any, phase: "after" });
        // And whatever the dice say, three creates succeed on the service with their answer lost:
        // the provider must find those jobs instead of submitting them again.
        s.emulator.control.addFaultScript({
          method: "POST",
          pathRegex: "^/v2/.*/training-jobs$",
          phase: "after",
          steps: ["500", "none", "drop", "none", "503"],
        });
        const upRuns = await untilSuccess(() => s.up({ parallel: 64 }));
        const ours = v2Jobs(s).filter((j) => !theirs.includes(j.id));
        const state = (await v2StateJobs(s)).map((r) => r.id);
        const names = new Set(ours.map((j) => j.name));
        const duplicates = ours.length - names.size;
        const orphans = ours.filter((j) => !state.includes(j.id)).length;
        const faulted = s.requests().filter((r) => r.fault !== undefined);
        const faultedCreates = faulted.filter((r) => r.method === "POST" && V2_API.jobs.test(r.path.split("?")[0]!)).length;
        const touchedUp = v2ChangesTo(s, theirs).length;

        const destroyRuns = await untilSuccess(() => s.destroy({ parallel: 64 }));
        const left = v2Jobs(s).filter((j) => !theirs.includes(j.id)).length;
        const touched = v2ChangesTo(s, theirs).length;
        s.emulator.control.clearFaults();
        process.stdout.write(
          `      figures: ${ours.length} jobs for 20 resources, ${duplicates} duplicates, ${orphans} orphans, ` +
            `${touched} requests changing another stack's jobs; ${faulted.length} v2 requests faulted during up ` +
            `(${faultedCreates} creates answered with a fault after the job was made); ` +
            `up needed ${upRuns.runs} run(s), destroy ${destroyRuns.runs}; ${left} jobs left after destroy\n` +
            [...upRuns.failures, ...destroyRuns.failures].map((f) => `      failed run: ${f}\n`).join(""),
        );
        assert.ok(faultedCreates >= 3, `creates were answered with a fault after the job was made (${faultedCreates})`);
        assert.ok(faulted.length >= 6, `faults were injected beyond the scripted ones (${faulted.length})`);
        assert.ok(
          faulted.every((r) => r.path.startsWith("/v2/")),
          "the faults hit v2 paths only",
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
          v2Jobs(s)
            .map((j) => j.id)
            .sort(),
          [...theirs].sort(),
          "the other stack's jobs are all there",
        );
      } finally {
        await removeSibling(s, other);
      }
    });
  });
});
