import { strict as assert } from "node:assert";
import { createClient } from "../../../provider/shared/api/config";
import { PaceRegistry } from "../../../provider/shared/api/pace";
import { IncompleteListError, ModelArtsError } from "../../../provider/shared/api/errors";
import { TrainingJobProviderImpl } from "../../../provider/v1/resource/provider";
import { FakeClock } from "../../helpers/fake-clock";
import { startListServer, wireJob, type ListServer } from "../../helpers/list-server";

const PROJECT = "0123456789abcdef0123456789abcdef";
const NAME = "demo";
const ID = "42";

/** What the state holds for job 42 ("demo"). */
const PROPS = {
  jobName: NAME,
  jobId: ID,
  versionId: "43",
  versionName: "V0001",
  status: 8,
  config: { workerServerNum: 1, specId: 1, engineId: 1, appUrl: "/b/app/", bootFileUrl: "/b/app/t.py", dataUrl: "/b/data/" },
  timeouts: { delete: "10m" },
};

/** `count` jobs whose names contain "demo", none of them job 42. */
function others(from: number, count: number): Record<string, unknown>[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => wireJob(1_000_000 + from + i, `${NAME}-other-${from + i}`));
}

describe("absence is concluded only from a complete scan of the list", function () {
  this.timeout(30_000);
  let server: ListServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function providerFor(s: ListServer, progress: string[] = []): TrainingJobProviderImpl {
    const clock = new FakeClock();
    const client = createClient(
      { endpoint: s.url, projectId: PROJECT, accessKey: "AKLIST", secretKey: "SK-list-test-0001", maxAttempts: 1 },
      {},
      // The account's pace on the same fake clock: its waits pass at once, as the provider's do.
      { paces: new PaceRegistry(clock) },
    );
    return new TrainingJobProviderImpl({ clientFor: () => client, clock, progress: (l) => progress.push(l) });
  }

  it("does not take a DELETE answered 'not found' for gone while the list still shows the job", async () => {
    // A hostile or inconsistent answer: 400 ModelArts.2775 to the DELETE, and the job stays listed.
    const notFound = { is_success: false, error_code: "ModelArts.2775", error_msg: "The job does not exist." };
    server = await startListServer(
      () => ({ job_total_count: 1, jobs: [wireJob(ID, NAME, 10)] }),
      [{ method: "DELETE", pathRegex: /\/training-jobs\/42$/, status: 400, body: notFound }],
    );
    const error = await providerFor(server)
      .delete(ID, { ...PROPS, status: 10, timeouts: { delete: "1m" } })
      .then(
        () => assert.fail("a job still listed was called deleted"),
        (e: unknown) => e,
      );
    assert.ok(ModelArtsError.isInstance(error) && error.name === "DeleteTimeoutError", String(error));
    assert.match((error as Error).message, /still listed with status/);
  });

  it("fails a delete at once, without calling the job gone, when the list claims 10^9 jobs in full pages", async () => {
    server = await startListServer((q) => ({ job_total_count: 1_000_000_000, jobs: others((q.page - 1) * q.perPage, q.perPage) }));
    const progress: string[] = [];
    const error = await providerFor(server, progress)
      .delete(ID, PROPS)
      .then(
        () => assert.fail("delete must not succeed"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof IncompleteListError, String(error));
    assert.match(
      error.message,
      /could not list training jobs matching "demo" completely: the service reports 1000000000 matching jobs, more than 65535 pages of 1000 can show/,
    );
    assert.equal(server.lists.length, 1, "one page read, not 65,535");
    assert.ok(!progress.some((l) => /already gone/.test(l)), progress.join("\n"));
    assert.ok(!server.requests.some((r) => r.startsWith("DELETE")));
  });

  it("keeps a job on refresh that is on the second page of a list without job_total_count", async () => {
    // 1500 matching jobs, job 42 the 1200th; the service reports no total.
    const all = [...others(0, 1199), wireJob(ID, NAME), ...others(1199, 300)];
    server = await startListServer((q) => ({ jobs: all.slice((q.page - 1) * q.perPage, q.page * q.perPage) }));
    const result = await providerFor(server).read(ID, PROPS);
    assert.equal(result.id, ID, "the job stays in the state");
    assert.deepEqual(
      server.lists.map((l) => l.page),
      [1, 2],
    );
  });

  it("ends a scan without job_total_count at the first short page, and only there", async () => {
    server = await startListServer((q) => ({ jobs: q.page === 1 ? others(0, 1000) : q.page === 2 ? others(1000, 1000) : [] }));
    const result = await providerFor(server).read(ID, PROPS);
    assert.deepEqual(result, {}, "a complete scan without the job: gone");
    assert.deepEqual(
      server.lists.map((l) => l.page),
      [1, 2, 3],
    );
  });

  it("reads the list again when its total changes between pages, and fails when it never settles", async () => {
    let calls = 0;
    server = await startListServer((q) => ({
      job_total_count: 1500 + calls++,
      jobs: others((q.page - 1) * q.perPage, q.page === 1 ? 1000 : 500),
    }));
    const error = await providerFor(server)
      .read(ID, PROPS)
      .then(
        () => assert.fail("read must not conclude anything"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof IncompleteListError, String(error));
    assert.equal(error.transient, true);
    assert.match(error.message, /job_total_count changed from \d+ to \d+ between pages \(3 scans\)/);
    assert.equal(server.lists.length, 6, "three scans of two pages");
  });

  it("fails when the pages add up to fewer jobs than the total, instead of calling the job gone", async () => {
    server = await startListServer(() => ({ job_total_count: 5, jobs: others(0, 3) }));
    const error = await providerFor(server)
      .delete(ID, PROPS)
      .then(
        () => assert.fail("delete must not succeed"),
        (e: unknown) => e,
      );
    assert.ok(ModelArtsError.isInstance(error) && error.name === "IncompleteListError", String(error));
    assert.match(error.message, /page 1 ended the list after 3 jobs, but the service reports 5/);
  });

  it("fails when a job shows on two pages, as when the list shifts while it is read", async () => {
    server = await startListServer((q) => ({ job_total_count: 2000, jobs: others(q.page === 1 ? 0 : 999, 1000) }));
    const error = await providerFor(server)
      .read(ID, PROPS)
      .then(
        () => assert.fail("read must not conclude anything"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof IncompleteListError, String(error));
    assert.match(error.message, /job 1000999 appeared on two pages/);
  });
});
