import { strict as assert } from "node:assert";
import { ModelArtsTimeoutError } from "../../../provider/shared/api/errors";
import { AccountPace, PaceRegistry, resolvePace, TokenBucket, type PaceClock } from "../../../provider/shared/api/pace";
import { deadlineIn } from "../../../provider/shared/api/retry";

/** A clock whose sleeps run in the order they end, each advancing time to its end: concurrent callers on emulated time. */
class QueueClock implements PaceClock {
  time = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];
  now = () => this.time;
  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { at: this.time + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener("abort", () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal.reason);
      });
    });
  /** Runs until `promise` settles: fires the earliest timer whenever nothing else can move. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    const watched = promise.finally(() => (done = true));
    watched.catch(() => undefined);
    for (let i = 0; i < 100_000 && !done; i++) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) continue;
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
    return watched;
  }
}

describe("AccountPace (one pace per account)", () => {
  it("a token bucket lets a burst through at once, then one call per 1/rate", () => {
    const bucket = new TokenBucket(1, 10, 0);
    const waits = Array.from({ length: 11 }, () => {
      const ms = bucket.waitMs(0);
      if (ms === 0) bucket.take(0);
      return ms;
    });
    assert.deepEqual(waits, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1000]);
    assert.equal(bucket.waitMs(1_000), 0, "one token a second");
    assert.equal(bucket.level(5_000), 5, "refilled meanwhile");
  });

  it("list calls queued behind other calls of the account keep their own pace: no burst of lists when the others drain", async () => {
    const clock = new QueueClock();
    const pace = new AccountPace({}, clock);
    const listsAt: number[] = [];
    await clock.run(
      Promise.all([
        // 200 DELETEs and the like fill the ceiling (10 a second) for 20 s …
        ...Array.from({ length: 200 }, async () => (await pace.acquire("call", "delete training job 1")).done({})),
        // … while 40 list calls wait for both the ceiling and their own pace.
        ...Array.from({ length: 40 }, async () => {
          (await pace.acquire("list", "list training jobs")).done({});
          listsAt.push(clock.now());
        }),
      ]),
    );
    listsAt.sort((a, b) => a - b);
    for (let i = 0; i < listsAt.length; i++) {
      for (let j = i; j < listsAt.length; j++) {
        const windowS = (listsAt[j]! - listsAt[i]!) / 1000;
        assert.ok(j - i + 1 <= 10 + windowS + 1e-9, `${j - i + 1} list calls within ${windowS} s: ${listsAt.join(", ")}`);
      }
    }
  });

  it("sends at most one list call a second after a burst of 10, whatever the number of callers", async () => {
    const clock = new QueueClock();
    const pace = new AccountPace({}, clock);
    const sentAt: number[] = [];
    const calls = Array.from({ length: 40 }, async () => {
      const pass = await pace.acquire("list", "list training jobs");
      sentAt.push(clock.now());
      pass.done({});
    });
    await clock.run(Promise.all(calls));
    assert.equal(sentAt.filter((t) => t === 0).length, 10);
    // In any window of 10 s after the burst, at most 10 list calls (1 a second).
    for (const start of sentAt) assert.ok(sentAt.filter((t) => t > start && t <= start + 10_000).length <= 10 + (start === 0 ? 0 : 1));
    assert.equal(Math.max(...sentAt), 30_000);
  });

  it("keeps other calls under the ceiling, apart from the list pace", async () => {
    const clock = new QueueClock();
    const pace = new AccountPace({ maxRequestsPerSecond: 2, burst: 2 }, clock);
    const sentAt: number[] = [];
    await clock.run(
      Promise.all(
        Array.from({ length: 6 }, async () => {
          (await pace.acquire("call", "delete training job 1")).done({});
          sentAt.push(clock.now());
        }),
      ),
    );
    assert.deepEqual(sentAt, [0, 0, 500, 1000, 1500, 2000]);
  });

  it("pauses every call of the account for Retry-After after a 429, and lets one call go first after it", async () => {
    const clock = new QueueClock();
    const pace = new AccountPace({ maxRequestsPerSecond: 100, burst: 100 }, clock);
    const first = await pace.acquire("call", "read training job 1");
    first.done({ throttledMs: 8_000 });
    assert.equal(pace.pauseRemainingMs(), 8_000);
    const sentAt: number[] = [];
    let probeAnswered = -1;
    const calls = Array.from({ length: 5 }, async (_, i) => {
      const pass = await pace.acquire("call", `read training job ${i}`);
      sentAt.push(clock.now());
      if (sentAt.length === 1) {
        // The first call after the pause takes 300 ms to be answered; nobody else goes meanwhile.
        await clock.sleep(300);
        probeAnswered = clock.now();
      }
      pass.done({});
    });
    await clock.run(Promise.all(calls));
    assert.equal(sentAt[0], 8_000, "nothing is sent inside the Retry-After");
    assert.ok(
      sentAt.slice(1).every((t) => t >= probeAnswered && probeAnswered === 8_300),
      sentAt.join(", "),
    );
  });

  it("pauses 2 s after a 429 without Retry-After, doubling while it goes on, up to 60 s, and resets after a success", () => {
    const clock = new QueueClock();
    const pace = new AccountPace({}, clock);
    const pauses: number[] = [];
    for (let i = 0; i < 7; i++) {
      pauses.push(pace.throttled(null)!.ms);
      clock.time += pauses[pauses.length - 1]!;
    }
    assert.deepEqual(pauses, [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    return clock.run(pace.acquire("call", "x")).then((pass) => {
      pass.done({});
      assert.equal(pace.throttled(null)!.ms, 2_000);
    });
  });

  it("a Retry-After shorter than 2 s pauses 2 s; 429s of calls sent before the pause began do not double it", async () => {
    const clock = new QueueClock();
    const pace = new AccountPace({}, clock);
    const inFlight = await Promise.all([1, 2, 3].map(() => pace.acquire("call", "x")));
    const notices: number[] = [];
    pace.onPause((n) => notices.push(n.ms));
    clock.time = 100;
    inFlight[0]!.done({ throttledMs: 1_000 });
    inFlight[1]!.done({ throttledMs: null });
    inFlight[2]!.done({ throttledMs: 1_500 });
    assert.deepEqual(notices, [2_000], "one pause announced");
    assert.equal(pace.pauseRemainingMs(), 2_000);
    assert.equal(pace.stats.throttles, 3);
  });

  it("refuses to wait past the step's deadline: nothing is sent, and the error says why", async () => {
    const clock = new QueueClock();
    const pace = new AccountPace({}, clock);
    pace.throttled(30_000);
    const error = await clock
      .run(pace.acquire("call", "delete training job 7", { deadline: deadlineIn(5_000, clock.now) }))
      .catch((e: unknown) => e);
    assert.ok(ModelArtsTimeoutError.isInstance(error), String(error));
    assert.match(error.message, /delete training job 7 was not sent: the service throttled this account asked for a wait of 30 s/);
  });

  it("one registry gives one pace per account key, shared by every client of that account", () => {
    const paces = new PaceRegistry(new QueueClock());
    assert.equal(paces.paceFor("a"), paces.paceFor("a"));
    assert.notEqual(paces.paceFor("a"), paces.paceFor("b"));
  });

  it("validates its options with the numbers in the message", () => {
    assert.throws(() => resolvePace({ maxRequestsPerSecond: 0 }), /maxRequestsPerSecond must be a number above 0; got 0/);
    assert.throws(() => resolvePace({ burst: 0.5 }), /burst must be a whole number of at least 1; got 0.5/);
  });
});
