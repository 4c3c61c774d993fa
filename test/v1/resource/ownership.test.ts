/**
 * Ownership (README "How a job belongs to its stack"): every look-up uses the job's workspace, a job
 * of another stack is never adopted, and a job made by an ambiguous or interrupted create is found
 * and taken into the state, or named in an error with the one-step fix, within the create's deadline.
 * Driven against the real emulator with its fault scripts and list lag, on emulated time.
 */
import { strict as assert } from "node:assert";
import { ModelArtsError } from "../../../provider/shared/api/errors";
import { PartialStateError } from "../../../provider/v1/resource/provider";
import type { EmulatorOptions } from "../../../emulator";
import { checkAndCreate, emulatedProvider, PROJECT, type EmulatedProvider } from "./emulated";

const JOBS = `^/v1/${PROJECT}/training-jobs`;
const LIST = `${JOBS}\\?`;
const CREATE = `${JOBS}$`;

const CONFIG = {
  workerServerNum: 1,
  specId: 1,
  engineId: 4,
  appUrl: "/bucket/app/",
  bootFileUrl: "/bucket/app/train.py",
  dataUrl: "/bucket/data/",
  trainUrl: "/bucket/out/",
};
const WIRE_CONFIG = {
  worker_server_num: 1,
  spec_id: 1,
  engine_id: 4,
  app_url: "/bucket/app/",
  boot_file_url: "/bucket/app/train.py",
  data_url: "/bucket/data/",
  train_url: "/bucket/out/",
};

type Harness = EmulatedProvider;

/** The list lag and every backoff (the client's too) run on emulated time. */
function harness(options: EmulatorOptions = {}): Promise<Harness> {
  return emulatedProvider({ emulator: options, clientSleepsAdvance: true });
}

/** `check` then `create`, as the engine calls them. */
const up = checkAndCreate;

/** The rejection of a promise that must fail. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.fail("expected a failure"),
    (e: Error) => e,
  );
}

/** Requests that addressed one job (read, change, stop, delete), by method. */
function touching(h: Harness, jobId: string): string[] {
  return h.emu.control
    .requests({ pathRegex: `${JOBS}/${jobId}(/|$|\\?)` })
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path}`);
}

describe("ownership: a job belongs to exactly one stack", function () {
  this.timeout(60_000);
  let h: Harness;
  afterEach(async () => {
    await h?.emu.close();
  });

  describe("workspaces (case 1)", () => {
    it("refresh finds a job of another workspace than the default one", async () => {
      h = await harness();
      const { id, outs } = await up(h, { jobName: "in-ws", workspaceId: "ws-1", config: CONFIG });
      const read = await h.provider.read(id, outs);
      assert.equal(read.id, id, "refresh dropped a job that is running");
      const lists = h.emu.control.requests({ pathRegex: LIST }).map((r) => r.path);
      assert.ok(
        lists.every((p) => p.includes("workspace_id=ws-1")),
        lists.join("\n"),
      );
    });

    it("destroy deletes a job of another workspace and waits until it is gone", async () => {
      h = await harness();
      const { id, outs } = await up(h, { jobName: "in-ws-del", workspaceId: "ws-1", config: CONFIG });
      await h.provider.delete(id, outs);
      assert.equal(h.emu.control.requests({ method: "DELETE" }).length, 1, "destroy sent no DELETE");
      assert.deepEqual(h.emu.control.jobs(PROJECT), []);
    });

    it("adopts by id in the job's workspace", async () => {
      h = await harness();
      const existing = h.emu.control.createJob(PROJECT, { job_name: "adopt-ws", workspace_id: "ws-2", config: WIRE_CONFIG });
      const { id } = await up(h, { adoptJobId: existing.jobId, workspaceId: "ws-2", config: CONFIG });
      assert.equal(id, existing.jobId);
    });
    it("destroy persists through list, stop and delete failures within timeouts.delete instead of giving up after one call's retries", async () => {
      h = await harness({ jobDurationMs: 600_000 });
      const { id, outs } = await up(h, { jobName: "del-flaky", workspaceId: "ws-1", waitFor: "running", config: CONFIG });
      h.emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: Array<"503">(12).fill("503") });
      h.emu.control.addFaultScript({ method: "POST", pathRegex: "/stop$", steps: Array<"500">(7).fill("500") });
      h.emu.control.addFaultScript({ method: "DELETE", steps: Array<"503">(7).fill("503") });
      await h.provider.delete(id, outs);
      assert.deepEqual(h.emu.control.jobs(PROJECT), []);
    });
    it("destroy of a job created moments ago that the list does not show yet waits for it instead of calling it gone", async () => {
      h = await harness({ listVisibilityDelayMs: 15_000 });
      const made = h.emu.control.createJob(PROJECT, { job_name: "just-made", config: WIRE_CONFIG });
      const outs = { jobId: made.jobId, jobName: "just-made", createTime: new Date(made.createTime).toISOString(), config: CONFIG };
      await h.provider.delete(made.jobId, outs);
      assert.equal(h.emu.control.requests({ method: "DELETE" }).length, 1, "destroy sent no DELETE");
      assert.deepEqual(h.emu.control.jobs(PROJECT), []);
    });
  });

  describe("another stack's job (case 2)", () => {
    it("a create whose POST met a 500 the service never processed does not adopt another stack's job of that name", async () => {
      h = await harness();
      const other = h.emu.control.createJob(PROJECT, { job_name: "shared", config: WIRE_CONFIG });
      h.emu.control.clearRequests();
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "before", steps: ["500"] });
      const error = await failure(up(h, { jobName: "shared", config: CONFIG }));
      assert.ok(!(error instanceof PartialStateError), `adopted another stack's job: ${error.message}`);
      assert.match(error.message, new RegExp(`training job "shared" already exists as job ${other.jobId}`));
      assert.match(error.message, /may be left by an interrupted `pulumi up` of this stack/);
      assert.match(error.message, new RegExp(`adoptJobId: "${other.jobId}"`));
      assert.deepEqual(touching(h, other.jobId), []);
      assert.equal(h.emu.control.jobs(PROJECT).length, 1);
    });

    it("a conflict that appears only after the create started is not taken for this stack's own", async () => {
      h = await harness();
      // The other stack's job appears between this create's look-up and its POST.
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "before", steps: [{ kind: "latency", latencyMs: 2_000 }] });
      const racing = up(h, { jobName: "raced", config: CONFIG });
      await waitUntil(() => h.emu.control.requests({ pathRegex: LIST }).length > 0);
      const other = h.emu.control.createJob(PROJECT, { job_name: "raced", config: WIRE_CONFIG });
      const error = await failure(racing);
      assert.match(error.message, new RegExp(`already exists as job ${other.jobId}`));
      assert.deepEqual(touching(h, other.jobId), []);
    });

    it("two stacks never share an autonamed job, whatever the POST met", async () => {
      h = await harness();
      const a = await up(h, { autonamePrefix: "train", autonameSeed: "proj/a", config: CONFIG });
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "before", steps: ["500"] });
      const b = await up(h, { autonamePrefix: "train", autonameSeed: "proj/b", config: CONFIG });
      assert.notEqual(a.id, b.id);
      assert.notEqual(a.outs["jobName"], b.outs["jobName"]);
      assert.equal(h.emu.control.jobs(PROJECT).length, 2);
    });
  });

  describe("the read-after-create lag on refresh", () => {
    it("refresh keeps a job made moments ago that the lagging list does not show yet", async () => {
      h = await harness({ listVisibilityDelayMs: 15_000 });
      const { id, outs } = await up(h, { jobName: "fresh", config: CONFIG });
      const read = await h.provider.read(id, outs);
      assert.equal(read.id, id, "refresh dropped a job the service had just accepted");
      assert.equal(h.emu.control.jobs(PROJECT).length, 1);
    });

    it("refresh drops a job deleted outside Pulumi once the lag allowance after its create has passed", async () => {
      h = await harness();
      const { id, outs } = await up(h, { jobName: "gone-soon", config: CONFIG });
      const created = h.emu.control.clock().now;
      assert.ok(h.emu.control.deleteJob(id, { immediate: true }));
      const read = await h.provider.read(id, outs);
      assert.deepEqual(read, {}, "a job that no complete look-up finds after the allowance is gone");
      assert.ok(h.emu.control.clock().now - created >= 59_000, "absence was not concluded inside the allowance");
    });
  });

  describe("orphans after an ambiguous create (case 3)", () => {
    it("(a) finds its job although the create answered 500 and the next list calls fail with 503", async () => {
      h = await harness();
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "after", steps: ["500"] });
      // Twelve list calls in a row fail: more than two calls' worth of the client's own retries.
      h.emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: Array<"503">(12).fill("503") });
      const { id } = await up(h, { jobName: "amb-503", config: CONFIG });
      const jobs = h.emu.control.jobs(PROJECT);
      assert.equal(jobs.length, 1);
      assert.equal(id, jobs[0]!.jobId);
      assert.equal(h.emu.control.requests({ method: "POST", pathRegex: CREATE }).length, 1);
    });

    it("(b) finds its job although the list lags 15 s behind the create", async () => {
      h = await harness({ listVisibilityDelayMs: 15_000 });
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "after", steps: ["500"] });
      const { id } = await up(h, { jobName: "amb-lag", config: CONFIG });
      const jobs = h.emu.control.jobs(PROJECT);
      assert.equal(jobs.length, 1);
      assert.equal(id, jobs[0]!.jobId);
    });

    it("(b) finds its job when the list lags and a dropped connection hid the answer", async () => {
      h = await harness({ listVisibilityDelayMs: 15_000 });
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "after", steps: ["drop"] });
      const { id } = await up(h, { autonamePrefix: "lagged", autonameSeed: "proj/dev", config: CONFIG });
      assert.deepEqual(
        h.emu.control.jobs(PROJECT).map((j) => j.jobId),
        [id],
      );
    });

    it("re-sends a create that the service did not process, after looking", async () => {
      h = await harness();
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "before", steps: ["503", "drop"] });
      const { id } = await up(h, { jobName: "not-made", config: CONFIG });
      assert.deepEqual(
        h.emu.control.jobs(PROJECT).map((j) => j.jobId),
        [id],
      );
      assert.equal(h.emu.control.requests({ method: "POST", pathRegex: CREATE }).length, 3);
    });

    it("when the look-up cannot finish within timeouts.create, create fails saying what it saw, and the next up of an autonamed job adopts it", async () => {
      h = await harness();
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "after", steps: ["500"] });
      h.emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: ["none", ...Array<"503">(400).fill("503")] });
      const inputs = { autonamePrefix: "slow", autonameSeed: "proj/dev", timeouts: { create: "3m" }, config: CONFIG };
      const started = h.emu.control.clock().now;
      const error = await failure(up(h, inputs));
      assert.ok(h.emu.control.clock().now - started <= 3 * 60_000 + 30_000, "create overran its deadline");
      assert.match(error.message, /may have been accepted/);
      assert.match(error.message, /HTTP 503/);
      // The interrupted create left the job; the next up (same derived name, same config) takes it.
      h.emu.control.clearFaults();
      const [job] = h.emu.control.jobs(PROJECT);
      const again = await up(h, inputs);
      assert.equal(again.id, job!.jobId);
      assert.equal(h.emu.control.jobs(PROJECT).length, 1);
    });
    it("takes the job that a create answered 429 had made, once the re-sent create says the name exists", async () => {
      h = await harness();
      h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "after", steps: ["429"] });
      const { id } = await up(h, { jobName: "throttled-after", config: CONFIG });
      assert.deepEqual(
        h.emu.control.jobs(PROJECT).map((j) => j.jobId),
        [id],
      );
    });

    for (const phase of ["before", "after"] as const) {
      it(`makes exactly one job per create, and touches no other job, with 60% of requests failing ${phase} the work`, async () => {
        h = await harness({ seed: phase === "before" ? 3 : 11 });
        const bystander = h.emu.control.createJob(PROJECT, { job_name: "bystander", config: WIRE_CONFIG });
        h.emu.control.clearRequests();
        h.emu.control.setFaultRate({ rate: 0.6, kinds: ["429", "500", "503", "drop"], phase, pathRegex: `^/v1/` });
        const names = Array.from({ length: 8 }, (_, i) => `storm-${phase}-${i}`);
        const results = await Promise.allSettled(names.map((n) => up(h, { jobName: n, config: CONFIG })));
        h.emu.control.clearFaults();
        const jobs = h.emu.control.jobs(PROJECT).filter((j) => j.jobName !== "bystander");
        const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.id] : []));
        const failed = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
        // Every job the service made is one a create returned: no duplicate, no orphan.
        assert.deepEqual(jobs.map((j) => j.jobId).sort(), ok.sort(), failed.join("\n"));
        assert.equal(new Set(jobs.map((j) => j.jobName)).size, jobs.length);
        assert.deepEqual(touching(h, bystander.jobId), []);
        assert.equal(ok.length, 8, `only ${ok.length} of 8 creates succeeded: ${failed.join("\n")}`);
      });
    }
    it("when the look-up before the create cannot finish within timeouts.create, create fails saying nothing was sent", async () => {
      h = await harness();
      h.emu.control.addFaultScript({ method: "GET", pathRegex: LIST, steps: Array<"503">(400).fill("503") });
      const started = h.emu.control.clock().now;
      const error = await failure(up(h, { jobName: "never-listed", timeouts: { create: "2m" }, config: CONFIG }));
      assert.ok(h.emu.control.clock().now - started <= 2 * 60_000 + 30_000, "create overran its deadline");
      assert.match(error.message, /within the create's deadline: the list answered .*HTTP 503/);
      assert.match(error.message, /Nothing was sent/);
      assert.equal(h.emu.control.requests({ method: "POST" }).length, 0);
    });
  });

  describe("after an interrupted up (case 3c, at provider level)", () => {
    it("the next create of an autonamed job adopts the job its interrupted create left", async () => {
      h = await harness();
      const inputs = { autonamePrefix: "crashed", autonameSeed: "proj/dev", config: CONFIG };
      const { inputs: checked } = await h.provider.check({}, inputs);
      // What the killed create had sent: the same name and config, and no answer recorded.
      const left = h.emu.control.createJob(PROJECT, { job_name: checked["jobName"], config: WIRE_CONFIG });
      const { id } = await up(h, inputs);
      assert.equal(id, left.jobId);
      assert.equal(h.emu.control.jobs(PROJECT).length, 1);
      assert.ok(h.progress.some((l) => l.includes(`found job ${left.jobId}`)));
    });

    it("an autonamed job whose config differs from the left one is refused with its id and the fix", async () => {
      h = await harness();
      const inputs = { autonamePrefix: "changed", autonameSeed: "proj/dev", config: { ...CONFIG, workerServerNum: 2 } };
      const { inputs: checked } = await h.provider.check({}, inputs);
      const left = h.emu.control.createJob(PROJECT, { job_name: checked["jobName"], config: WIRE_CONFIG });
      const error = await failure(up(h, inputs));
      assert.match(error.message, new RegExp(`already exists as job ${left.jobId}`));
      assert.match(error.message, /config\.workerServerNum/);
      assert.deepEqual(touching(h, left.jobId), []);
    });

    it("an explicitly named job is never adopted by name; the error gives the id, and adoptJobId takes it", async () => {
      h = await harness();
      const left = h.emu.control.createJob(PROJECT, { job_name: "explicit", config: WIRE_CONFIG });
      const error = await failure(up(h, { jobName: "explicit", config: CONFIG }));
      assert.ok(ModelArtsError.isInstance(error));
      assert.equal(error.name, "OwnershipError");
      assert.match(error.message, new RegExp(`training job "explicit" already exists as job ${left.jobId} in workspace "0"`));
      assert.match(error.message, /may be left by an interrupted `pulumi up` of this stack/);
      assert.match(error.message, new RegExp(`set adoptJobId: "${left.jobId}"`));
      assert.equal(h.emu.control.requests({ method: "POST", pathRegex: CREATE }).length, 0);
      const { id } = await up(h, { jobName: "explicit", adoptJobId: left.jobId, config: CONFIG });
      assert.equal(id, left.jobId);
    });

    it("a name conflict from the service itself says the job may be this stack's own and how to recover", async () => {
      h = await harness();
      // Another workspace holds the name: this workspace's look-ups cannot see it, the service refuses it.
      const elsewhere = h.emu.control.createJob(PROJECT, { job_name: "taken", workspace_id: "ws-9", config: WIRE_CONFIG });
      const error = await failure(up(h, { jobName: "taken", config: CONFIG }));
      assert.match(error.message, /ModelArts\.0103/);
      assert.match(error.message, /may be left by an interrupted `pulumi up` of this stack/);
      assert.match(error.message, /workspaceId/);
      assert.deepEqual(touching(h, elsewhere.jobId), []);
    });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), "condition never held");
}
