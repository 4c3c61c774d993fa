/**
 * Each v2 job records where it lives at create, and every later call goes there: a change of the
 * stack's configuration that points elsewhere replaces the job (preview shows why), and never makes
 * a refresh lose a job that still exists where it was created. Against the real emulator, on
 * emulated time, with the configuration resolved as the runtime resolves it.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { resolveClientConfig } from "../../../provider/shared/api/config";
import type { JobTarget } from "../../../provider/shared/resource/lifecycle";
import { Pollers } from "../../../provider/shared/resource/poller";
import { createV2Client } from "../../../provider/v2/api/client";
import { TrainingJobV2ProviderImpl } from "../../../provider/v2/resource/provider";
import { AK, jobInputs, PROJECT, SERIALIZED, SK } from "./emulated";

const OTHER = "fedcba9876543210fedcba9876543210";
const SEED = "00112233445566778899aabbccddeeff";

/** A provider over the stack configuration `config` (mutable, as `pulumi config set` changes it between runs). */
function providerOver(emu: RunningEmulator, config: { projectId: string; endpoint: string }, targets: JobTarget[] = []) {
  const advance = async (ms: number) => void emu.control.advance(Math.max(Math.ceil(ms), 1));
  const clock = { now: () => emu.control.clock().now, sleep: advance };
  const settings = (target: JobTarget) => ({ region: "eu-de", ...config, accessKey: AK, secretKey: SK, ...target });
  return new TrainingJobV2ProviderImpl({
    clientFor: (target) => {
      targets.push({ ...target });
      return createV2Client(settings(target), {}, { clock: { sleep: advance } });
    },
    locate: (target) => {
      const { endpoint, region, projectId } = resolveClientConfig(settings(target), {});
      return { endpoint, projectId, ...(region !== undefined ? { region } : {}) };
    },
    clock,
    pollers: new Pollers(clock),
  });
}

async function created(provider: TrainingJobV2ProviderImpl, patch: Record<string, unknown> = {}) {
  const news = { ...jobInputs({ autonamePrefix: "placed", autonameSeed: SEED, ...patch }), __provider: SERIALIZED };
  const { inputs } = await provider.check({}, news);
  const { id, outs } = await provider.create({ ...inputs, __provider: SERIALIZED });
  return { id, outs, inputs };
}

describe("v2 jobs record where they live (emulator, emulated time)", () => {
  let emu: RunningEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ port: 0, accessKeys: { [AK]: SK }, projectId: [PROJECT, OTHER], frozenClock: true, deleteDelayMs: 1_000 });
  });
  afterEach(async () => emu.close());

  it("create records endpoint, region, project, workspace and profile name, and nothing secret", async () => {
    const provider = providerOver(emu, { projectId: PROJECT, endpoint: emu.url });
    const { outs } = await created(provider);
    assert.deepEqual(outs["location"], { endpoint: emu.url, region: "eu-de", projectId: PROJECT, workspaceId: "0" });
    assert.ok(!JSON.stringify(outs).includes(SK));
  });

  it("after modelarts:projectId changes, diff replaces the job naming projectId, and refresh and delete still find it where it lives", async () => {
    const config = { projectId: PROJECT, endpoint: emu.url };
    const { id, outs, inputs } = await created(providerOver(emu, config));
    config.projectId = OTHER;
    const targets: JobTarget[] = [];
    const later = providerOver(emu, config, targets);
    const diff = await later.diff(id, outs, inputs);
    assert.deepEqual(diff, { changes: true, replaces: ["projectId"], deleteBeforeReplace: false });

    const { id: readId, props } = await later.read(id, { ...outs, __provider: SERIALIZED });
    assert.equal(readId, id, "the refresh finds the job in the project it was created in");
    assert.equal((props!["location"] as { projectId: string }).projectId, PROJECT);
    assert.ok(targets.every((t) => t.projectId === PROJECT && t.endpoint === emu.url));

    await later.delete(id, { ...outs, __provider: SERIALIZED });
    assert.deepEqual(emu.control.v2Jobs(PROJECT), [], "deleted where it lives");
  });

  it("a change of the endpoint's spelling does not replace the job; another host does", async () => {
    const config = { projectId: PROJECT, endpoint: emu.url };
    const { id, outs, inputs } = await created(providerOver(emu, config));
    config.endpoint = `${emu.url.replace("http://", "HTTP://")}/`;
    assert.deepEqual(await providerOver(emu, config).diff(id, outs, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
    config.endpoint = emu.url.replace("127.0.0.1", "localhost");
    assert.deepEqual(await providerOver(emu, config).diff(id, outs, inputs), {
      changes: true,
      replaces: ["endpoint"],
      deleteBeforeReplace: false,
    });
  });

  it("a state written before locations: no replacement from the configuration, its seed's change is no diff, and the first read records the place", async () => {
    const config = { projectId: PROJECT, endpoint: emu.url };
    const provider = providerOver(emu, config);
    const { id, outs } = await created(provider, { autonameSeed: "proj/dev" });
    const old: Record<string, unknown> = { ...outs };
    delete old["location"];
    const news = { ...jobInputs({ autonamePrefix: "placed", autonameSeed: SEED }), __provider: SERIALIZED };
    const { inputs } = await provider.check(old, news);
    assert.equal(inputs["jobName"], old["jobName"], "the name derived from project and stack stays the job's");
    assert.deepEqual(await provider.diff(id, old, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });

    const { props } = await provider.read(id, { ...old, __provider: SERIALIZED });
    assert.deepEqual(props!["location"], { endpoint: emu.url, region: "eu-de", projectId: PROJECT, workspaceId: "0" });
  });
});
