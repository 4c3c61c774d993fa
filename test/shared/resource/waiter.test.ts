import { strict as assert } from "node:assert";
import { ModelArtsTimeoutError } from "../../../provider/shared/api/errors";
import { checkSchedule, pollUntil } from "../../../provider/shared/resource/waiter";
import { FakeClock } from "../../helpers/fake-clock";

describe("pollUntil", () => {
  it("polls on a growing schedule capped at maxMs until the probe is done", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const value = await pollUntil(async () => ({ done: ++calls === 6, value: calls }), {
      schedule: { firstMs: 1000, factor: 2, maxMs: 5000 },
      timeoutMs: 60_000,
      clock,
      what: "x",
    });
    assert.equal(value, 6);
    assert.deepEqual(clock.sleeps, [1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it("probes once before sleeping when asked to", async () => {
    const clock = new FakeClock();
    await pollUntil(async () => ({ done: true, value: 1 }), {
      schedule: { firstMs: 1000, factor: 2, maxMs: 5000 },
      timeoutMs: 10,
      clock,
      what: "x",
      probeFirst: true,
    });
    assert.deepEqual(clock.sleeps, []);
  });

  it("reports each status change once, with the elapsed time", async () => {
    const clock = new FakeClock();
    const statuses = [1, 1, 7, 8, 8, 10];
    const lines: string[] = [];
    await pollUntil(
      async () => {
        const status = statuses.shift()!;
        return { done: status === 10, value: status, status };
      },
      {
        schedule: { firstMs: 1000, factor: 1, maxMs: 1000 },
        timeoutMs: 60_000,
        clock,
        what: "job 1",
        progress: (l) => lines.push(l),
        describe: (s) => `S${s}`,
      },
    );
    assert.deepEqual(lines, ["job 1: S1 after 1s", "job 1: S7 after 3s", "job 1: S8 after 4s", "job 1: S10 after 6s"]);
  });

  it("fails with the last status when the deadline passes, without overrunning it", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    await assert.rejects(
      pollUntil(async () => ({ done: false, value: 0, status: 6 }), {
        schedule: { firstMs: 4000, factor: 2, maxMs: 30_000 },
        timeoutMs: 10_000,
        clock,
        what: "job 2 to be removed",
        describe: (s) => `DELETE_FAILED (${s})`,
      }),
      (error: unknown) => {
        assert.ok(ModelArtsTimeoutError.isInstance(error));
        assert.equal((error as ModelArtsTimeoutError).lastStatus, 6);
        assert.equal((error as Error).message, "timed out after 10s waiting for job 2 to be removed; last status DELETE_FAILED (6)");
        return true;
      },
    );
    assert.equal(clock.now() - start, 10_000);
  });

  it("polls again after a tolerated failure, and fails on any other", async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    let calls = 0;
    const value = await pollUntil(
      async () => {
        calls++;
        if (calls <= 2) throw new Error("HTTP 503");
        return { done: true, value: calls };
      },
      {
        schedule: { firstMs: 1000, factor: 1, maxMs: 1000 },
        timeoutMs: 60_000,
        clock,
        what: "job 3",
        progress: (l) => lines.push(l),
        tolerate: (e) => /503/.test(String(e)),
      },
    );
    assert.equal(value, 3);
    assert.equal(lines.filter((l) => /no answer this time \(HTTP 503\); polling again/.test(l)).length, 2);
    await assert.rejects(
      pollUntil(async () => Promise.reject(new Error("HTTP 400")), {
        schedule: { firstMs: 1, factor: 1, maxMs: 1 },
        timeoutMs: 60_000,
        clock,
        what: "x",
        tolerate: (e) => /503/.test(String(e)),
      }),
      /HTTP 400/,
    );
  });

  it("rejects a schedule that cannot work, naming the numbers", () => {
    assert.throws(() => checkSchedule({ firstMs: 0, factor: 2, maxMs: 10 }), /firstMs 0 must be > 0/);
    assert.throws(() => checkSchedule({ firstMs: 100, factor: 0.5, maxMs: 1000 }), /factor 0.5 >= 1/);
  });

  it("says the last poll got no answer, and why, when the wait times out after a failed poll", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const error = await pollUntil(
      async () => {
        if (++calls === 1) return { done: false, value: 0, status: 2 };
        throw new ModelArtsTimeoutError("list training jobs timed out: no answer", "list");
      },
      { schedule: { firstMs: 1000, factor: 1, maxMs: 1000 }, timeoutMs: 5000, clock, what: "job 1 to be removed", tolerate: () => true },
    ).catch((e: unknown) => e);
    assert.ok(error instanceof ModelArtsTimeoutError);
    assert.equal(error.lastFailure, "list training jobs timed out: no answer");
    assert.match(
      error.message,
      /waiting for job 1 to be removed; the last poll got no answer: list training jobs timed out: no answer \(the last status seen before was 2\)/,
    );
  });

  it("starts no poll once the deadline has passed", async () => {
    const clock = new FakeClock();
    const started = clock.now();
    const probes: number[] = [];
    await pollUntil(
      async () => {
        probes.push(clock.now() - started);
        return { done: false, value: 0 };
      },
      { schedule: { firstMs: 3000, factor: 1, maxMs: 3000 }, timeoutMs: 7000, clock, what: "x" },
    ).catch(() => undefined);
    assert.deepEqual(probes, [3000, 6000]);
    assert.deepEqual(clock.sleeps, [3000, 3000, 1000]);
  });
});
