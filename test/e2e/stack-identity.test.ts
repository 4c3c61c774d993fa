/**
 * A job belongs to the stack whose state held the evidence before the job's create (README "How a
 * job belongs to its stack"), under the real Pulumi engine, v1 and v2 side by side:
 * - two checkouts, each with its own backend and a stack named `dev`, declaring the same autonamed
 *   resources: each stack gets its own jobs, and each destroy deletes only its own; the same after
 *   `pulumi stack rename dev dev-old` and a new `dev` in the same backend;
 * - a name chosen by hand that another stack's job holds, hidden by the search's lag, while this
 *   stack's create POST meets a 500: an `OwnershipError` (v1: the job is older than this create;
 *   v2: it carries the other stack's stamp), and the other job survives;
 * - a change of `modelarts:projectId` after `up`: refresh still finds the jobs where they live, the
 *   preview shows their replacement, and after `up` and `destroy` no job is left outside a state.
 */
import { strict as assert } from "node:assert";
import { Stack } from "@pulumi/pulumi/automation";
import { TrainingJob, v2 } from "pulumi-modelarts";
import {
  checkoutCli,
  checkoutStack,
  checkPackageBuilt,
  eventually,
  failure,
  PROJECT_ID,
  pulumiCli,
  removeCheckout,
  removeSibling,
  siblingStack,
  withScenario,
  type Scenario,
} from "./harness";
import { jobConfig, singleJob } from "./programs";
import { V2_API, v2Jobs, type StateResource } from "./v2-harness";
import { singleV2Job, v2Algorithm, v2Spec } from "./v2-programs";

const FAST = { jobDurationMs: 1500, deleteDelayMs: 500 };
const OTHER_PROJECT = "fedcba9876543210fedcba9876543210";

/** Both APIs' autonamed jobs, under the resource names of the issue. */
const program = async () => {
  const one = new TrainingJob("train", { config: jobConfig() });
  const two = new v2.TrainingJob("train-v2", { algorithm: v2Algorithm(), spec: v2Spec() });
  return { v1JobId: one.jobId, v2JobId: two.jobId };
};

/** The ids of the jobs in the emulator's project: v1's and v2's. */
function jobIds(s: Scenario, projectId = PROJECT_ID): { v1: string[]; v2: string[] } {
  return {
    v1: s.emulator.control
      .jobs(projectId)
      .map((j) => j.jobId)
      .sort(),
    v2: s.emulator.control
      .v2Jobs(projectId)
      .map((j) => (j["metadata"] as { id: string }).id)
      .sort(),
  };
}

async function stateJobIds(stack: Stack): Promise<{ v1: string[]; v2: string[] }> {
  const resources = ((await stack.exportStack()).deployment?.resources ?? []) as StateResource[];
  const of = (type: string) =>
    resources
      .filter((r) => r.type === type)
      .map((r) => r.id!)
      .sort();
  return { v1: of("pulumi-nodejs:dynamic/modelarts:TrainingJob"), v2: of("pulumi-nodejs:dynamic/modelarts/v2:TrainingJob") };
}

function quiet(s: Scenario) {
  return { color: "never" as const, onOutput: (line: string) => s.output.push(line) };
}

describe("e2e: jobs belong to their stack instance", function () {
  this.timeout(20 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("two checkouts with a stack dev each, and a renamed stack and its successor, each get their own jobs and destroy only their own", async () => {
    await withScenario({ program, emulator: FAST }, async (s) => {
      const alice = await checkoutStack(s, "dev", program);
      const bob = await checkoutStack(s, "dev", program);
      try {
        await alice.up(quiet(s));
        const alices = jobIds(s);
        assert.deepEqual(await stateJobIds(alice), alices);
        assert.equal(alices.v1.length + alices.v2.length, 2);

        await bob.up(quiet(s));
        const bobs = await stateJobIds(bob);
        assert.equal(bobs.v1.length + bobs.v2.length, 2, "bob has a job of each version");
        assert.ok(
          !bobs.v1.some((id) => alices.v1.includes(id)) && !bobs.v2.some((id) => alices.v2.includes(id)),
          "bob took none of alice's",
        );
        assert.ok(!s.output.some((l) => /taking it/.test(l)), "no job was taken by its name");

        await bob.destroy(quiet(s));
        assert.deepEqual(jobIds(s), alices, "bob's destroy deleted bob's jobs only");

        await checkoutCli(alice, ["stack", "rename", "dev-old", "--stack", "dev"]);
        const successor = await Stack.create("dev", alice.workspace);
        await successor.setAllConfig(await s.stack.getAllConfig());
        await successor.up(quiet(s));
        const successors = await stateJobIds(successor);
        assert.equal(successors.v1.length + successors.v2.length, 2, "the new dev has a job of each version");
        assert.ok(!successors.v1.some((id) => alices.v1.includes(id)) && !successors.v2.some((id) => alices.v2.includes(id)));
        await successor.destroy(quiet(s));
        assert.deepEqual(jobIds(s), alices, "the new dev's destroy deleted its own jobs only");

        const renamed = await Stack.select("dev-old", alice.workspace);
        assert.deepEqual(await stateJobIds(renamed), alices, "the renamed stack still holds alice's jobs");
        await renamed.destroy(quiet(s));
        assert.deepEqual(jobIds(s), { v1: [], v2: [] });
      } finally {
        await removeCheckout(s, alice);
        await removeCheckout(s, bob);
      }
    });
  });

  const CHOSEN = [
    {
      api: "v1",
      program: singleJob("shared", () => ({ args: { jobName: "shared-1", config: jobConfig() } })),
      create: /^\/v1\/.*\/training-jobs$/,
      lag: "listVisibilityDelayMs",
      ids: (s: Scenario) => s.jobs().map((j) => j.jobId),
      // v1 jobs carry no stamp: the create time is the evidence that fails.
      reason: /it was created before this create started at .* \(allowing 5s of clock skew\), so no POST of this create made it/,
    },
    {
      api: "v2",
      program: singleV2Job("shared", () => ({ args: { jobName: "shared-1", algorithm: v2Algorithm(), spec: v2Spec() } })),
      create: V2_API.jobs,
      lag: "v2ListVisibilityDelayMs",
      ids: (s: Scenario) => v2Jobs(s).map((j) => j.id),
      // Every v2 job this package creates is stamped: the other stack's stamp fails first.
      reason: /it carries another stack's or resource's owner stamp/,
    },
  ] as const;

  for (const c of CHOSEN) {
    it(`${c.api}: a chosen name that another stack's job holds, hidden by the search lag while this create's POST meets a 500, is refused and their job survives`, async () => {
      await withScenario({ program: c.program, emulator: FAST }, async (s) => {
        // Stack A's up ran 20 s before B's (on the service's clock).
        s.emulator.control.advance(-20_000);
        await s.up();
        s.emulator.control.advance(20_000);
        const [theirs] = c.ids(s);
        assert.ok(theirs);
        const b = await siblingStack(s, "b");
        try {
          s.emulator.control.setBehaviour({ [c.lag]: 10 * 60_000 });
          s.emulator.control.clearRequests();
          s.emulator.control.addFaultScript({ method: "POST", pathRegex: c.create.source, phase: "before", steps: ["500"] });
          const attempt = failure(b.up(quiet(s)));
          // The search catches up once B's create has met its 500.
          await eventually(
            "B's create POST to meet the 500",
            () => (s.requests("POST", c.create).some((r) => r.status === 500) ? true : undefined),
            5 * 60_000,
          );
          s.emulator.control.setBehaviour({ [c.lag]: 0 });
          const error = await attempt;
          assert.match(error.message, new RegExp(`"shared-1" already exists as job ${theirs}`));
          assert.match(error.message, c.reason);
          assert.match(error.message, new RegExp(`adoptJobId: "${theirs}"`));
          assert.deepEqual(await stateJobIds(b), { v1: [], v2: [] }, "B's state holds no job");
          await b.destroy(quiet(s));
          assert.deepEqual(c.ids(s), [theirs]);
          assert.deepEqual(
            s.requests().filter((r) => r.method !== "GET" && r.path.includes(theirs)),
            [],
            "B never changed A's job",
          );
        } finally {
          await removeSibling(s, b);
        }
      });
    });
  }

  it("after modelarts:projectId changes, refresh keeps the jobs, the preview replaces them, and no job is left outside a state", async () => {
    await withScenario({ program, emulator: { ...FAST, projectId: [PROJECT_ID, OTHER_PROJECT] } }, async (s) => {
      await s.up();
      const first = jobIds(s);
      await s.stack.setConfig("modelarts:projectId", { value: OTHER_PROJECT });

      const refresh = await s.refresh();
      assert.equal(refresh.summary.resourceChanges?.["delete"], undefined, "refresh finds the jobs where they were created");
      assert.deepEqual(await stateJobIds(s.stack), first);

      const preview = await s.preview();
      assert.equal(preview.changeSummary["replace"], 2, JSON.stringify(preview.changeSummary));
      assert.ok(
        s.output.some((l) => /the configuration now points elsewhere \(projectId\)/.test(l)),
        "the preview says why the jobs are replaced",
      );

      const up = await s.up();
      assert.equal(up.summary.resourceChanges?.["replace"], 2);
      assert.deepEqual(jobIds(s), { v1: [], v2: [] }, "the old jobs were deleted where they lived");
      const moved = jobIds(s, OTHER_PROJECT);
      assert.deepEqual(await stateJobIds(s.stack), moved);
      assert.equal(moved.v1.length + moved.v2.length, 2);

      await s.destroy();
      assert.deepEqual(jobIds(s), { v1: [], v2: [] });
      assert.deepEqual(jobIds(s, OTHER_PROJECT), { v1: [], v2: [] });
    });
  });
});
