import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { diffInputs } from "../../../provider/v1/resource/diff";
import type { TrainingJobProviderImpl } from "../../../provider/v1/resource/provider";
import { providerFromConfig } from "../../../provider/runtime";

const PROJECT = "0123456789abcdef0123456789abcdef";
const OTHER_PROJECT = "fedcba9876543210fedcba9876543210";
/** Two accounts: the stack's own (top-level settings) and another one, reached through profile "eu". */
const HOME = { accessKey: "AKHOMEACCOUNT0000001", secretKey: "SK-home-account-s3cr3t-0001" };
const EU = { accessKey: "AKEUACCOUNT000000001", secretKey: "SK-eu-account-s3cr3t-0002" };
const SERIALIZED = "exports.handler = () => stub";
const CONFIG = {
  workerServerNum: 1,
  specId: 1,
  engineId: 4,
  appUrl: "/bucket/app/",
  bootFileUrl: "/bucket/app/train.py",
  dataUrl: "/bucket/data/",
  trainUrl: "/bucket/out/",
};

/** Stack configuration as the dynamic-provider host hands it over: flat keys, structured values as JSON text. */
function stackConfig(values: Record<string, unknown>) {
  return { get: (key: string) => values[key] };
}

describe("credentials profiles: one stack, two accounts", function () {
  this.timeout(30_000);
  let home: RunningEmulator;
  let eu: RunningEmulator;
  let provider: TrainingJobProviderImpl;

  before(async () => {
    home = await startEmulator({
      port: 0,
      accessKeys: { [HOME.accessKey]: HOME.secretKey },
      projectId: PROJECT,
      jobDurationMs: 60_000,
      killMs: 0,
      deleteDelayMs: 0,
    });
    eu = await startEmulator({
      port: 0,
      accessKeys: { [EU.accessKey]: EU.secretKey },
      projectId: [PROJECT, OTHER_PROJECT],
      jobDurationMs: 60_000,
      deleteDelayMs: 0,
      killMs: 0,
    });
  });
  after(async () => {
    await home?.close();
    await eu?.close();
  });
  beforeEach(() => {
    provider = providerFromConfig(
      stackConfig({
        "modelarts:endpoint": home.url,
        "modelarts:projectId": PROJECT,
        "modelarts:accessKey": HOME.accessKey,
        "modelarts:secretKey": HOME.secretKey,
        "modelarts:profiles": JSON.stringify({ eu: { endpoint: eu.url, projectId: PROJECT, ...EU }, us: { token: "token-us-0003" } }),
      }),
      {},
    );
  });

  async function create(inputs: Record<string, unknown>) {
    const { inputs: checked, failures } = await provider.check({}, { ...inputs, __provider: SERIALIZED });
    assert.deepEqual(failures, []);
    return provider.create({ ...checked, __provider: SERIALIZED });
  }

  it("creates, reads and deletes a job in the account of the profile it names, and one without a profile in the stack's account", async () => {
    const mine = await create({ jobName: "home-job", config: CONFIG });
    const theirs = await create({ jobName: "eu-job", profile: "eu", config: CONFIG });
    assert.deepEqual(
      home.control.jobs(PROJECT).map((j) => j.jobName),
      ["home-job"],
    );
    assert.deepEqual(
      eu.control.jobs(PROJECT).map((j) => j.jobName),
      ["eu-job"],
    );
    assert.equal(theirs.outs["profile"], "eu");
    const read = await provider.read(theirs.id, theirs.outs);
    assert.equal(read.props?.["jobName"], "eu-job");
    assert.equal(read.inputs?.["profile"], "eu");
    await provider.delete(theirs.id, theirs.outs);
    assert.deepEqual(eu.control.jobs(PROJECT), []);
    assert.deepEqual(
      home.control.jobs(PROJECT).map((j) => j.jobId),
      [mine.id],
    );
  });

  it("applies a resource's projectId override on top of its profile", async () => {
    const job = await create({ jobName: "eu-other-project", profile: "eu", projectId: OTHER_PROJECT, config: CONFIG });
    assert.equal((await provider.read(job.id, job.outs)).props?.["jobName"], "eu-other-project");
    assert.deepEqual(
      eu.control.jobs(OTHER_PROJECT).map((j) => j.jobName),
      ["eu-other-project"],
    );
  });

  it("reports an unknown profile at check, naming the property and the known profiles but no setting", async () => {
    home.control.clearRequests();
    const { failures } = await provider.check({}, { jobName: "x", profile: "asia", config: CONFIG });
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.property, "profile");
    assert.match(failures[0]!.reason, /"asia", which modelarts:profiles does not define; the profiles are: eu, us/);
    for (const secret of [HOME.secretKey, EU.secretKey, EU.accessKey, "token-us-0003", eu.url])
      assert.ok(!inspect(failures).includes(secret));
    assert.equal(home.control.requests().length, 0);
  });

  it("never lets a profile borrow the stack's or the environment's identity to fill a gap", async () => {
    const bare = providerFromConfig(
      stackConfig({
        "modelarts:accessKey": HOME.accessKey,
        "modelarts:secretKey": HOME.secretKey,
        "modelarts:profiles": JSON.stringify({ bare: { endpoint: eu.url, projectId: PROJECT } }),
      }),
      { HW_ACCESS_KEY: EU.accessKey, HW_SECRET_KEY: EU.secretKey },
    );
    await assert.rejects(bare.check({}, { jobName: "x", profile: "bare", config: CONFIG }), (error: Error) => {
      assert.match(error.message, /credentials profile "bare" \(modelarts:profiles\.bare\): no credentials are configured/);
      assert.ok(!error.message.includes(HOME.secretKey) && !error.message.includes(EU.secretKey), error.message);
      return true;
    });
  });

  it("keeps serving jobs without a profile when modelarts:profiles is malformed, and fails those that name one", async () => {
    const broken = providerFromConfig(
      stackConfig({
        "modelarts:endpoint": home.url,
        "modelarts:projectId": PROJECT,
        "modelarts:accessKey": HOME.accessKey,
        "modelarts:secretKey": HOME.secretKey,
        "modelarts:profiles": JSON.stringify({ eu: { secretkey: "SK-typo-0004" } }),
      }),
      {},
    );
    assert.deepEqual((await broken.check({}, { jobName: "x", config: CONFIG })).failures, []);
    await assert.rejects(
      broken.check({}, { jobName: "x", profile: "eu", config: CONFIG }),
      /modelarts:profiles\.eu\.secretkey is not a setting/,
    );
  });

  it("replaces a job whose profile changes, deleting first when its name stays: another account's job is another job", () => {
    const olds = { jobName: "j", profile: "eu", config: CONFIG, jobId: "1" };
    assert.deepEqual(diffInputs(olds, { jobName: "j", profile: "us", config: CONFIG }), {
      changes: true,
      replaces: ["profile"],
      deleteBeforeReplace: true,
      changed: ["profile"],
    });
    assert.deepEqual(diffInputs(olds, { jobName: "j", config: CONFIG }).replaces, ["profile"]);
    assert.equal(diffInputs(olds, { jobName: "j", profile: "eu", config: CONFIG }).changes, false);
  });
});
