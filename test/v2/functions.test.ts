/**
 * The v2 functions for TypeScript programs: they call with the stack's `modelarts:*` configuration,
 * as a program's `pulumi.runtime` holds it, against a real emulator.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { v2, getTrainingJob } from "../../provider";
import { AK, PROJECT, SK, jobInputs } from "./resource/emulated";
import { createV2Client } from "../../provider/v2/api/client";

describe("v2 functions for TypeScript programs", () => {
  let emu: RunningEmulator;
  let saved: Record<string, string>;
  before(async () => {
    emu = await startEmulator({ port: 0, accessKeys: { [AK]: SK }, frozenClock: true });
    saved = pulumi.runtime.allConfig();
    pulumi.runtime.setAllConfig({
      "modelarts:endpoint": emu.url,
      "modelarts:projectId": PROJECT,
      "modelarts:accessKey": AK,
      "modelarts:secretKey": SK,
    });
  });
  after(async () => {
    pulumi.runtime.setAllConfig(saved);
    await emu.close();
  });

  it("getFlavors answers the region's flavours of one type from the stack configuration", async () => {
    const { flavors } = await v2.getFlavors({ flavorType: "GPU" });
    assert.ok(flavors.length > 0);
    assert.ok(flavors.every((f) => f.flavorType === "GPU"));
  });

  it("getEngines filters by name and version", async () => {
    const all = (await v2.getEngines()).engines;
    const one = all[0]!;
    const { engines } = await v2.getEngines({ engineName: one.engineName, engineVersion: one.engineVersion });
    assert.deepEqual(engines, [one]);
  });

  it("getTrainingJob reads a job by id; v1 getTrainingJob refuses an id the service does not know", async () => {
    const client = createV2Client({ endpoint: emu.url, projectId: PROJECT, accessKey: AK, secretKey: SK }, {});
    const inputs = jobInputs() as { algorithm: never; spec: never };
    const job = await client.createJob({ metadata: { name: "ts-fn" }, algorithm: inputs.algorithm, spec: inputs.spec });
    const read = await v2.getTrainingJob({ id: job.id });
    assert.equal(read.jobName, "ts-fn");
    assert.equal(read.jobId, job.id);
    await assert.rejects(getTrainingJob({ id: "424242" }), /no training job with id 424242/);
  });
});
