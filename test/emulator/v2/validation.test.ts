import { strict as assert } from "node:assert";
import { useEmulator } from "../helpers";
import { createV2Job, errorOf, v2Body, v2Caller } from "./helpers";

type Obj = Record<string, unknown>;

describe("emulator v2: create validation", () => {
  const { emu } = useEmulator();
  const call = () => v2Caller(emu());

  async function refused(body: unknown, code: string, field?: string): Promise<void> {
    const res = await call()("POST", "/training-jobs", body);
    assert.equal(res.status, 400, res.text);
    assert.equal(errorOf(res).code, code, res.text);
    if (field) assert.ok(errorOf(res).msg.includes(field), `${errorOf(res).msg} names ${field}`);
  }

  const algo = (algorithm: Obj) => ({ algorithm: { code_dir: undefined, boot_file: undefined, engine: undefined, ...algorithm } });

  it("the body must be JSON (2787) and not empty (4202)", async () => {
    await refused("{not json", "ModelArts.2787");
    const empty = await call()("POST", "/training-jobs", "");
    assert.deepEqual([empty.status, errorOf(empty).code], [400, "ModelArts.4202"]);
  });

  it("kind, metadata and metadata.name are checked first, each naming its field (2788)", async () => {
    await refused({ ...v2Body("k"), kind: "cron_job" }, "ModelArts.2788", "kind");
    await refused({ kind: "job", algorithm: {} }, "ModelArts.2788", "metadata");
    await refused(v2Body("bad name!"), "ModelArts.2788", "metadata.name");
    await refused(v2Body("x".repeat(65)), "ModelArts.2788", "metadata.name");
    await refused(v2Body("ws", { metadata: { workspace_id: "abc" } }), "ModelArts.2788", "metadata.workspace_id");
    await refused(v2Body("desc", { metadata: { description: "d".repeat(257) } }), "ModelArts.2788", "metadata.description");
  });

  it("the reference's order: a bad name is reported before an unknown flavour", async () => {
    await refused(v2Body("bad name!", { spec: { resource: { flavor_id: "modelarts.nope" } } }), "ModelArts.2788", "metadata.name");
  });

  it("a missing kind defaults to job, unless v2KindRequired; the SDK kinds need v2Kinds sdk", async () => {
    const { kind: _kind, ...noKind } = v2Body("no-kind");
    const res = await call()("POST", "/training-jobs", noKind);
    assert.deepEqual([res.status, res.json.kind], [201, "job"]);
    emu().control.setBehaviour({ v2KindRequired: true });
    await refused({ ...noKind, metadata: { name: "no-kind-2" } }, "ModelArts.2788", "kind");
    await refused({ ...v2Body("hetero"), kind: "hetero_job" }, "ModelArts.2788", "kind");
    emu().control.setBehaviour({ v2Kinds: "sdk" });
    assert.equal((await call()("POST", "/training-jobs", { ...v2Body("hetero"), kind: "hetero_job" })).status, 201);
  });

  it("the algorithm's modes: unknown id 2755, image without command 2806, pairs 2757/2758, no mode 2788", async () => {
    await refused(v2Body("a1", algo({ id: "3f5d6706-7b67-408d-8ba0-ec08048c45ee" })), "ModelArts.2755");
    await refused(v2Body("a2", algo({ engine: { image_url: "org/image:1" } })), "ModelArts.2806", "command");
    await refused(v2Body("a3", algo({ command: "python train.py" })), "ModelArts.2806", "image_url");
    await refused(v2Body("a4", { algorithm: { code_dir: undefined } }), "ModelArts.2757");
    await refused(v2Body("a5", { algorithm: { boot_file: undefined } }), "ModelArts.2758");
    await refused(v2Body("a6", { algorithm: { boot_file: "/elsewhere/train.py" } }), "ModelArts.2758");
    await refused(v2Body("a7", algo({})), "ModelArts.2788", "algorithm");
    await refused(v2Body("a8", algo({ subscription_id: "s" })), "ModelArts.2788", "item_version_id");
    for (const [name, a] of [
      ["ok-id", { id: "3f5d6706-7b67-408d-8ba0-ec08048c45ed" }],
      ["ok-image", { engine: { image_url: "org/image:1" }, command: "python train.py" }],
      ["ok-sub", { subscription_id: "s", item_version_id: "v" }],
    ] as const) {
      const res = await call()("POST", "/training-jobs", v2Body(name, algo(a)));
      assert.equal(res.status, 201, `${name}: ${res.text}`);
    }
  });

  it("the engine: exactly one way of naming it (2788), a known one (2780)", async () => {
    await refused(v2Body("e1", { algorithm: { engine: { engine_id: "nope" } } }), "ModelArts.2780");
    await refused(v2Body("e2", { algorithm: { engine: { engine_name: "PyTorch", engine_version: "0.1" } } }), "ModelArts.2780");
    await refused(
      v2Body("e3", { algorithm: { engine: { engine_id: "horovod-cp36-tf-1.16.2", image_url: "org/i:1" } } }),
      "ModelArts.2788",
      "algorithm.engine",
    );
    await refused(v2Body("e4", { algorithm: { engine: { engine_name: "PyTorch" } } }), "ModelArts.2788", "engine_version");
  });

  it("paths, environments and channels: 2857, 2859, 2788, 2753, 2791", async () => {
    await refused(v2Body("p1", { algorithm: { local_code_dir: "/opt/code" } }), "ModelArts.2857");
    await refused(v2Body("p2", { algorithm: { local_code_dir: "/home/ma-user/modelarts/x" } }), "ModelArts.2857");
    await refused(v2Body("p3", { algorithm: { working_dir: "relative" } }), "ModelArts.2859");
    await refused(v2Body("p4", { algorithm: { environments: { "1BAD": "x" } } }), "ModelArts.2788", "environments");
    await refused(v2Body("p5", { algorithm: { environments: { A: "$HOME" } } }), "ModelArts.2788", "environments");
    await refused(v2Body("p6", { algorithm: { inputs: [{ name: "d", remote: {} }] } }), "ModelArts.2753", "inputs[0].remote");
    await refused(
      v2Body("p7", { algorithm: { outputs: [{ remote: { obs: { obs_url: "/b/o/" } } }] } }),
      "ModelArts.2753",
      "outputs[0].name",
    );
    await refused(v2Body("p8", { algorithm: { inputs: [{ name: "d", remote: { obs: { obs_url: "bucket" } } }] } }), "ModelArts.2791");
  });

  it("spec: tasks beside spec 2788, unknown flavour 2781, too many nodes 2793, bad node_count 2788", async () => {
    await refused(v2Body("s1", { top: { tasks: [{ role: "worker" }] } }), "ModelArts.2788", "tasks");
    await refused(v2Body("s2", { spec: { resource: { flavor_id: "modelarts.nope" } } }), "ModelArts.2781");
    await refused(v2Body("s3", { spec: { resource: { flavor_id: "modelarts.vm.cpu.2u", node_count: 2 } } }), "ModelArts.2793");
    await refused(
      v2Body("s4", { spec: { resource: { flavor_id: "modelarts.vm.cpu.8u", node_count: 0 } } }),
      "ModelArts.2788",
      "node_count",
    );
    await refused(v2Body("s5", { spec: { resource: { node_count: 1 } } }), "ModelArts.2788", "flavor_id");
    const pool = await call()("POST", "/training-jobs", v2Body("s6", { spec: { resource: { pool_id: "poolfaf38d76", node_count: 2 } } }));
    assert.equal(pool.status, 201, pool.text);
    assert.deepEqual((pool.json.status as Obj).tasks, ["worker-0", "worker-1"]);
  });

  it("a duplicate name is 2751 within the workspace; v2NameScope and v2NameReuse change where and when", async () => {
    const id = await createV2Job(call(), "twin");
    await refused(v2Body("twin"), "ModelArts.2751");
    const ws = "0123456789abcdef0123456789abcdef";
    assert.equal((await call()("POST", "/training-jobs", v2Body("twin", { metadata: { workspace_id: ws } }))).status, 201);
    emu().control.setBehaviour({ v2NameScope: "project" });
    await refused(v2Body("twin", { metadata: { workspace_id: "fedcba9876543210fedcba9876543210" } }), "ModelArts.2751");
    emu().control.setBehaviour({ v2NameScope: "workspace", deleteDelayMs: 10_000 });
    await call()("DELETE", `/training-jobs/${id}`);
    await refused(v2Body("twin"), "ModelArts.2751");
    emu().control.setBehaviour({ v2NameReuse: "immediate" });
    assert.equal((await call()("POST", "/training-jobs", v2Body("twin"))).status, 201);
  });

  it("unknown fields are ignored, or refused with 2788 naming them when v2UnknownFields is reject", async () => {
    assert.equal((await call()("POST", "/training-jobs", v2Body("u1", { spec: { colour: "red" } }))).status, 201);
    emu().control.setBehaviour({ v2UnknownFields: "reject" });
    await refused(v2Body("u2", { spec: { colour: "red" } }), "ModelArts.2788", "spec.colour");
    await refused(v2Body("u3", { metadata: { owner: "me" } }), "ModelArts.2788", "metadata.owner");
  });
});
