/**
 * Credentials are stack-config secrets: they must never reach the state (`pulumi stack export`),
 * the stack's config file in clear, or any line the CLI prints, on success or on failure.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { TrainingJobArgs } from "pulumi-modelarts";
import { checkPackageBuilt, pulumiCli, withScenario } from "./harness";
import { jobConfig, singleJob } from "./programs";

describe("e2e: secrets under the Pulumi CLI", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it("pulumi stack export and every line the CLI printed contain none of the configured secrets", async () => {
    let args: TrainingJobArgs = { jobName: "secretive", waitFor: "completed", config: jobConfig() };
    const rules = [{ match: { jobName: "secretive" }, times: 1, jobDurationMs: 1500 }];
    await withScenario(
      { program: singleJob("secretive", () => ({ args })), emulator: { jobDurationMs: 1500, deleteDelayMs: 500, rules } },
      async (s) => {
        // Every operation with --debug, so that the provider's debug diagnostics are printed too.
        await s.preview({ debug: true });
        await s.up({ debug: true });
        args = { ...args, description: "changed", config: jobConfig({ parameters: [{ label: "epochs", value: "9" }] }) };
        await s.up({ debug: true });
        await s.refresh({ debug: true });

        const exported = await s.exportText();
        for (const [name, secret] of Object.entries(s.secrets)) {
          assert.ok(!exported.includes(secret), `the ${name} is in the stack export`);
        }
        assert.match(exported, /"__provider"/, "the export holds the serialized provider, which was checked too");
        assert.match(exported, /"modelarts:secretKey":\s*\{[^}]*"ciphertext"/, "the default provider's copy of the config is encrypted");
        const configFile = fs.readFileSync(path.join(s.stack.workspace.workDir, `Pulumi.${s.stack.name}.yaml`), "utf8");
        assert.match(configFile, /modelarts:secretKey:\s*\n\s*secure:/, "the secret key is stored encrypted");
        for (const secret of Object.values(s.secrets)) assert.ok(!configFile.includes(secret));

        // A failing call (a secret key the service rejects) must not echo the keys in its error either.
        const wrongSecretKey = randomBytes(20).toString("base64url");
        await s.stack.setConfig("modelarts:secretKey", { value: wrongSecretKey, secret: true });
        args = { ...args, description: "changed again" };
        const error = await s.up({ debug: true }).then(
          () => assert.fail("an update with a wrong secret key should fail"),
          (e: Error) => e,
        );
        assert.match(error.message, /signature|authenticat|credential/i);
        s.assertNoSecretsInOutput({ wrongSecretKey });
        await s.stack.setConfig("modelarts:secretKey", { value: s.secrets.secretKey, secret: true });
        await s.up();

        await s.destroy({ debug: true });
        assert.ok(s.output.length > 50, `the CLI printed ${s.output.length} lines, all checked`);
      },
    );
  });
});
