/**
 * v2 creates follow the shared ownership rules (README "How a job belongs to its stack"): a job is
 * taken into the state only with evidence beyond its name, and an ambiguous create never leaves a
 * duplicate or an orphan. Against the real emulator, on emulated time.
 */
import { strict as assert } from "node:assert";
import type { EmulatorOptions } from "../../../emulator";
import { ModelArtsError } from "../../../provider/shared/api/errors";
import type { CreateJobRequest } from "../../../provider/v2/api/types";
import { OWNER_ANNOTATION, ownerStamp } from "../../../provider/shared/resource/autoname";
import { checkAndCreate, emulatedProvider, jobInputs, PROJECT, type EmulatedProvider } from "./emulated";

const JOBS = `^/v2/${PROJECT}/training-jobs`;
const CREATE = `${JOBS}$`;
const SEARCH = `^/v2/${PROJECT}/training-job-searches`;
/** A stack identity's seed, as `stack-identity.ts` makes it. */
const SEED = "00112233445566778899aabbccddeeff";

type Harness = EmulatedProvider;

/** The list lag and every backoff (the client's too) run on emulated time. */
function harness(options: EmulatorOptions = {}, providerClockAheadMs = 0): Promise<Harness> {
  return emulatedProvider({ emulator: options, clientSleepsAdvance: true, providerClockAheadMs });
}

const up = checkAndCreate;

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.fail("expected a failure"),
    (e: Error) => e,
  );
}

/**
 * The create body the resource sends for `jobInputs()` under `name`: what an interrupted up left,
 * stamped as the resource `prefix` of the stack `seed` stamps it when given.
 */
function leftBehind(name: string, patch: Partial<CreateJobRequest> = {}, stampOf?: { seed: string; prefix: string }): CreateJobRequest {
  const inputs = jobInputs();
  return {
    metadata: {
      name,
      description: inputs["description"] as string,
      ...(stampOf ? { annotations: { [OWNER_ANNOTATION]: ownerStamp(stampOf.seed, stampOf.prefix) } } : {}),
    },
    algorithm: inputs["algorithm"] as CreateJobRequest["algorithm"],
    spec: inputs["spec"] as NonNullable<CreateJobRequest["spec"]>,
    ...patch,
  };
}

function names(h: Harness): string[] {
  return h.emu.control.v2Jobs(PROJECT).map((j) => (j["metadata"] as { name: string }).name);
}
function ids(h: Harness): string[] {
  return h.emu.control.v2Jobs(PROJECT).map((j) => (j["metadata"] as { id: string }).id);
}

/** Requests that changed one job (anything but reads). */
function touching(h: Harness, jobId: string): string[] {
  return h.emu.control
    .requests({ pathRegex: `${JOBS}/${jobId}(/|$|\\?)` })
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path}`);
}

describe("v2 ownership (emulator, emulated time)", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.emu.close();
    h = undefined;
  });

  it("the next create of an autonamed job adopts the job its interrupted create left, with the same algorithm and spec", async () => {
    h = await harness();
    const inputs = jobInputs({ autonamePrefix: "crashed", autonameSeed: SEED });
    const { inputs: checked } = await h.provider.check({}, inputs);
    const left = await h.client.createJob(leftBehind(checked["jobName"] as string, {}, { seed: SEED, prefix: "crashed" }));
    const { id } = await up(h, inputs);
    assert.equal(id, left.id);
    assert.deepEqual(ids(h), [left.id]);
    assert.ok(h.progress.some((l) => l.includes(`found job ${left.id}`)));
  });

  it("the create stamps the job with the resource's owner stamp, derived from the seed and never the seed itself", async () => {
    h = await harness();
    const { outs } = await up(h, jobInputs({ autonamePrefix: "stamped", autonameSeed: SEED }));
    const [job] = h.emu.control.v2Jobs(PROJECT);
    const annotations = (job!["metadata"] as { annotations?: Record<string, string> }).annotations;
    assert.equal(annotations?.[OWNER_ANNOTATION], ownerStamp(SEED, "stamped"), "the service keeps the stamp the create sent");
    assert.ok(!JSON.stringify(job).includes(SEED), "the seed itself is not sent");
    assert.equal(outs["annotations"], undefined, "the stamp is not an input, so it never shows as a diff");
  });

  for (const [what, stampOf] of [
    ["no owner stamp", undefined],
    ["another stack's owner stamp", { seed: "ffeeddccbbaa99887766554433221100", prefix: "twin" }],
  ] as const) {
    it(`an autonamed job of the derived name and the same configuration that carries ${what} is refused, and nothing is changed`, async () => {
      h = await harness();
      const inputs = jobInputs({ autonamePrefix: "twin", autonameSeed: SEED });
      const { inputs: checked } = await h.provider.check({}, inputs);
      const left = await h.client.createJob(leftBehind(checked["jobName"] as string, {}, stampOf));
      const error = await failure(up(h, inputs));
      assert.equal(error.name, "OwnershipError");
      assert.match(error.message, new RegExp(`already exists as job ${left.id}`));
      assert.match(
        error.message,
        stampOf ? /carries another stack's or resource's owner stamp/ : /does not carry this resource's owner stamp/,
      );
      assert.deepEqual(ids(h), [left.id]);
      assert.deepEqual(touching(h, left.id), []);
    });
  }

  it("an autonamed job whose spec differs from the left one is refused with its id, the differing path and the fix", async () => {
    h = await harness();
    const inputs = jobInputs({
      autonamePrefix: "changed",
      autonameSeed: SEED,
      spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 2 } },
    });
    const { inputs: checked } = await h.provider.check({}, inputs);
    const left = await h.client.createJob(leftBehind(checked["jobName"] as string, {}, { seed: SEED, prefix: "changed" }));
    const error = await failure(up(h, inputs));
    assert.equal(error.name, "OwnershipError");
    assert.match(error.message, new RegExp(`already exists as job ${left.id}`));
    assert.match(error.message, /its configuration differs from this resource's \(spec\.resource\.nodeCount\)/);
    assert.match(error.message, new RegExp(`adoptJobId: "${left.id}"`));
    assert.deepEqual(touching(h, left.id), []);
  });

  it("an explicitly named job is never adopted by name; the error gives the id, and adoptJobId takes it", async () => {
    h = await harness();
    const left = await h.client.createJob(leftBehind("explicit"));
    const error = await failure(up(h, jobInputs({ jobName: "explicit" })));
    assert.ok(ModelArtsError.isInstance(error));
    assert.equal(error.name, "OwnershipError");
    assert.match(error.message, new RegExp(`training job "explicit" already exists as job ${left.id} in workspace "0"`));
    assert.match(error.message, /it existed before this create started/);
    assert.equal(h.emu.control.requests({ method: "POST", pathRegex: CREATE }).length, 1, "only the out-of-band create was sent");
    const { id, outs } = await up(h, jobInputs({ jobName: "explicit", adoptJobId: left.id }));
    assert.equal(id, left.id);
    assert.equal(outs["jobName"], "explicit");
    assert.deepEqual(touching(h, left.id), []);
  });

  it("adoptJobId refuses a job whose algorithm differs, naming the path, and changes nothing", async () => {
    h = await harness();
    const left = await h.client.createJob(leftBehind("adopt-me"));
    const declared = jobInputs({ adoptJobId: left.id });
    (declared["algorithm"] as Record<string, unknown>)["bootFile"] = "/bucket/code/other.py";
    const error = await failure(up(h, declared));
    assert.equal(error.name, "AdoptError");
    assert.match(error.message, /algorithm\.bootFile differ/);
    assert.deepEqual(touching(h, left.id), []);
  });

  it("adoptJobId takes a job whose echo carries the service's additions (engine resolved, local folders, output modes)", async () => {
    h = await harness();
    const left = await h.client.createJob(leftBehind("adopt-echo"));
    const { id, outs } = await up(h, jobInputs({ adoptJobId: left.id }));
    assert.equal(id, left.id);
    assert.equal(outs["jobName"], "adopt-echo");
    const diff = await h.provider.diff(id, outs, jobInputs({ adoptJobId: left.id }));
    assert.equal(diff.changes, false, "the adopted job is not replaced by the next up");
  });

  it("adoptJobId of an unknown job fails naming it", async () => {
    h = await harness();
    const error = await failure(up(h, jobInputs({ adoptJobId: "00000000-0000-4000-8000-000000000000" })));
    assert.match(error.message, /adoptJobId: no training job with id 00000000-0000-4000-8000-000000000000/);
  });

  it("finds its job although the create answered 500 after the work and the next searches fail with 503", async () => {
    h = await harness();
    h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "after", steps: ["500"] });
    h.emu.control.addFaultScript({ method: "POST", pathRegex: SEARCH, steps: ["none", ...Array<"503">(12).fill("503")] });
    const { id } = await up(h, jobInputs({ jobName: "amb-503" }));
    assert.deepEqual(ids(h), [id]);
    assert.equal(h.emu.control.requests({ method: "POST", pathRegex: CREATE }).length, 1);
  });

  it("finds its job although the search lags 15 s behind the create and a dropped connection hid the answer", async () => {
    h = await harness({ v2ListVisibilityDelayMs: 15_000 });
    h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "after", steps: ["drop"] });
    const { id } = await up(h, jobInputs({ autonamePrefix: "lagged", autonameSeed: "proj/dev" }));
    assert.deepEqual(ids(h), [id]);
  });

  it("an explicitly named job another stack created before this create started is refused, though the search lagged behind it and the POST met a 500", async () => {
    h = await harness({ v2ListVisibilityDelayMs: 30_000 });
    const theirs = await h.client.createJob(leftBehind("shared-1"));
    // Their up ended 10 s before ours starts: more than the clock-skew allowance (5 s).
    h.emu.control.advance(10_000);
    h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "before", steps: ["500"] });
    const error = await failure(up(h, jobInputs({ jobName: "shared-1" })));
    assert.equal(error.name, "OwnershipError");
    assert.match(error.message, new RegExp(`"shared-1" already exists as job ${theirs.id}`));
    assert.match(
      error.message,
      /it was created before this create started at .* \(allowing 5s of clock skew\), so no POST of this create made it/,
    );
    assert.match(error.message, new RegExp(`adoptJobId: "${theirs.id}"`));
    assert.deepEqual(ids(h), [theirs.id]);
    assert.deepEqual(touching(h, theirs.id), []);
  });

  it("an explicitly named job created within the clock-skew allowance before this create started is taken after an ambiguous create", async () => {
    // The service's clock runs 4 s behind this machine's: the job this create makes looks 4 s older than its start.
    h = await harness({ v2ListVisibilityDelayMs: 30_000 }, 4_000);
    h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "after", steps: ["500"] });
    const { id } = await up(h, jobInputs({ jobName: "skewed" }));
    assert.deepEqual(ids(h), [id], "one job, the one this create made (a second POST met the name it holds)");
    assert.ok(h.progress.some((l) => l.includes(`found job ${id}`) && l.includes("taking it")));
  });

  it("re-sends a create that the service did not process, after looking", async () => {
    h = await harness();
    h.emu.control.addFaultScript({ method: "POST", pathRegex: CREATE, phase: "before", steps: ["503", "drop"] });
    const { id } = await up(h, jobInputs({ jobName: "not-made" }));
    assert.deepEqual(ids(h), [id]);
    assert.equal(h.emu.control.requests({ method: "POST", pathRegex: CREATE }).length, 3);
  });

  it("a name the service holds in another workspace is refused with the way to recover", async () => {
    h = await harness({ v2NameScope: "project" });
    const elsewhere = await h.client.createJob(leftBehind("taken", { metadata: { name: "taken", workspaceId: "a".repeat(32) } }));
    const error = await failure(up(h, jobInputs({ jobName: "taken" })));
    assert.match(error.message, /ModelArts\.2751/);
    assert.match(error.message, /may be left by an interrupted `pulumi up` of this stack/);
    assert.match(error.message, /workspaceId/);
    assert.deepEqual(touching(h, elsewhere.id), []);
  });

  for (const phase of ["before", "after"] as const) {
    it(`makes exactly one job per create, and touches no other job, with 50% of requests failing ${phase} the work`, async () => {
      h = await harness({ seed: phase === "before" ? 5 : 13 });
      const bystander = await h.client.createJob(leftBehind("bystander"));
      h.emu.control.clearRequests();
      h.emu.control.setFaultRate({ rate: 0.5, kinds: ["429", "500", "503", "drop"], phase, pathRegex: `^/v2/` });
      const jobNames = Array.from({ length: 6 }, (_, i) => `storm-${phase}-${i}`);
      const results = await Promise.allSettled(jobNames.map((n) => up(h!, jobInputs({ jobName: n }))));
      h.emu.control.clearFaults();
      const made = h.emu.control
        .v2Jobs(PROJECT)
        .map((j) => j["metadata"] as { id: string; name: string })
        .filter((m) => m.name !== "bystander");
      const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.id] : []));
      const failed = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
      assert.deepEqual(made.map((m) => m.id).sort(), ok.sort(), failed.join("\n"));
      assert.equal(new Set(made.map((m) => m.name)).size, made.length);
      assert.deepEqual(touching(h, bystander.id), []);
      assert.equal(ok.length, jobNames.length, `only ${ok.length} of ${jobNames.length} creates succeeded: ${failed.join("\n")}`);
      assert.ok(names(h).includes("bystander"));
    });
  }
});
