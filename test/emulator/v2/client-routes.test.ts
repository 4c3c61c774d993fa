import { strict as assert } from "node:assert";
import { answer, useEmulator } from "../helpers";
import { createV2Job, errorOf, v2Caller } from "./helpers";

type Obj = Record<string, unknown>;

describe("emulator v2: the routes real clients call besides the lifecycle", () => {
  const { emu } = useEmulator({ jobDurationMs: 600_000 });
  const call = () => v2Caller(emu());

  it("a job's flavour info types disk.size as a string, as the reference's table \"Disk\" does", async () => {
    const id = await createV2Job(call(), "disk-1");
    const job = await call()("GET", `/training-jobs/${id}`);
    const info = ((((job.json.spec as Obj).resource as Obj).flavor_detail as Obj).flavor_info as Obj).disk as Obj;
    assert.equal(info.size, "50");
    assert.equal(info.unit, "GB");
    const flavors = await call()("GET", "/training-job-flavors");
    const listed = (flavors.json.flavors as Obj[]).find((f) => f.flavor_id === "modelarts.vm.cpu.8u") as Obj;
    assert.equal(((listed.flavor_info as Obj).disk as Obj).size, 50, "the flavour catalogue keeps the integer");
  });

  it("GET /training-job-names says whether the name is taken in the workspace", async () => {
    await createV2Job(call(), "taken-1");
    const taken = await call()("GET", "/training-job-names?job_name=taken-1&workspace_id=0");
    assert.equal(taken.status, 200);
    assert.deepEqual(taken.json, { is_duplicate: true });
    assert.deepEqual((await call()("GET", "/training-job-names?job_name=free-1")).json, { is_duplicate: false });
    assert.deepEqual(
      (await call()("GET", `/training-job-names?job_name=taken-1&workspace_id=${"a".repeat(32)}`)).json,
      { is_duplicate: false },
      "another workspace",
    );
    const bad = await call()("GET", "/training-job-names?job_name=no%20spaces");
    assert.equal(bad.status, 400);
    assert.equal(errorOf(bad).code, "ModelArts.2764");
  });

  it("GET …/tasks lists the job's instances with their schedule count, as a bare list", async () => {
    const id = await createV2Job(call(), "tasks-1", { spec: { resource: { flavor_id: "modelarts.vm.cpu.8u", node_count: 2 } } });
    const res = await call()("GET", `/training-jobs/${id}/tasks`);
    assert.equal(res.status, 200);
    const list = JSON.parse(res.text) as Obj[];
    assert.deepEqual(
      list.map((t) => [t.task, t.schedule_count]),
      [
        ["worker-0", 1],
        ["worker-1", 1],
      ],
    );
    for (const t of list) assert.match(`${String(t.ip)} ${String(t.host_ip)}`, /^\d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+$/);
    assert.deepEqual(JSON.parse((await call()("GET", `/training-jobs/${id}/tasks?schedule_count=2`)).text), []);
    assert.equal((await call()("GET", "/training-jobs/00000000-0000-0000-0000-000000000000/tasks")).json.error_code, "ModelArts.2775");
  });

  it("GET …/metrics/{task_id} gives one value per minute run, none before the job started", async () => {
    const id = await createV2Job(call(), "metrics-1");
    const before = await call()("GET", `/training-jobs/${id}/metrics/worker-0`);
    assert.equal(before.status, 200);
    const names = (before.json.metrics as Obj[]).map((m) => m.metric);
    assert.deepEqual(names, ["cpuUsage", "memUsage", "gpuUtil", "gpuMemUsage"]);
    for (const m of before.json.metrics as Obj[]) assert.deepEqual(m.value, []);
    emu().control.advance(300_000);
    const later = await call()("GET", `/training-jobs/${id}/metrics/worker-0`);
    const cpu = (later.json.metrics as Obj[]).find((m) => m.metric === "cpuUsage") as Obj;
    assert.ok((cpu.value as number[]).length >= 2, `values after minutes of running: ${JSON.stringify(cpu.value)}`);
    assert.equal(((later.json.metrics as Obj[]).find((m) => m.metric === "gpuUtil") as Obj).value instanceof Array, true);
    assert.equal((await call()("GET", `/training-jobs/${id}/metrics/worker-9`)).json.error_code, "ModelArts.2788");
  });

  it("IAM answers Keystone's version discovery at GET /v3", async () => {
    const res = await answer(await fetch(`${emu().url}/v3`));
    assert.equal(res.status, 200);
    const version = res.json.version as Obj;
    assert.equal(version.id, "v3.0");
    assert.equal(version.status, "stable");
    assert.deepEqual((version.links as Obj[])[0], { rel: "self", href: `${emu().url}/v3/` });
  });

  it("the token's catalogue lists ModelArts as modelarts and as OTC's modelartsv1", async () => {
    const res = await answer(
      await fetch(`${emu().url}/v3/auth/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          auth: {
            identity: { methods: ["password"], password: { user: { name: "u", password: "pw-anything", domain: { name: "d" } } } },
            scope: { project: { name: "eu-de" } },
          },
        }),
      }),
    );
    assert.equal(res.status, 201);
    const catalog = (res.json.token as Obj).catalog as Obj[];
    const types = catalog.map((c) => c.type);
    assert.ok(types.includes("modelarts") && types.includes("modelartsv1") && types.includes("identity"), String(types));
    const urls = catalog.filter((c) => String(c.type).startsWith("modelarts")).map((c) => ((c.endpoints as Obj[])[0] as Obj).url);
    assert.equal(new Set(urls).size, 1, "both entries lead to the same endpoint");
  });
});
