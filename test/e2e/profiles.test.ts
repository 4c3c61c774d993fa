/**
 * Credentials profiles under the real engine: one stack addresses two accounts (two emulators with
 * different access keys), choosing the account per resource with `profile`, and the state holds no
 * secret of either.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { TrainingJob, type TrainingJobArgs } from "pulumi-modelarts";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PROJECT_ID, checkPackageBuilt, pulumiCli, withScenario, type Scenario } from "./harness";
import { jobConfig } from "./programs";

const FAST = { jobDurationMs: 60_000, deleteDelayMs: 300, killMs: 200 };

/** The second account: its own emulator and credentials. */
interface Account {
  emulator: RunningEmulator;
  accessKey: string;
  secretKey: string;
}

async function secondAccount(): Promise<Account> {
  const accessKey = `AKEU${randomBytes(8).toString("hex").toUpperCase()}`;
  const secretKey = randomBytes(20).toString("base64url");
  const emulator = await startEmulator({ port: 0, accessKeys: { [accessKey]: secretKey }, projectId: PROJECT_ID, ...FAST });
  return { emulator, accessKey, secretKey };
}

/** Configures profile `name` the way the README says: plain settings by path, the secret key as a secret. */
async function configureProfile(s: Scenario, name: string, account: Account): Promise<void> {
  const stack = ["--stack", s.stack.name];
  await s.cli(["config", "set", "--path", `modelarts:profiles.${name}.endpoint`, account.emulator.url, ...stack]);
  await s.cli(["config", "set", "--path", `modelarts:profiles.${name}.projectId`, PROJECT_ID, ...stack]);
  await s.cli(["config", "set", "--path", `modelarts:profiles.${name}.accessKey`, account.accessKey, ...stack]);
  await s.cli(["config", "set", "--secret", "--path", `modelarts:profiles.${name}.secretKey`, account.secretKey, ...stack]);
}

describe("e2e: credentials profiles under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("manages jobs in two accounts from one stack, moves a job between them by replacement, and stores no secret of either", async () => {
    const eu = await secondAccount();
    let euArgs: TrainingJobArgs = { jobName: "eu-job", profile: "eu", config: jobConfig() };
    let existingInEu = "";
    const program = async () => {
      const home = new TrainingJob("home", { jobName: "home-job", config: jobConfig() });
      const away = new TrainingJob("away", euArgs);
      const read = TrainingJob.get("eu-existing", existingInEu, { profile: "eu" });
      return { home: home.jobId, away: away.jobId, read: read.jobName };
    };
    try {
      await withScenario({ program, emulator: FAST }, async (s) => {
        await configureProfile(s, "eu", eu);
        existingInEu = eu.emulator.control.createJob(PROJECT_ID, {
          job_name: "eu-existing",
          config: { worker_server_num: 1, spec_id: 1, engine_id: 4, app_url: "/b/c/", boot_file_url: "/b/c/t.py", data_url: "/b/d/" },
        }).jobId;

        const up = await s.up();
        assert.equal(up.outputs["read"]?.value, "eu-existing");
        assert.deepEqual(
          s.jobs().map((j) => j.jobName),
          ["home-job"],
        );
        assert.deepEqual(
          eu.emulator.control
            .jobs(PROJECT_ID)
            .map((j) => j.jobName)
            .sort(),
          ["eu-existing", "eu-job"],
        );
        await s.up({ expectNoChanges: true });

        const exported = await s.exportText();
        for (const [what, secret] of Object.entries({ "home secret key": s.secrets.secretKey, "eu secret key": eu.secretKey })) {
          assert.ok(!exported.includes(secret), `the ${what} is in the exported state`);
        }
        assert.match(exported, /"profile": "eu"/);

        // The job moves to the stack's own account: another account's job is another job.
        euArgs = { jobName: "eu-job", config: jobConfig() };
        const preview = await s.preview();
        assert.equal(preview.changeSummary["replace"], 1);
        await s.up();
        assert.deepEqual(
          s
            .jobs()
            .map((j) => j.jobName)
            .sort(),
          ["eu-job", "home-job"],
        );
        assert.deepEqual(
          eu.emulator.control.jobs(PROJECT_ID).map((j) => j.jobName),
          ["eu-existing"],
        );

        await s.destroy();
        assert.deepEqual(s.jobs(), []);
        assert.deepEqual(
          eu.emulator.control.jobs(PROJECT_ID).map((j) => j.jobName),
          ["eu-existing"],
          "the job read with get stays",
        );
        s.assertNoSecretsInOutput({ euSecretKey: eu.secretKey });
      });
    } finally {
      await eu.emulator.close();
    }
  });

  it("fails the preview for an unknown profile, naming the property and the known profiles but no setting", async () => {
    const eu = await secondAccount();
    const program = async () => ({ id: new TrainingJob("lost", { profile: "asia", config: jobConfig() }).jobId });
    try {
      await withScenario({ program, emulator: FAST }, async (s) => {
        await configureProfile(s, "eu", eu);
        const error = await s.preview().then(
          () => assert.fail("a preview naming an unknown profile should fail"),
          (e: Error) => e,
        );
        assert.match(error.message, /profile/);
        assert.match(error.message, /"asia", which modelarts:profiles does not define; the profiles are: eu/);
        assert.ok(!error.message.includes(eu.emulator.url), "the profile's settings are not shown");
        assert.deepEqual(s.jobs(), []);
        assert.deepEqual(eu.emulator.control.jobs(PROJECT_ID), []);
        s.assertNoSecretsInOutput({ euSecretKey: eu.secretKey });
      });
    } finally {
      await eu.emulator.close();
    }
  });
});
