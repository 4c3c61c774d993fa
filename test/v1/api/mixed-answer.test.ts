import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../../emulator/index";
import { ModelArtsApiError, isNotFound, isTransient } from "../../../provider/shared/api/errors";
import { startMixingProxy, type MixingProxy } from "../../helpers/mixing-proxy";
import { akskClient, jobRequest, startTestEmulator } from "../../shared/api/helpers";

/** Sets the answer's job_id (and version_id) to another job's. */
function answerAbout(jobId: string, versionId?: string): (body: string) => string {
  return (body) => {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    parsed["job_id"] = Number(jobId);
    if (versionId !== undefined) parsed["version_id"] = Number(versionId);
    return JSON.stringify(parsed);
  };
}

describe("v1: a GET answered with another job", () => {
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

  it("is a service error that names both jobs (or both versions), neither transient nor 'not found'", async () => {
    const direct = akskClient(emu);
    const a = await direct.createJob(jobRequest("mix-a"));
    const b = await direct.createJob(jobRequest("mix-b"));
    const path = new RegExp(`/training-jobs/${a.jobId}/versions/${a.versionId}$`);
    const viaProxy = { ...emu, url: proxy.url };

    proxy.mix(path, answerAbout(b.jobId));
    const error = await akskClient(viaProxy)
      .getVersion(a.jobId, a.versionId)
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.match(error.message, new RegExp(`answered about training job ${b.jobId} when asked for training job ${a.jobId}`));
    assert.ok(!isTransient(error) && !isNotFound(error));

    proxy.mix(path, answerAbout(a.jobId, b.versionId === a.versionId ? String(Number(a.versionId) + 1000) : b.versionId));
    const other = await akskClient(viaProxy)
      .getVersion(a.jobId, a.versionId)
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(other), String(other));
    assert.match(other.message, new RegExp(`answered about version \\d+ when asked for version ${a.versionId}`));

    proxy.mix(undefined);
    assert.equal((await akskClient(viaProxy).getVersion(a.jobId, a.versionId)).jobId, a.jobId, "the same answer, unmixed, is used");
  });
});
