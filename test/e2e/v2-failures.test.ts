/**
 * v2 failures under the real Pulumi engine: a job the service accepted that then fails (Failed) or
 * turns Abnormal, forced through the emulator's control API (`setV2Phase`), and a create the service
 * refuses. A job the service accepted is in the stack's state whatever happened next, the error
 * carries the service's own message, and destroy removes the job.
 */
import { strict as assert } from "node:assert";
import { checkPackageBuilt, eventually, pulumiCli, withScenario } from "./harness";
import { V2_API, failure, v2JobPath, v2Jobs, v2StateJobs } from "./v2-harness";
import { singleV2Job, v2Algorithm, v2Spec, type V2Args } from "./v2-programs";

/** The clock stands still (a job stays Creating) until a scenario forces a phase or lets time run. */
const FROZEN = { frozenClock: true, jobDurationMs: 60_000, deleteDelayMs: 500 };

describe("e2e: v2 failures under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("a job that fails after acceptance ends the up with the service's message, stays in the state, and destroy removes it", async () => {
    const message = "worker-0 exited with code 137: out of memory";
    const args: V2Args = { jobName: "failing-job", waitFor: "completed", algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("failing", () => ({ args })), emulator: FROZEN }, async (s) => {
      const up = s.up();
      up.catch(() => undefined);
      // The job runs, then fails while up waits for its completion.
      const job = await eventually("the create to be accepted", () => v2Jobs(s)[0], 120_000);
      s.emulator.control.advance(20_000);
      s.emulator.control.setV2Phase(job.id, { phase: "Failed", message });
      const error = await failure(up);

      const [now] = v2Jobs(s);
      assert.equal(now?.id, job.id, "the service accepted the job, and it is still there");
      assert.equal(now?.phase, "Failed");
      assert.match(error.message, new RegExp(job.id), "the error names the job");
      assert.match(error.message, /Failed/);
      assert.ok(error.message.includes(message), `the error shows the service's message: ${error.message}`);
      assert.match(error.message, /last \d+ log lines? of worker-0:/, "the error ends with the tail of the task's log");

      const state = await v2StateJobs(s);
      assert.equal(state.length, 1, "the failed job is recorded in the stack");
      assert.equal(state[0]?.id, job.id);
      assert.equal(state[0]?.outputs?.["jobName"], "failing-job");

      s.emulator.control.unfreeze();
      const destroy = await s.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 3 });
      assert.deepEqual(v2Jobs(s), []);
      assert.deepEqual(
        s.requests("DELETE", V2_API.job).map((r) => r.path),
        [v2JobPath(job.id)],
      );
      assert.equal(s.requests("POST", V2_API.actions).length, 0, "a failed job is not running: nothing to terminate");
    });
  });

  it("a job that turns Abnormal before it runs ends the up with the service's message, stays in the state, and destroy removes it", async () => {
    const message = "image pull failed: the SWR image could not be found";
    const args: V2Args = { waitFor: "running", algorithm: v2Algorithm(), spec: v2Spec() };
    await withScenario({ program: singleV2Job("abnormal", () => ({ args })), emulator: FROZEN }, async (s) => {
      const up = s.up();
      up.catch(() => undefined);
      const job = await eventually("the create to be accepted", () => v2Jobs(s)[0], 120_000);
      assert.equal(job.phase, "Creating", "the frozen clock holds the job before Running");
      s.emulator.control.setV2Phase(job.id, { phase: "Abnormal", message });
      const error = await failure(up);

      assert.equal(v2Jobs(s)[0]?.phase, "Abnormal");
      assert.match(error.message, new RegExp(job.id));
      assert.match(error.message, /Abnormal/);
      assert.ok(error.message.includes(message), `the error shows the service's message: ${error.message}`);
      const state = await v2StateJobs(s);
      assert.deepEqual(
        state.map((r) => r.id),
        [job.id],
        "the abnormal job is recorded in the stack",
      );

      s.emulator.control.unfreeze();
      await s.destroy();
      assert.deepEqual(v2Jobs(s), []);
      assert.deepEqual(await v2StateJobs(s), []);
    });
  });

  it("an engine version the region does not have is refused at preview, naming the property and the versions, and nothing is created", async () => {
    const algorithm = v2Algorithm({ engine: { engineName: "PyTorch", engineVersion: "no-such-version" } });
    const args: V2Args = { jobName: "unknown-engine", algorithm, spec: v2Spec({ nodeCount: 99 }) };
    await withScenario({ program: singleV2Job("unknown-engine", () => ({ args })), emulator: FROZEN }, async (s) => {
      const error = await failure(s.preview());
      assert.match(error.message, /algorithm\.engine\.engineVersion/);
      assert.match(error.message, /"no-such-version" is not a version of engine "PyTorch" in this region/);
      assert.match(error.message, /v2\.getEngines\(\)/);
      assert.match(error.message, /spec\.resource\.nodeCount.*must be at most 16/);
      assert.doesNotMatch(error.message, /engine_id|ai-engines|worker_server_num/);
      assert.deepEqual(s.requests("POST"), [], "nothing is sent but the catalogue reads");
    });
  });

  it("a create the service refuses fails the up with the service's error code and message, and leaves nothing behind", async () => {
    // A dedicated pool's card-count flavours are not in the public catalogue: only the create can tell.
    const algorithm = v2Algorithm();
    const args: V2Args = {
      jobName: "refused-job",
      algorithm,
      spec: v2Spec({ poolId: "pool-e2e", flavorId: "modelarts.pool.visual.3xlarge" }),
    };
    await withScenario({ program: singleV2Job("refused", () => ({ args })), emulator: FROZEN }, async (s) => {
      const error = await failure(s.up());
      const [refused] = s.requests("POST", V2_API.jobs);
      assert.ok(refused, "the create was sent");
      assert.equal(refused.status, 400);
      assert.ok(refused.errorCode, "the service answered with an error code");
      assert.ok(error.message.includes(refused.errorCode), `the error names ${refused.errorCode}: ${error.message}`);
      assert.match(error.message, /modelarts\.pool\.visual\.3xlarge/);
      assert.match(error.message, /spec\.resource\.flavorId.*v2\.getFlavors\(\)/, "in v2's words");
      assert.deepEqual(v2Jobs(s), []);
      assert.deepEqual(await v2StateJobs(s), []);
    });
  });
});
