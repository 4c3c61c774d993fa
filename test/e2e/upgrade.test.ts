/**
 * A stack written by the release before the stack identity and the recorded job location (commit
 * b9e3d0b) keeps working under the current code: refresh finds its jobs (and records where they
 * live), an update changes them in place under their recorded names (no replacement, no new job),
 * and destroy deletes exactly them.
 *
 * The fixture is that release's own `pulumi stack export` of a stack `dev` with one autonamed v1 and
 * one autonamed v2 job, made against the emulator; only the credentials were stripped from its
 * provider's configuration and the path of the install that wrote it was replaced. The test
 * recreates the two jobs in its emulator under their recorded names and settings, points the state
 * at them (ids, stack name, the provider's endpoint and credentials, as the stack's configuration
 * has them) and imports it.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { TrainingJob, v2 } from "pulumi-modelarts";
import { checkPackageBuilt, createOutOfBand, pulumiCli, withScenario, type Scenario } from "./harness";
import { jobConfig } from "./programs";
import { createV2OutOfBand, v2Jobs } from "./v2-harness";
import { v2Algorithm, v2Spec, v2WireBody } from "./v2-programs";

const FIXTURE = path.join(__dirname, "fixtures", "state-before-stack-identity.json");
const FAST = { jobDurationMs: 1500, deleteDelayMs: 500 };
/** How a state marks a secret value (Pulumi's secret signature). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

interface FixtureResource {
  urn: string;
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

/** Both versions' TrainingJob resources in the state. */
async function stateJobs(s: Scenario): Promise<FixtureResource[]> {
  const resources = ((await s.stack.exportStack()).deployment?.resources ?? []) as FixtureResource[];
  return resources.filter((r) => /TrainingJob$/.test(r.type));
}

describe("e2e: a state written before the stack identity and job locations", function () {
  this.timeout(15 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("refreshes, updates in place under the recorded names, and destroys exactly its jobs, v1 and v2", async () => {
    let description = "created by hand";
    const program = async () => {
      const old = new TrainingJob("legacy-v1", { description, config: jobConfig() });
      const neu = new v2.TrainingJob("legacy-v2", { description, algorithm: v2Algorithm(), spec: v2Spec() });
      return { v1Name: old.jobName, v2Name: neu.jobName };
    };
    await withScenario({ program, emulator: FAST }, async (s) => {
      const text = readFileSync(FIXTURE, "utf8");
      const resources = (JSON.parse(text) as { deployment: { resources: FixtureResource[] } }).deployment.resources;
      const v1Old = resources.find((r) => r.type === "pulumi-nodejs:dynamic/modelarts:TrainingJob")!;
      const v2Old = resources.find((r) => r.type === "pulumi-nodejs:dynamic/modelarts/v2:TrainingJob")!;
      assert.equal(v1Old.outputs!["autonameSeed"], "modelarts-e2e/dev", "the fixture predates the stack identity");
      assert.equal(v2Old.outputs!["location"], undefined, "the fixture predates recorded locations");
      const v1Name = v1Old.outputs!["jobName"] as string;
      const v2Name = v2Old.outputs!["jobName"] as string;

      // The jobs that release's `up` made, in this scenario's emulator.
      const v1Id = createOutOfBand(s, v1Name);
      const v2Id = await createV2OutOfBand(s, v2WireBody(v2Name));
      const imported = text
        .split("urn:pulumi:dev::")
        .join(`urn:pulumi:${s.stack.name}::`)
        .split("modelarts-e2e-dev")
        .join(`modelarts-e2e-${s.stack.name}`)
        .split(`"${v1Old.id!}"`)
        .join(`"${v1Id}"`)
        .split(v2Old.id!)
        .join(v2Id);
      const deployment = JSON.parse(imported) as {
        version: number;
        deployment: { secrets_providers?: unknown; resources: Array<FixtureResource & { inputs?: Record<string, unknown> }> };
      };
      // The stack's own secrets manager (its passphrase salt), which encrypts the credentials below on import.
      const stackFile = readFileSync(path.join(s.stack.workspace.workDir, `Pulumi.${s.stack.name}.yaml`), "utf8");
      const salt = /^encryptionsalt:\s*(\S+)/m.exec(stackFile)?.[1];
      assert.ok(salt, "the stack has a passphrase salt");
      deployment.deployment.secrets_providers = { type: "passphrase", state: { salt } };
      // A refresh reads with the provider configuration the state holds: the credentials the export had, in plaintext secret form.
      const secret = (value: string) => ({ [SECRET_SIG]: SECRET_VALUE, plaintext: JSON.stringify(value) });
      for (const r of deployment.deployment.resources.filter((r) => r.type === "pulumi:providers:pulumi-nodejs")) {
        for (const bag of [r.inputs!, r.outputs!]) {
          bag["modelarts:endpoint"] = s.emulator.url;
          bag["modelarts:accessKey"] = secret(s.secrets.accessKey);
          bag["modelarts:secretKey"] = secret(s.secrets.secretKey);
        }
      }
      await s.stack.importStack(deployment);
      s.emulator.control.clearRequests();

      const refresh = await s.refresh();
      assert.equal(refresh.summary.resourceChanges?.["delete"], undefined, "refresh found both jobs");
      const afterRefresh = await stateJobs(s);
      assert.deepEqual(afterRefresh.map((r) => r.id).sort(), [v1Id, v2Id].sort());
      for (const r of afterRefresh) {
        const location = r.outputs!["location"] as { projectId?: string; endpoint?: string };
        assert.equal(location.projectId, "0123456789abcdef0123456789abcdef", "the first read records where the job lives");
        assert.equal(location.endpoint, s.emulator.url);
      }

      description = "updated after the upgrade";
      const preview = await s.preview();
      assert.equal(preview.changeSummary["replace"], undefined, s.output.filter((l) => /replace|[-+~] /.test(l)).join("\n"));
      const up = await s.up();
      const changes = up.summary.resourceChanges ?? {};
      const replaced = s.output.filter((l) => /replace|diff:/.test(l)).join("\n");
      assert.equal(changes["replace"], undefined, `no replacement: ${JSON.stringify(changes)}\n${replaced}`);
      assert.equal(changes["delete"], undefined);
      assert.equal(changes["create"], 1, "only the stack identity is created");
      assert.equal(changes["update"], 2);
      assert.equal(up.outputs["v1Name"]?.value, v1Name, "the v1 job keeps the name its state records");
      assert.equal(up.outputs["v2Name"]?.value, v2Name, "the v2 job keeps the name its state records");
      assert.deepEqual(
        s.jobs().map((j) => [j.jobId, j.jobDesc]),
        [[v1Id, description]],
      );
      assert.deepEqual(
        v2Jobs(s).map((j) => [j.id, j.description]),
        [[v2Id, description]],
      );
      assert.equal(s.requests("POST", /training-jobs$/).length, 0, "no job was submitted");

      await s.up({ expectNoChanges: true });
      await s.destroy();
      assert.deepEqual(s.jobs(), []);
      assert.deepEqual(v2Jobs(s), []);
    });
  });
});
