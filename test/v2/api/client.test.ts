import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import type { RunningEmulator } from "../../../emulator/index";
import { ModelArtsApiError, isNotFound } from "../../../provider/shared/api/errors";
import { createV2Client } from "../../../provider/shared/api/config";
import { ModelArtsV2Client } from "../../../provider/v2/api/client";
import { AK, PROJECT, SK, startTestEmulator, v2AkskClient, v2Request } from "./helpers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("v2 client against the emulator: the job round trip", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator({ jobDurationMs: 100_000, deleteDelayMs: 5_000, killMs: 2_000 });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
  });

  it("creates a job and gets it back in camelCase, with the service's resolutions", async () => {
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("rt-create"));
    assert.match(job.id, UUID);
    assert.equal(job.name, "rt-create");
    assert.equal(job.kind, "job");
    assert.equal(job.description, "a v2 client test job");
    assert.equal(job.workspaceId, "0");
    assert.equal(job.phase, "Creating");
    assert.equal(job.secondaryPhase, "Creating");
    assert.equal(job.createTime, emu.control.clock().now);
    assert.equal(typeof job.createTime, "number");
    assert.equal(job.duration, 0);
    assert.deepEqual(job.tasks, ["worker-0"]);
    assert.equal(job.algorithm.engine?.engineName, "PyTorch");
    assert.equal(job.algorithm.inputs?.[0]?.localDir, "/home/ma-user/modelarts/inputs/data_url_0");
    assert.equal(job.algorithm.outputs?.[0]?.remote.obs.obsUrl, "/bucket/out/");
    assert.deepEqual(job.algorithm.environments, { NCCL_DEBUG: "INFO", MY_VAR_2: "x" });
    assert.equal(job.spec.resource.flavorId, "modelarts.vm.cpu.8u");
    assert.equal(job.spec.resource.flavorName, "Computing CPU(8U) instance");
    assert.equal(job.spec.logExportPath?.obsUrl, "/bucket/log/");

    const read = await client.getJob(job.id);
    assert.deepEqual(read, job);
  });

  it("sends the create body in snake_case with only what was set", async () => {
    await v2AkskClient(emu).createJob(v2Request("rt-body"));
    const stored = emu.control.v2Jobs(PROJECT)[0] as { algorithm: Record<string, unknown>; spec: Record<string, unknown> };
    assert.equal(stored.algorithm["code_dir"], "/bucket/code/");
    assert.equal(stored.algorithm["boot_file"], "/bucket/code/train.py");
    assert.deepEqual((stored.spec["resource"] as Record<string, unknown>)["node_count"], 1);
    assert.deepEqual(stored.spec["log_export_path"], { obs_url: "/bucket/log/" });
  });

  it("sends no field the reference does not document, and always a kind: accepted by a strict service", async () => {
    emu.control.setBehaviour({ v2UnknownFields: "reject", v2KindRequired: true });
    const { kind: _kind, ...withoutKind } = v2Request("rt-strict");
    const job = await v2AkskClient(emu).createJob(withoutKind);
    assert.equal(job.kind, "job");
  });

  it("changes the description (200 without a body) and reads it back, also to empty", async () => {
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("rt-desc"));
    await client.updateDescription(job.id, "changed");
    assert.equal((await client.getJob(job.id)).description, "changed");
    await client.updateDescription(job.id, "");
    assert.equal((await client.getJob(job.id)).description, "");
  });

  it("terminates a job (202) and returns it in Terminating, then Terminated on the clock", async () => {
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("rt-terminate"));
    const answered = await client.terminateJob(job.id);
    assert.equal(answered?.id, job.id);
    assert.equal(answered?.phase, "Terminating");
    emu.control.advance(2_000);
    assert.equal((await client.getJob(job.id)).phase, "Terminated");
  });

  it("a second terminate of a finished job keeps its 409 status and ModelArts.2796", async () => {
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("rt-terminate-twice"));
    await client.terminateJob(job.id);
    emu.control.advance(2_000);
    const error = await client.terminateJob(job.id).catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.equal(error.httpStatus, 409);
    assert.equal(error.errorCode, "ModelArts.2796");
    assert.equal(isNotFound(error), false);
  });

  it("deletes a job (202, empty body); it stays readable until the removal, then GET is not found", async () => {
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("rt-delete"));
    await client.deleteJob(job.id);
    assert.equal((await client.getJob(job.id)).id, job.id);
    emu.control.advance(5_000);
    const error = await client.getJob(job.id).catch((e: unknown) => e);
    assert.ok(isNotFound(error), String(error));
    assert.ok(ModelArtsApiError.isInstance(error));
    assert.equal(error.httpStatus, 400);
    assert.equal(error.errorCode, "ModelArts.2775");
    assert.match(error.message, /ModelArts\.2775: training job .* does not exist/);
    assert.match(error.message, /service says: "Training job \(ID: .*\) not found\."/);
  });

  it("a job the service does not know is not found in both styles: 400 ModelArts.2775 and 404", async () => {
    const client = v2AkskClient(emu);
    const missing = "00000000-0000-4000-8000-000000000000";
    const as400 = await client.getJob(missing).catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(as400) && as400.httpStatus === 400 && isNotFound(as400), String(as400));
    emu.control.setBehaviour({ v2NotFoundStyle: "404-2775" });
    const as404 = await client.getJob(missing).catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(as404) && as404.httpStatus === 404 && isNotFound(as404), String(as404));
    assert.ok(isNotFound(await client.deleteJob(missing).catch((e: unknown) => e)));
  });

  it("searches one page and finds a job by name", async () => {
    const client = v2AkskClient(emu);
    const a = await client.createJob(v2Request("rt-search-a"));
    await client.createJob(v2Request("rt-search-b"));
    const page = await client.searchJobs({ filters: [{ key: "name", operator: "in", value: ["rt-search-a"] }] });
    assert.equal(page.offset, 0);
    assert.equal(page.limit, 50);
    assert.equal(page.count, 1);
    assert.equal(page.total, 2);
    assert.deepEqual(
      page.items.map((j) => j.id),
      [a.id],
    );
    const all = await client.searchAllJobs({ filters: [{ key: "name", operator: "like", value: ["rt-search"] }] });
    assert.deepEqual(all.map((j) => j.name).sort(), ["rt-search-a", "rt-search-b"]);
  });

  it("lists flavours (also by type) and engines", async () => {
    const client = v2AkskClient(emu);
    const flavors = await client.listFlavors();
    const cpu8 = flavors.find((f) => f.flavorId === "modelarts.vm.cpu.8u");
    assert.deepEqual(cpu8, { flavorId: "modelarts.vm.cpu.8u", flavorName: "Computing CPU(8U) instance", flavorType: "CPU", maxNum: 16 });
    const gpu = await client.listFlavors({ flavorType: "GPU" });
    assert.ok(gpu.length > 0 && gpu.every((f) => f.flavorType === "GPU"));
    const engines = await client.listEngines();
    assert.ok(engines.some((e) => e.engineId === "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" && e.engineName === "PyTorch"));
  });

  it("takes the same environment variables as v1: HW_* credentials and MODELARTS_ENDPOINT", async () => {
    const client = createV2Client({}, { MODELARTS_ENDPOINT: emu.url, HW_PROJECT_ID: PROJECT, HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK });
    await client.listEngines();
    assert.deepEqual(
      emu.control.requests({ pathRegex: "^/v2/" }).map((r) => [r.auth, r.status]),
      [["aksk", 200]],
    );
  });

  it("is built by createV2Client from the same settings as v1, and prints no secret", () => {
    const client = createV2Client({ endpoint: emu.url, projectId: PROJECT, accessKey: "AKPRINT", secretKey: "SK-print-me-not-0001" }, {});
    assert.ok(client instanceof ModelArtsV2Client);
    const shown = [String(client), JSON.stringify(client), inspect(client)].join("\n");
    assert.match(shown, /AK\/SK \(access key AKPRINT\)/);
    assert.doesNotMatch(shown, /SK-print-me-not/);
  });
});
