import { strict as assert } from "node:assert";
import { useEmulator } from "../helpers";
import { createV2Job, errorOf, v2Caller } from "./helpers";

type Obj = Record<string, unknown>;
const names = (res: { json: Obj }) => (res.json.items as Obj[]).map((j) => (j.metadata as Obj).name);

describe("emulator v2: search", () => {
  const { emu } = useEmulator({ jobDurationMs: 100_000 });
  const call = () => v2Caller(emu());

  /** Five jobs one second apart: job-0 is the oldest. */
  async function five(): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await createV2Job(call(), `job-${i}`));
      emu().control.advance(1_000);
    }
    return ids;
  }

  it("offset is a page index: limit 2 pages through five jobs newest first, the last page short", async () => {
    await five();
    const page = async (offset: number) => call()("POST", "/training-job-searches", { offset, limit: 2 });
    assert.deepEqual(names(await page(0)), ["job-4", "job-3"]);
    assert.deepEqual(names(await page(1)), ["job-2", "job-1"]);
    const last = await page(2);
    assert.deepEqual(names(last), ["job-0"]);
    assert.deepEqual([last.json.total, last.json.count, last.json.limit, last.json.offset], [5, 5, 2, 2]);
    assert.deepEqual(names(await page(3)), []);
  });

  it("order asc reverses the order, and v2CountSemantics page-size makes count the page's length", async () => {
    await five();
    const asc = await call()("POST", "/training-job-searches", { limit: 2, order: "asc" });
    assert.deepEqual(names(asc), ["job-0", "job-1"]);
    emu().control.setBehaviour({ v2CountSemantics: "page-size" });
    const res = await call()("POST", "/training-job-searches", { limit: 2 });
    assert.deepEqual([res.json.total, res.json.count], [5, 2]);
  });

  it("a limit outside 1..50 is ModelArts.2788; the URL's limit applies when the body has none", async () => {
    for (const limit of [0, 51, "x"]) {
      const res = await call()("POST", "/training-job-searches", { limit });
      assert.deepEqual([res.status, errorOf(res).code], [400, "ModelArts.2788"], `limit ${String(limit)}`);
    }
    await five();
    const res = await call()("POST", "/training-job-searches?limit=1", {});
    assert.deepEqual(names(res), ["job-4"]);
  });

  it("filters: name like, phase in, create_time between, and empty values constrain nothing", async () => {
    const ids = await five();
    emu().control.setV2Phase(ids[1] as string, { phase: "Failed" });
    const search = (filters: unknown[]) => call()("POST", "/training-job-searches", { limit: 50, filters });
    assert.deepEqual(names(await search([{ key: "name", operator: "like", value: ["job-3"] }])), ["job-3"]);
    assert.deepEqual(names(await search([{ key: "phase", operator: "in", value: ["Failed"] }])), ["job-1"]);
    assert.equal(names(await search([{ key: "phase", operator: "not", value: ["Failed"] }])).length, 4);
    const start = (await call()("GET", `/training-jobs/${ids[2]}`)).json.metadata as Obj;
    const between = await search([{ key: "create_time", operator: "between", value: [String(start.create_time), ""] }]);
    assert.deepEqual(names(between), ["job-4", "job-3", "job-2"]);
    const sample = await search([
      { key: "name", operator: "like", value: ["job"] },
      { key: "create_time", operator: "between", value: ["", ""] },
      { key: "phase", operator: "in", value: [""] },
      { key: "kind", operator: "in", value: [] },
    ]);
    assert.equal(names(sample).length, 5);
  });

  it("an unknown key is 2807, a wrong operator 2808, a bad value 2809, another sort item 2790", async () => {
    const cases: [unknown, string][] = [
      [{ filters: [{ key: "colour", operator: "in", value: ["red"] }] }, "ModelArts.2807"],
      [{ filters: [{ key: "phase", operator: "between", value: ["a", "b"] }] }, "ModelArts.2808"],
      [{ filters: [{ key: "create_time", operator: "between", value: ["yesterday", ""] }] }, "ModelArts.2809"],
      [{ filters: [{ key: "name", operator: "in", value: [1] }] }, "ModelArts.2809"],
      [{ sort_by: "name" }, "ModelArts.2790"],
    ];
    for (const [body, code] of cases) {
      const res = await call()("POST", "/training-job-searches", body);
      assert.deepEqual([res.status, errorOf(res).code], [400, code], JSON.stringify(body));
    }
  });

  it("the search covers one workspace, the default one unless workspace_id says otherwise", async () => {
    const ws = "0123456789abcdef0123456789abcdef";
    await createV2Job(call(), "in-default");
    await createV2Job(call(), "in-other", { metadata: { workspace_id: ws } });
    assert.deepEqual(names(await call()("POST", "/training-job-searches", {})), ["in-default"]);
    assert.deepEqual(names(await call()("POST", "/training-job-searches", { workspace_id: ws })), ["in-other"]);
  });

  it("list visibility switches: a new job is hidden for v2ListVisibilityDelayMs, a deleting one when v2ListIncludesDeleting is off", async () => {
    emu().control.setBehaviour({ v2ListVisibilityDelayMs: 2_000, deleteDelayMs: 10_000 });
    const id = await createV2Job(call(), "late");
    assert.deepEqual(names(await call()("POST", "/training-job-searches", {})), []);
    emu().control.advance(2_000);
    assert.deepEqual(names(await call()("POST", "/training-job-searches", {})), ["late"]);
    await call()("DELETE", `/training-jobs/${id}`);
    assert.deepEqual(names(await call()("POST", "/training-job-searches", {})), ["late"]);
    emu().control.setBehaviour({ v2ListIncludesDeleting: false });
    assert.deepEqual(names(await call()("POST", "/training-job-searches", {})), []);
  });
});
