/**
 * Each v1 job records where it lives at create; a change of `modelarts:projectId` replaces it (the
 * reason in the diff), and refresh and delete still go where it lives. Against the real emulator,
 * on emulated time, with the configuration resolved as the runtime resolves it.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { createClient, resolveClientConfig } from "../../../provider/shared/api/config";
import type { JobTarget } from "../../../provider/shared/resource/lifecycle";
import { TrainingJobProviderImpl } from "../../../provider/v1/resource/provider";
import { AK, PROJECT, SERIALIZED, SK } from "./emulated";

const OTHER = "fedcba9876543210fedcba9876543210";
const SEED = "00112233445566778899aabbccddeeff";
const CONFIG = { workerServerNum: 1, specId: 1, engineId: 1, appUrl: "/b/app/", bootFileUrl: "/b/app/train.py", dataUrl: "/b/data/" };

function providerOver(emu: RunningEmulator, config: { projectId: string; endpoint: string }, targets: JobTarget[] = []) {
  const advance = async (ms: number) => void emu.control.advance(Math.max(Math.ceil(ms), 1));
  const settings = (target: JobTarget) => ({ region: "eu-de", ...config, accessKey: AK, secretKey: SK, ...target });
  return new TrainingJobProviderImpl({
    clientFor: (target) => {
      targets.push({ ...target });
      return createClient(settings(target), {}, { clock: { sleep: advance } });
    },
    locate: (target) => {
      const { endpoint, region, projectId } = resolveClientConfig(settings(target), {});
      return { endpoint, projectId, ...(region !== undefined ? { region } : {}) };
    },
    clock: { now: () => emu.control.clock().now, sleep: advance },
  });
}

describe("v1 jobs record where they live (emulator, emulated time)", () => {
  let emu: RunningEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ port: 0, accessKeys: { [AK]: SK }, projectId: [PROJECT, OTHER], frozenClock: true, deleteDelayMs: 1_000 });
  });
  afterEach(async () => emu.close());

  it("after modelarts:projectId changes, diff replaces naming projectId, and refresh and delete go where the job lives", async () => {
    const config = { projectId: PROJECT, endpoint: emu.url };
    const first = providerOver(emu, config);
    const { inputs } = await first.check({}, { autonamePrefix: "placed", autonameSeed: SEED, config: CONFIG, __provider: SERIALIZED });
    const { id, outs } = await first.create({ ...inputs, __provider: SERIALIZED });
    assert.deepEqual(outs["location"], { endpoint: emu.url, region: "eu-de", projectId: PROJECT, workspaceId: "0" });

    config.projectId = OTHER;
    const targets: JobTarget[] = [];
    const later = providerOver(emu, config, targets);
    assert.deepEqual(await later.diff(id, outs, inputs), { changes: true, replaces: ["projectId"], deleteBeforeReplace: false });
    const { id: readId } = await later.read(id, { ...outs, __provider: SERIALIZED });
    assert.equal(readId, id, "the refresh finds the job in the project it was created in");
    await later.delete(id, { ...outs, __provider: SERIALIZED });
    assert.ok(targets.length > 0 && targets.every((t) => t.projectId === PROJECT));
    assert.deepEqual(
      emu.control.jobs(PROJECT).filter((j) => j.deletion === "none"),
      [],
      "deleted where it lives",
    );
  });
});
