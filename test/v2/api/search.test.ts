import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../../emulator/index";
import { IncompleteListError, ModelArtsError } from "../../../provider/shared/api/errors";
import type { ModelArtsV2Client } from "../../../provider/v2/api/client";
import { PROJECT, startTestEmulator, v2AkskClient, v2Request } from "./helpers";
import { offsetOf, searchPage, startScriptServer, wireJobs, type RecordedRequest, type ScriptServer } from "./search-server";

const SEARCH = `^/v2/${PROJECT}/training-job-searches`;

/** Creates `n` jobs named `${prefix}-000`…, one emulated millisecond apart (a stable creation order). */
async function createJobs(
  emu: RunningEmulator,
  client: ModelArtsV2Client,
  prefix: string,
  n: number,
  workspaceId?: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const job = await client.createJob(
      v2Request(`${prefix}-${String(i).padStart(3, "0")}`, workspaceId !== undefined ? { workspaceId } : {}),
    );
    ids.push(job.id);
    emu.control.advance(1);
  }
  return ids;
}

async function rejection(promise: Promise<unknown>): Promise<IncompleteListError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(ModelArtsError.isInstance(error) && error.name === "IncompleteListError", `expected IncompleteListError, got ${String(error)}`);
  return error as IncompleteListError;
}

describe("v2 client: search paging against the emulator", () => {
  let emu: RunningEmulator;
  let client: ModelArtsV2Client;
  let ids: string[];
  let half: string[];
  const PAGE_JOBS = { filters: [{ key: "name", operator: "like" as const, value: ["page-"] }] };
  before(async () => {
    emu = await startTestEmulator({ jobDurationMs: 1_000_000 });
    client = v2AkskClient(emu);
    ids = await createJobs(emu, client, "page", 120);
    half = await createJobs(emu, client, "half", 50);
  });
  after(async () => {
    await emu.close();
  });
  afterEach(() => {
    emu.control.setBehaviour({ v2CountSemantics: "filtered-total" });
    emu.control.clearRequests();
  });

  it("sends offset as a page index: page 1 of 50 holds jobs 51 to 100, oldest first", async () => {
    const page = await client.searchJobs({ offset: 1, limit: 50, sortBy: "create_time", order: "asc", ...PAGE_JOBS });
    assert.equal(page.offset, 1);
    assert.deepEqual(
      page.items.map((j) => j.id),
      ids.slice(50, 100),
    );
  });

  it("refuses a limit above 50 or a negative page before sending anything", async () => {
    await assert.rejects(client.searchJobs({ limit: 51 }), /limit must be a whole number from 1 to 50; got 51/);
    await assert.rejects(client.searchJobs({ offset: -1 }), /page index of 0 or more; got -1/);
    assert.equal(emu.control.requests({ pathRegex: SEARCH }).length, 0);
  });

  it("reads every job of the workspace, all 170, without filters", async () => {
    const all = await client.searchAllJobs();
    assert.deepEqual(
      all.map((j) => j.id),
      [...ids, ...half],
    );
  });

  it("reads all 120 jobs in three pages when count is every match", async () => {
    const all = await client.searchAllJobs(PAGE_JOBS);
    assert.deepEqual(
      all.map((j) => j.id),
      ids,
    );
    assert.equal(emu.control.requests({ pathRegex: SEARCH }).length, 3);
  });

  it("reads all 120 jobs when count is the page's length, confirming the short page with an empty one", async () => {
    emu.control.setBehaviour({ v2CountSemantics: "page-size" });
    const all = await client.searchAllJobs(PAGE_JOBS);
    assert.deepEqual(
      all.map((j) => j.id),
      ids,
    );
    assert.equal(emu.control.requests({ pathRegex: SEARCH }).length, 4);
  });

  for (const semantics of ["filtered-total", "page-size"] as const) {
    it(`reads exactly 50 matches (one full page, then an empty one) with count as ${semantics}`, async () => {
      emu.control.setBehaviour({ v2CountSemantics: semantics });
      const all = await client.searchAllJobs({ filters: [{ key: "name", operator: "like", value: ["half-"] }] });
      assert.deepEqual(
        all.map((j) => j.id),
        half,
      );
      assert.equal(emu.control.requests({ pathRegex: SEARCH }).length, 2);
    });

    it(`finds one job by exact name (count as ${semantics}) and an absent name as an empty, complete list`, async () => {
      emu.control.setBehaviour({ v2CountSemantics: semantics });
      const one = await client.searchAllJobs({ filters: [{ key: "name", operator: "in", value: ["page-007"] }] });
      assert.deepEqual(
        one.map((j) => j.id),
        [ids[7]],
      );
      assert.deepEqual(await client.searchAllJobs({ filters: [{ key: "name", operator: "in", value: ["no-such-job"] }] }), []);
    });
  }

  it("filters by phase", async () => {
    emu.control.setV2Phase(ids[3]!, { phase: "Failed" });
    const failed = await client.searchAllJobs({ filters: [{ key: "phase", operator: "in", value: ["Failed"] }] });
    assert.deepEqual(
      failed.map((j) => [j.id, j.phase]),
      [[ids[3], "Failed"]],
    );
  });

  it("searches the default workspace unless told another, and the other only when told", async () => {
    const workspace = "a".repeat(32);
    const [other] = await createJobs(emu, client, "ws-job", 1, workspace);
    const inDefault = await client.searchAllJobs({ filters: [{ key: "name", operator: "like", value: ["ws-job"] }] });
    assert.deepEqual(inDefault, []);
    const inOther = await client.searchAllJobs({ workspaceId: workspace });
    assert.deepEqual(
      inOther.map((j) => [j.id, j.workspaceId]),
      [[other, workspace]],
    );
  });
});

describe("v2 client: search completeness on a scripted server", () => {
  let server: ScriptServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A client of a server that answers searches with `page(offset, scan)`: `scan` counts the page-0 requests. */
  async function scripted(page: (offset: number, scan: number) => Record<string, unknown>): Promise<ModelArtsV2Client> {
    let scan = 0;
    server = await startScriptServer((req: RecordedRequest) => {
      const offset = offsetOf(req);
      if (offset === 0) scan++;
      return { status: 200, body: page(offset, scan) };
    });
    return v2AkskClient(server);
  }

  it("sends page indices 0, 1, 2 with limit 50, oldest first, and the workspace and filters asked for", async () => {
    const jobs = wireJobs(0, 120);
    const client = await scripted((offset) => searchPage(offset, jobs.slice(offset * 50, offset * 50 + 50), { total: 120, count: 120 }));
    const all = await client.searchAllJobs({ workspaceId: "w1", filters: [{ key: "name", operator: "like", value: ["j-"] }] });
    assert.equal(all.length, 120);
    assert.deepEqual(
      server!.searches().map((b) => [b["offset"], b["limit"], b["sort_by"], b["order"], b["workspace_id"]]),
      [
        [0, 50, "create_time", "asc", "w1"],
        [1, 50, "create_time", "asc", "w1"],
        [2, 50, "create_time", "asc", "w1"],
      ],
    );
    assert.deepEqual(server!.searches()[0]!["filters"], [{ key: "name", operator: "like", value: ["j-"] }]);
  });

  it("a short page before the number of matches is incomplete, after three scans", async () => {
    const jobs = wireJobs(0, 80);
    const client = await scripted((offset) => searchPage(offset, offset === 0 ? jobs.slice(0, 30) : [], { total: 80, count: 80 }));
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /page 0 ended the search after 30 jobs, but count says 80 match \(3 scans\)/);
    assert.equal(error.transient, true);
    assert.equal(server!.searches().length, 3);
  });

  it("a short page in the middle is incomplete when count is the page's length: the next page still held jobs", async () => {
    const jobs = wireJobs(0, 70);
    const pages = [jobs.slice(0, 50), jobs.slice(50, 60), jobs.slice(60, 70)];
    const client = await scripted((offset) => {
      const items = pages[offset] ?? [];
      return searchPage(offset, items, { total: 70, count: items.length });
    });
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /page 1 was short, but page 2 still held 10 jobs/);
  });

  it("a total that changes between pages is incomplete (transient)", async () => {
    const jobs = wireJobs(0, 100);
    const client = await scripted((offset) =>
      searchPage(offset, jobs.slice(offset * 50, offset * 50 + 50), { total: 100 + offset, count: 100 }),
    );
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /total changed from 100 to 101 between pages/);
    assert.equal(error.transient, true);
  });

  it("a job on two pages is incomplete (the list shifted)", async () => {
    const jobs = wireJobs(0, 100);
    const client = await scripted((offset) => searchPage(offset, jobs.slice(offset * 49, offset * 49 + 50), { total: 100, count: 100 }));
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /job j-0049 appeared on two pages/);
  });

  it("a count that changes between pages and differs from the page's length fits neither reading", async () => {
    const jobs = wireJobs(0, 120);
    const client = await scripted((offset) =>
      searchPage(offset, jobs.slice(offset * 50, offset * 50 + 50), { total: 120, count: offset === 0 ? 120 : 119 }),
    );
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /page 1 reported count 119 for 50 jobs .* fits neither reading of count/);
  });

  it("a page longer than the limit is incomplete at once (not a glitch to scan again)", async () => {
    const client = await scripted((offset) => searchPage(offset, wireJobs(0, 51), { total: 51, count: 51 }));
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /page 0 held 51 jobs, more than the 50 asked for/);
    assert.equal(error.transient, false);
    assert.equal(server!.searches().length, 1);
  });

  it("an answer without count proves nothing", async () => {
    const client = await scripted((offset) => searchPage(offset, [], { total: 0 }));
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /page 0 reported count \(none\), not a number of jobs/);
  });

  it("a server that answers page 0 for every index is caught", async () => {
    const jobs = wireJobs(0, 50);
    const client = await scripted(() => searchPage(0, jobs, { total: 200, count: 200 }));
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /the service answered page 0 when asked for page 1/);
  });

  it("more jobs on the pages than the total is incomplete", async () => {
    const client = await scripted((offset) => searchPage(offset, offset === 0 ? wireJobs(0, 3) : [], { total: 2, count: 3 }));
    const error = await rejection(client.searchAllJobs());
    assert.match(error.message, /the pages hold 3 jobs, more than the total of 2/);
  });

  it("a scan that changed while read is read again, and a consistent second scan is the answer", async () => {
    const jobs = wireJobs(0, 60);
    const client = await scripted((offset, scan) =>
      searchPage(offset, jobs.slice(offset * 50, offset * 50 + 50), { total: scan === 1 && offset === 1 ? 61 : 60, count: 60 }),
    );
    const all = await client.searchAllJobs();
    assert.equal(all.length, 60);
    assert.deepEqual(
      server!.searches().map((b) => b["offset"]),
      [0, 1, 0, 1],
    );
  });

  it("an empty search with count 0 is complete after one page", async () => {
    const client = await scripted((offset) => searchPage(offset, [], { total: 7, count: 0 }));
    assert.deepEqual(await client.searchAllJobs(), []);
    assert.equal(server!.searches().length, 1);
  });
});
