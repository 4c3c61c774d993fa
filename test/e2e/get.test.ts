/**
 * `TrainingJob.get` under the real engine: a job read by id is in the stack as an external resource,
 * with every output filled from the service, and is never changed, adopted or deleted.
 */
import { strict as assert } from "node:assert";
import { TrainingJob } from "pulumi-modelarts";
import { API, checkPackageBuilt, createOutOfBand, pulumiCli, withScenario, type Scenario } from "./harness";
import { JOB_OUTPUTS, jobConfig } from "./programs";

const FAST = { jobDurationMs: 60_000, deleteDelayMs: 500 };

/** Requests that could change a job: anything but a GET. */
function changingRequests(s: Scenario) {
  return s.requests().filter((r) => r.method !== "GET");
}

/** The stack's resources as `pulumi stack export` records them. */
async function stateResources(s: Scenario) {
  const deployment = await s.stack.exportStack();
  return (deployment.deployment?.resources ?? []) as Array<{
    type: string;
    id?: string;
    external?: boolean;
    inputs?: Record<string, unknown>;
  }>;
}

describe("e2e: TrainingJob.get under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("reads a job by id with every output filled, refreshes it, and forgets it without touching it when the program drops it", async () => {
    let jobId = "";
    let reading = true;
    const program = async () => {
      if (!reading) return {};
      const job = TrainingJob.get("baseline", jobId);
      return {
        ...Object.fromEntries(JOB_OUTPUTS.map((key) => [key, job[key]])),
        description: job.description,
        config: job.config,
        isInstance: TrainingJob.isInstance(job),
      };
    };
    await withScenario({ program, emulator: FAST }, async (s) => {
      jobId = createOutOfBand(s, "made-by-hand");
      s.emulator.control.clearRequests();

      const up = await s.up();
      const out = (key: string) => up.outputs[key]?.value;
      assert.equal(out("jobId"), jobId);
      assert.equal(out("jobName"), "made-by-hand");
      const version = s.jobs()[0]?.versions.at(-1);
      assert.equal(out("versionId"), version?.versionId);
      assert.equal(out("versionName"), version?.versionName);
      assert.equal(typeof out("status"), "number");
      assert.match(out("statusName") as string, /^JOBSTAT_/);
      assert.match(out("createTime") as string, /^\d{4}-\d\d-\d\dT/);
      assert.equal(out("versionCount"), 1);
      assert.equal(out("description"), "created by hand");
      assert.deepEqual(out("config"), jobConfig());
      assert.equal(out("isInstance"), true);
      const [read] = (await stateResources(s)).filter((r) => r.type.endsWith("modelarts:TrainingJob"));
      assert.equal(read?.id, jobId);
      assert.equal(read?.external, true, "a job read with get is external: the stack does not own it");

      const refresh = await s.refresh();
      assert.equal(refresh.summary.result, "succeeded");
      await s.up({ expectNoChanges: true });

      // Dropping the get from the program forgets the job; it never deletes or stops it.
      reading = false;
      await s.up();
      assert.deepEqual(
        (await stateResources(s)).filter((r) => r.type.endsWith("modelarts:TrainingJob")),
        [],
      );
      assert.deepEqual(
        s.jobs().map((j) => j.jobId),
        [jobId],
      );
      assert.deepEqual(changingRequests(s), [], "get, refresh and up only read");
    });
  });

  it("destroy of a stack that only read a job leaves the job alone", async () => {
    let jobId = "";
    const program = async () => ({ jobName: TrainingJob.get("baseline", jobId).jobName });
    await withScenario({ program, emulator: FAST }, async (s) => {
      jobId = createOutOfBand(s, "kept-by-hand");
      s.emulator.control.clearRequests();
      const up = await s.up();
      assert.equal(up.outputs["jobName"]?.value, "kept-by-hand");
      await s.destroy();
      assert.deepEqual(await stateResources(s), []);
      assert.deepEqual(
        s.jobs().map((j) => j.jobId),
        [jobId],
      );
      assert.deepEqual(changingRequests(s), []);
      assert.equal(s.requests("GET", API.job).length, 0);
    });
  });

  it("takes a job first read with get over when the program declares it with adoptJobId, submitting nothing", async () => {
    let jobId = "";
    let declared = false;
    const program = async () => {
      const job = declared
        ? new TrainingJob("baseline", { adoptJobId: jobId, jobName: "taken-over", description: "created by hand", config: jobConfig() })
        : TrainingJob.get("baseline", jobId);
      return { jobId: job.jobId };
    };
    await withScenario({ program, emulator: FAST }, async (s) => {
      jobId = createOutOfBand(s, "taken-over");
      await s.up();
      declared = true;
      const up = await s.up();
      assert.equal(up.outputs["jobId"]?.value, jobId);
      const [owned] = (await stateResources(s)).filter((r) => r.type.endsWith("modelarts:TrainingJob"));
      assert.equal(owned?.id, jobId);
      assert.notEqual(owned?.external, true, "now the stack owns it");
      assert.equal(s.requests("POST", API.jobs).length, 0, "nothing was submitted");
      await s.up({ expectNoChanges: true });
      await s.destroy();
      assert.deepEqual(s.jobs(), [], "an owned job is deleted on destroy");
    });
  });

  it("fails the up for an id that no job has, and creates nothing", async () => {
    const program = async () => ({ jobName: TrainingJob.get("missing", "987654321").jobName });
    await withScenario({ program, emulator: FAST }, async (s) => {
      const error = await s.up().then(
        () => assert.fail("a get of a missing job should fail"),
        (e: Error) => e,
      );
      assert.match(error.message, /TrainingJob\.get: no training job with id 987654321 exists in project 0123456789abcdef0123456789abcdef/);
      assert.deepEqual(changingRequests(s), []);
      assert.deepEqual(s.jobs(), []);
    });
  });
});
