import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../../emulator/index";
import { ModelArtsApiError, isNotFound, isTransient } from "../../../provider/shared/api/errors";
import { Pollers } from "../../../provider/shared/resource/poller";
import { TrainingJobV2ProviderImpl } from "../../../provider/v2/resource/provider";
import { startMixingProxy, type MixingProxy } from "../../helpers/mixing-proxy";
import { createV2Client } from "../../../provider/v2/api/client";
import { AK, PROJECT, SK, checkAndCreate, emulatedProvider, jobInputs, type EmulatedProvider } from "../resource/emulated";
import { startTestEmulator, v2AkskClient, v2Request } from "./helpers";

describe("v2: a GET answered with another job", () => {
  let emu: RunningEmulator;
  let proxy: MixingProxy;
  before(async () => {
    emu = await startTestEmulator();
    proxy = await startMixingProxy(emu.url);
  });
  after(async () => {
    await proxy.close();
    await emu.close();
  });

  it("is a service error that names both ids, neither transient nor 'not found'", async () => {
    const direct = v2AkskClient(emu);
    const a = await direct.createJob(v2Request("mix-a"));
    const b = await direct.createJob(v2Request("mix-b"));
    proxy.mix(new RegExp(`/training-jobs/${a.id}$`), (body) => body.split(a.id).join(b.id));
    const error = await v2AkskClient(proxy)
      .getJob(a.id)
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.match(error.message, new RegExp(`answered about training job ${b.id} when asked for training job ${a.id}`));
    assert.match(error.message, new RegExp(`while trying to read training job ${a.id}|read training job ${a.id}`));
    assert.ok(!isTransient(error) && !isNotFound(error), "a mixed-up answer is neither retried nor taken for a deletion");
    proxy.mix(undefined);
    assert.equal((await v2AkskClient(proxy).getJob(a.id)).id, a.id, "the same answer, unmixed, is used");
  });
});

describe("v2: refresh never records another job's id or name", () => {
  let h: EmulatedProvider;
  let proxy: MixingProxy;
  before(async () => {
    h = await emulatedProvider();
    proxy = await startMixingProxy(h.emu.url);
  });
  after(async () => {
    await proxy.close();
    await h.emu.close();
  });

  it("a read whose GET answers about another job fails, naming both", async () => {
    const a = await checkAndCreate(h, jobInputs({ jobName: "mine-a", waitFor: "accepted" }));
    const b = await checkAndCreate(h, jobInputs({ jobName: "other-b", waitFor: "accepted" }));
    proxy.mix(new RegExp(`/training-jobs/${a.id}$`), (body) => body.split(a.id).join(b.id).split("mine-a").join("other-b"));
    const clock = {
      now: () => h.emu.control.clock().now,
      sleep: async (ms: number) => void h.emu.control.advance(Math.max(Math.ceil(ms), 1)),
    };
    const mixed = new TrainingJobV2ProviderImpl({
      clientFor: () => createV2Client({ endpoint: proxy.url, projectId: PROJECT, accessKey: AK, secretKey: SK }, {}),
      clock,
      pollers: new Pollers(clock),
      progress: () => undefined,
    });
    const error = await mixed.read(a.id, a.outs).catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), `read gave ${JSON.stringify(error)}`);
    assert.match(error.message, new RegExp(`answered about training job ${b.id} when asked for training job ${a.id}`));
    const fine = await h.provider.read(a.id, a.outs);
    assert.equal(fine.id, a.id);
    assert.equal(fine.props?.["jobName"], "mine-a");
  });
});
