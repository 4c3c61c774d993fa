import { strict as assert } from "node:assert";
import { useEmulator } from "../helpers";
import { createV2Job, errorOf, statusOf, v2Body, v2Caller } from "./helpers";

type Obj = Record<string, unknown>;

describe("emulator v2: training jobs", () => {
  const { emu } = useEmulator({ jobDurationMs: 100_000, deleteDelayMs: 5_000, killMs: 2_000 });
  const call = () => v2Caller(emu());

  it("create answers 201 with the full job in phase Creating", async () => {
    const res = await call()("POST", "/training-jobs", v2Body("create-1"));
    assert.equal(res.status, 201);
    const md = res.json.metadata as Obj;
    assert.match(md.id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(md.name, "create-1");
    assert.equal(md.workspace_id, "0");
    assert.equal(md.create_time, emu().control.clock().now);
    assert.deepEqual(statusOf(res), {
      phase: "Creating",
      secondary_phase: "Creating",
      duration: 0,
      start_time: 0,
      node_count_metrics: null,
      tasks: ["worker-0"],
    });
    const algorithm = res.json.algorithm as Obj;
    assert.equal((algorithm.engine as Obj).engine_name, "PyTorch");
    assert.equal(((algorithm.outputs as Obj[])[0] as Obj).mode, "upload_periodically");
    assert.equal(((algorithm.inputs as Obj[])[0] as Obj).local_dir, "/home/ma-user/modelarts/inputs/data_url_0");
    const resource = (res.json.spec as Obj).resource as Obj;
    assert.equal(resource.flavor_name, "Computing CPU(8U) instance");
    assert.equal((resource.flavor_detail as Obj).flavor_type, "CPU");
  });

  it("details answer the same job object as the create", async () => {
    const created = await call()("POST", "/training-jobs", v2Body("details-1"));
    const id = (created.json.metadata as Obj).id as string;
    const res = await call()("GET", `/training-jobs/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, created.json);
  });

  it("phases follow the emulator's clock: Creating, Pending, Running, Completed", async () => {
    const id = await createV2Job(call(), "phases-1");
    const phase = async () => statusOf(await call()("GET", `/training-jobs/${id}`));
    emu().control.advance(10_000);
    assert.equal((await phase()).phase, "Pending");
    emu().control.advance(10_000);
    const running = await phase();
    assert.equal(running.phase, "Running");
    assert.equal(running.start_time, emu().control.clock().now);
    emu().control.advance(30_000);
    assert.equal((await phase()).duration, 30_000);
    emu().control.advance(50_000);
    const done = await phase();
    assert.deepEqual([done.phase, done.secondary_phase, done.duration], ["Completed", "Completed", 80_000]);
  });

  it("a description update answers 200 without a body and is read back", async () => {
    const id = await createV2Job(call(), "describe-1");
    const res = await call()("PUT", `/training-jobs/${id}`, { description: "changed" });
    assert.equal(res.status, 200);
    assert.equal(res.text, "");
    const md = (await call()("GET", `/training-jobs/${id}`)).json.metadata as Obj;
    assert.equal(md.description, "changed");
    const cleared = await call()("PUT", `/training-jobs/${id}`, { description: "" });
    assert.equal(cleared.status, 200);
    assert.equal(((await call()("GET", `/training-jobs/${id}`)).json.metadata as Obj).description, "");
  });

  it("a description longer than 256 characters is refused with ModelArts.2788", async () => {
    const id = await createV2Job(call(), "describe-2");
    const res = await call()("PUT", `/training-jobs/${id}`, { description: "x".repeat(257) });
    assert.equal(res.status, 400);
    assert.equal(errorOf(res).code, "ModelArts.2788");
  });

  it("terminate answers 202 with the job in Terminating, which ends in Terminated after killMs", async () => {
    const id = await createV2Job(call(), "terminate-1");
    emu().control.advance(25_000);
    const res = await call()("POST", `/training-jobs/${id}/actions`, { action_type: "terminate" });
    assert.equal(res.status, 202);
    assert.equal(statusOf(res).phase, "Terminating");
    emu().control.advance(2_000);
    const after = statusOf(await call()("GET", `/training-jobs/${id}`));
    assert.deepEqual([after.phase, after.duration], ["Terminated", 5_000]);
  });

  it("terminate of a finished job is 409 ModelArts.2796, an unknown action 400 ModelArts.2812", async () => {
    const id = await createV2Job(call(), "terminate-2");
    const unknown = await call()("POST", `/training-jobs/${id}/actions`, { action_type: "restart" });
    assert.deepEqual([unknown.status, errorOf(unknown).code], [400, "ModelArts.2812"]);
    emu().control.advance(100_000);
    const res = await call()("POST", `/training-jobs/${id}/actions`, { action_type: "terminate" });
    assert.deepEqual([res.status, errorOf(res).code], [409, "ModelArts.2796"]);
  });

  it("delete answers 202 with an empty body, and the job disappears deleteDelayMs later on the clock", async () => {
    const id = await createV2Job(call(), "delete-1");
    const res = await call()("DELETE", `/training-jobs/${id}`);
    assert.equal(res.status, 202);
    assert.equal(res.text, "");
    emu().control.advance(4_999);
    assert.equal((await call()("GET", `/training-jobs/${id}`)).status, 200);
    const listed = await call()("POST", "/training-job-searches", { filters: [{ key: "id", operator: "in", value: [id] }] });
    assert.equal((listed.json.items as Obj[]).length, 1);
    emu().control.advance(1);
    const gone = await call()("GET", `/training-jobs/${id}`);
    assert.equal(gone.status, 400);
    assert.equal(errorOf(gone).code, "ModelArts.2775");
    const after = await call()("POST", "/training-job-searches", { filters: [{ key: "id", operator: "in", value: [id] }] });
    assert.equal((after.json.items as Obj[]).length, 0);
    assert.equal((await call()("DELETE", `/training-jobs/${id}`)).status, 400);
  });

  it("a second DELETE during the deletion answers 202, or 2775 when v2RepeatDelete is not-found", async () => {
    const id = await createV2Job(call(), "delete-2");
    assert.equal((await call()("DELETE", `/training-jobs/${id}`)).status, 202);
    assert.equal((await call()("DELETE", `/training-jobs/${id}`)).status, 202);
    emu().control.setBehaviour({ v2RepeatDelete: "not-found" });
    const res = await call()("DELETE", `/training-jobs/${id}`);
    assert.deepEqual([res.status, errorOf(res).code], [400, "ModelArts.2775"]);
  });

  it("v2DeleteRunning plays a refusal (409 2796 or 2878) or a terminate before the removal", async () => {
    const id = await createV2Job(call(), "delete-3");
    emu().control.setBehaviour({ v2DeleteRunning: "reject-2878" });
    const refused = await call()("DELETE", `/training-jobs/${id}`);
    assert.deepEqual([refused.status, errorOf(refused).code], [409, "ModelArts.2878"]);
    emu().control.setBehaviour({ v2DeleteRunning: "terminate-first" });
    assert.equal((await call()("DELETE", `/training-jobs/${id}`)).status, 202);
    assert.equal(statusOf(await call()("GET", `/training-jobs/${id}`)).phase, "Terminating");
    emu().control.advance(6_999);
    assert.equal(statusOf(await call()("GET", `/training-jobs/${id}`)).phase, "Terminated");
    emu().control.advance(1);
    assert.equal((await call()("GET", `/training-jobs/${id}`)).status, 400);
  });

  it("an unknown job answers 400 ModelArts.2775 in the v2 envelope (404 with v2NotFoundStyle 404-2775)", async () => {
    const id = "00000000-0000-0000-0000-000000000000";
    const res = await call()("GET", `/training-jobs/${id}`);
    assert.equal(res.status, 400);
    assert.deepEqual(errorOf(res), {
      code: "ModelArts.2775",
      msg: `Training job (ID: ${id}) not found.`,
      keys: ["error_code", "error_msg"],
    });
    emu().control.setBehaviour({ v2NotFoundStyle: "404-2775" });
    assert.equal((await call()("GET", `/training-jobs/${id}`)).status, 404);
  });

  it("v2DeletingPhase shows a deleting job as Terminating; v2DescriptionInFinalPhase reject refuses a finished job's change", async () => {
    emu().control.setBehaviour({ v2DeletingPhase: "Terminating", v2DescriptionInFinalPhase: "reject" });
    const id = await createV2Job(call(), "switches-1");
    await call()("DELETE", `/training-jobs/${id}`);
    assert.equal(statusOf(await call()("GET", `/training-jobs/${id}`)).phase, "Terminating");
    const other = await createV2Job(call(), "switches-2");
    emu().control.advance(100_000);
    const res = await call()("PUT", `/training-jobs/${other}`, { description: "late" });
    assert.deepEqual([res.status, errorOf(res).code], [409, "ModelArts.2878"]);
  });

  it("an unknown v2 path is 404 ModelArts.2836 in the v2 envelope", async () => {
    const res = await call()("GET", "/training-job-metrics");
    assert.equal(res.status, 404);
    assert.deepEqual(errorOf(res).keys, ["error_code", "error_msg"]);
    assert.equal(errorOf(res).code, "ModelArts.2836");
  });

  it("a job of another project is not found", async () => {
    const id = await createV2Job(call(), "project-1");
    const other = v2Caller(emu(), "fedcba9876543210fedcba9876543210");
    assert.equal((await other("GET", `/training-jobs/${id}`)).status, 400);
  });

  it("failures on demand: the control API forces Failed or Abnormal, with the secondary phase the reference pairs", async () => {
    const a = await createV2Job(call(), "fail-1");
    const b = await createV2Job(call(), "fail-2");
    emu().control.setV2Phase(a, { phase: "Abnormal" });
    const abnormal = statusOf(await call()("GET", `/training-jobs/${a}`));
    assert.deepEqual([abnormal.phase, abnormal.secondary_phase], ["Abnormal", "CreateFailed"]);
    emu().control.advance(30_000);
    const res = await fetch(`${emu().url}/__emulator/v2/jobs/${b}/phase`, {
      method: "POST",
      body: JSON.stringify({ phase: "Failed", message: "exit with 127" }),
    });
    assert.equal(res.status, 200);
    const failed = await call()("GET", `/training-jobs/${b}`);
    assert.equal(statusOf(failed).phase, "Failed");
    assert.deepEqual((failed.json.status as Obj).task_statuses, [{ task: "worker-0", exit_code: 1, message: "exit with 127" }]);
    emu().control.advance(100_000);
    assert.equal(statusOf(await call()("GET", `/training-jobs/${b}`)).phase, "Failed");
    const missing = await fetch(`${emu().url}/__emulator/v2/jobs/nope/phase`, {
      method: "POST",
      body: JSON.stringify({ phase: "Failed" }),
    });
    assert.equal(missing.status, 404);
  });

  it("the log preview holds the run's lines once the job runs, and the log link is a temporary OBS URL", async () => {
    const id = await createV2Job(call(), "logs-1");
    const before = await call()("GET", `/training-jobs/${id}/tasks/worker-0/logs/preview`);
    assert.deepEqual(before.json, { content: "", current_size: 0, full_size: 0 });
    emu().control.advance(30_000);
    const res = await call()("GET", `/training-jobs/${id}/tasks/worker-0/logs/preview`);
    assert.equal(res.status, 200);
    assert.match(res.json.content as string, /train\.py/);
    assert.equal(res.json.current_size, Buffer.byteLength(res.json.content as string));
    const url = await call()("GET", `/training-jobs/${id}/tasks/worker-0/logs/url`);
    assert.match(url.json.obs_url as string, /^https:\/\/.*worker-0.*\.log\?/);
    const unknown = await call()("GET", `/training-jobs/${id}/tasks/worker-9/logs/preview`);
    assert.deepEqual([unknown.status, errorOf(unknown).code], [400, "ModelArts.2788"]);
  });

  it("the flavour catalogue filters by flavor_type, and the engine catalogue lists the preset engines", async () => {
    const all = await call()("GET", "/training-job-flavors");
    const cpu = await call()("GET", "/training-job-flavors?flavor_type=CPU");
    assert.equal(cpu.status, 200);
    assert.ok((all.json.total_count as number) > (cpu.json.total_count as number));
    assert.ok((cpu.json.flavors as Obj[]).every((f) => f.flavor_type === "CPU"));
    assert.equal(cpu.json.total_count, (cpu.json.flavors as Obj[]).length);
    const bad = await call()("GET", "/training-job-flavors?flavor_type=TPU");
    assert.deepEqual([bad.status, errorOf(bad).code], [400, "ModelArts.2764"]);
    const engines = await call()("GET", "/training-job-engines");
    assert.equal(engines.json.total, (engines.json.items as Obj[]).length);
    assert.ok((engines.json.items as Obj[]).some((e) => e.engine_id === "horovod-cp36-tf-1.16.2"));
  });
});
