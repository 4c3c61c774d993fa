import { strict as assert } from "node:assert";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  DeadlineReachedError,
  IncompleteListError,
  isDeadlineRefusal,
  isTransient,
  ModelArtsTimeoutError,
} from "../../../provider/shared/api/errors";
import { deadlineIn, type Deadline } from "../../../provider/shared/api/retry";
import { DEFAULT_PACES, Pollers, scansWithin, type Pending, type PollerClock, type Scope } from "../../../provider/shared/resource/poller";
import { FakeClock } from "../../helpers/fake-clock";

/**
 * Emulated time for many concurrent waits: sleeps are timers that fire in order, and time jumps to
 * the next timer only once nothing else can run (all promise callbacks and immediates are done).
 */
class VirtualClock implements PollerClock {
  readonly concurrent = true;
  private time = 0;
  private seq = 0;
  private readonly timers: { at: number; seq: number; resolve: () => void }[] = [];

  now = (): number => this.time;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = { at: this.time + Math.max(ms, 0), seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          const i = this.timers.indexOf(timer);
          if (i >= 0) this.timers.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });

  /** Runs emulated time until `promise` settles (or `limitMs` of emulated time have passed). */
  async run<T>(promise: Promise<T>, limitMs = 24 * 3_600_000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => (settled = true));
    watched.catch(() => undefined);
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return watched;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error("nothing left to run and the promise has not settled");
      if (next.at > limitMs) throw new Error(`still pending after ${limitMs} ms of emulated time`);
      this.time = next.at;
      next.resolve();
    }
  }
}

interface ScanRecord {
  start: number;
  end: number;
  ids: string[];
  deadlineMs: number;
  ok: boolean;
}

/**
 * A workspace of jobs on emulated time: each job has a status and, optionally, the time it leaves
 * the list. A scan takes `scanMs` and reports the jobs as they are when it ends; `failAt` makes a
 * scan reject instead.
 */
class World {
  readonly scans: ScanRecord[] = [];
  scanMs = 50;
  failAt: (start: number) => Error | undefined = () => undefined;
  private readonly jobs = new Map<string, { status: string; removedAt: number }>();

  constructor(private readonly clock: VirtualClock) {}

  job(id: string, status = "RUNNING", removedAt = Infinity): Pending {
    this.jobs.set(id, { status, removedAt });
    return { id, name: `job-${id}` };
  }

  scope(key = "scope-a"): Scope<{ id: string; status: string }> {
    return {
      key,
      scan: async (pending, { deadline }) => {
        const record: ScanRecord = {
          start: this.clock.now(),
          end: NaN,
          ids: pending.map((p) => p.id),
          deadlineMs: deadline.remainingMs(),
          ok: false,
        };
        this.scans.push(record);
        const failure = this.failAt(record.start);
        await this.clock.sleep(Math.min(this.scanMs, Math.max(deadline.remainingMs(), 0)));
        record.end = this.clock.now();
        if (failure) throw failure;
        if (this.clock.now() - record.start < this.scanMs) throw new DeadlineReachedError("the step's deadline passed", "scan");
        const found = new Map<string, { id: string; status: string }>();
        for (const p of pending) {
          const job = this.jobs.get(p.id);
          if (job && this.clock.now() < job.removedAt) found.set(p.id, { id: p.id, status: job.status });
        }
        record.ok = true;
        return found;
      },
    };
  }
}

/** A removal wait as a delete makes it: done when the job is not listed. */
function removal(deadline: Deadline, lines: string[] = []) {
  return {
    decide: (job: { status: string } | undefined) =>
      job === undefined ? { done: true as const, value: "gone" } : { done: false as const, status: job.status },
    deadline,
    what: "job to be removed",
    progress: (line: string) => lines.push(line),
    tolerate: isTransient,
  };
}

function setup() {
  const clock = new VirtualClock();
  const world = new World(clock);
  const pollers = new Pollers(clock);
  const hours = () => deadlineIn(3_600_000, clock.now);
  return { clock, world, pollers, hours };
}

describe("Pollers (shared per scope)", () => {
  it("answers one waiter once the job leaves the list, at most one near interval (or 5 % of the time waited) plus one scan late", async () => {
    for (const removedAt of [1, 700, 5_000, 61_234, 599_999]) {
      const { clock, world, pollers, hours } = setup();
      const scope = world.scope();
      const job = world.job("1", "KILLING", removedAt);
      const value = await clock.run(pollers.watch(scope, job, removal(hours())));
      assert.equal(value, "gone");
      const late = clock.now() - removedAt;
      const spaced = Math.min(0.05 * (removedAt + DEFAULT_PACES.near.maxMs), 15_000);
      assert.ok(late <= Math.max(DEFAULT_PACES.near.maxMs, spaced) + world.scanMs, `removed at ${removedAt}, answered ${late} ms later`);
    }
  });

  it("makes exactly the scans its schedule says (scansWithin) for a lone waiter", async () => {
    for (const removedAt of [1, 400, 10_000, 90_000]) {
      const { clock, world, pollers, hours } = setup();
      world.scanMs = 0;
      await clock.run(pollers.watch(world.scope(), world.job("1", "KILLING", removedAt), removal(hours())));
      assert.equal(world.scans.length, scansWithin(removedAt, DEFAULT_PACES.near) + 1, `removed at ${removedAt}`);
    }
  });

  it("works on a clock whose sleeps advance time at once (the test clocks of the provider suites)", async () => {
    const clock = new FakeClock(0);
    const pollers = new Pollers(clock);
    let scans = 0;
    const scope: Scope<{ status: string }> = {
      key: "k",
      scan: async () => (++scans < 5 ? new Map([["1", { status: "KILLING" }]]) : new Map()),
    };
    const waits = [
      pollers.watch(scope, { id: "1" }, removal(deadlineIn(60_000, clock.now.bind(clock)))),
      pollers.watch(scope, { id: "1" }, removal(deadlineIn(60_000, clock.now.bind(clock)))),
    ];
    assert.deepEqual(await Promise.all(waits), ["gone", "gone"]);
    assert.equal(scans, 5);
    assert.equal(clock.now(), 250 + 375 + 563 + 600 + 600);
    const timeout = await pollers
      .watch(
        scope,
        { id: "1" },
        { ...removal(deadlineIn(1_000, clock.now.bind(clock))), decide: () => ({ done: false as const, status: "KILLING" }) },
      )
      .catch((e: unknown) => e);
    assert.ok(timeout instanceof ModelArtsTimeoutError);
    assert.equal(clock.now(), 2_388 + 1_000);
  });

  it("answers 100 waiters of one scope with the scans of one waiter", async () => {
    const one = setup();
    const alone = one.world.job("solo", "KILLING", 45_000);
    await one.clock.run(one.pollers.watch(one.world.scope(), alone, removal(one.hours())));

    const many = setup();
    const scope = many.world.scope();
    const waits = Array.from({ length: 100 }, (_, i) => {
      const job = many.world.job(String(i), "KILLING", 45_000);
      return many.pollers.watch(scope, job, removal(many.hours()));
    });
    const values = await many.clock.run(Promise.all(waits));
    assert.deepEqual(new Set(values), new Set(["gone"]));
    assert.ok(one.world.scans.length > 10, `one waiter made ${one.world.scans.length} scans`);
    assert.equal(many.world.scans.length, one.world.scans.length);
    assert.ok(many.world.scans.every((s) => s.ids.length === 100));
  });

  it("coalesces waiters that join at different times: each scan answers everyone pending", async () => {
    const { clock, world, pollers, hours } = setup();
    const scope = world.scope();
    const joined = (async () => {
      const waits: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) {
        waits.push(pollers.watch(scope, world.job(String(i), "KILLING", 60_000), removal(hours())));
        await clock.sleep(137);
      }
      return Promise.all(waits);
    })();
    await clock.run(joined);
    // Each arrival takes the scan already planned and the pace of those already waiting, and one scan a
    // tick answers all; the youngest wait keeps its fast start (5 % of its own wait), so joining over
    // 2.7 s costs a few scans beyond the first waiter's schedule, not one per arrival.
    const alone = setup();
    await alone.clock.run(alone.pollers.watch(alone.world.scope(), alone.world.job("x", "KILLING", 60_000), removal(alone.hours())));
    assert.ok(world.scans.length <= alone.world.scans.length + 5, `${world.scans.length} scans vs ${alone.world.scans.length}`);
    const late = world.scans.filter((s) => s.start > 3_000);
    assert.ok(late.every((s) => s.ids.length === 20));
  });

  it("concludes absence only from a scan that resolved", async () => {
    const { clock, world, pollers, hours } = setup();
    const job = world.job("1", "KILLING", 1_000);
    // Every scan until 10 s fails (the job is already gone from 1 s on): no answer, no conclusion.
    world.failAt = (start) =>
      start < 10_000 ? new IncompleteListError("the pages changed while they were read", "list", true) : undefined;
    const lines: string[] = [];
    await clock.run(pollers.watch(world.scope(), job, removal(hours(), lines)));
    const firstResolved = world.scans.find((s) => s.ok)!;
    assert.ok(firstResolved.start >= 10_000);
    assert.equal(clock.now(), firstResolved.end);
    assert.ok(lines.some((l) => /no answer this time \(the pages changed while they were read\); polling again/.test(l)));
  });

  it("fails every waiter of a scan whose failure is not tolerated, and only those", async () => {
    const { clock, world, pollers, hours } = setup();
    const scope = world.scope();
    world.failAt = (start) => (start > 2_000 ? new IncompleteListError("more jobs than paging can reach", "list", false) : undefined);
    const a = pollers.watch(scope, world.job("a"), removal(hours()));
    const b = pollers.watch(scope, world.job("b"), removal(hours()));
    const other = pollers.watch(world.scope("scope-b"), world.job("c", "RUNNING", 1_000), removal(hours()));
    const outcomes = await clock.run(Promise.allSettled([a, b, other]));
    for (const outcome of outcomes.slice(0, 2)) {
      assert.equal(outcome.status, "rejected");
      assert.match(String((outcome as PromiseRejectedResult).reason), /more jobs than paging can reach/);
    }
    // scope-b's job left before the failures began: its own scans answered it.
    assert.deepEqual(outcomes[2], { status: "fulfilled", value: "gone" });
  });

  it("rejects each waiter at its own deadline, saying what the last scan saw, and keeps serving the others", async () => {
    const { clock, world, pollers } = setup();
    const scope = world.scope();
    const lines: string[] = [];
    const short = pollers.watch(scope, world.job("short", "KILLING"), {
      ...removal(deadlineIn(5_000, clock.now), lines),
      what: "job short to be removed",
    });
    const long = pollers.watch(scope, world.job("long", "KILLING", 20_000), removal(deadlineIn(60_000, clock.now)));
    let rejectedAt = NaN;
    const error = await clock.run(
      short.then(
        () => assert.fail("resolved"),
        (e: unknown) => {
          rejectedAt = clock.now();
          return e;
        },
      ),
    );
    assert.ok(error instanceof ModelArtsTimeoutError);
    assert.equal(rejectedAt, 5_000);
    assert.equal(error.lastStatus, "KILLING");
    assert.equal(error.message, "timed out after 5s waiting for job short to be removed; last status KILLING");
    assert.deepEqual(lines, ["job short to be removed: KILLING after 300ms"]);
    assert.equal(await clock.run(long), "gone");
    assert.ok(clock.now() >= 20_000 && clock.now() < 21_000);
  });

  it("starts no scan that cannot finish within the nearest deadline, and gives each scan that deadline", async () => {
    const { clock, world, pollers } = setup();
    world.scanMs = 2_000;
    const scope = world.scope();
    const wait = pollers.watch(scope, world.job("1", "KILLING"), removal(deadlineIn(9_000, clock.now)));
    const error = await clock.run(wait.catch((e: unknown) => e));
    assert.ok(error instanceof ModelArtsTimeoutError);
    assert.equal(isDeadlineRefusal(error), false, "scans did answer it");
    assert.equal(clock.now(), 9_000);
    assert.ok(world.scans.length >= 2);
    for (const scan of world.scans) {
      assert.ok(scan.start + world.scanMs <= 9_000, `a scan started at ${scan.start}`);
      assert.equal(scan.deadlineMs, 9_000 - scan.start);
    }
  });

  it("leaves out of a scan a waiter that could not wait for it, and times it out at its deadline", async () => {
    const { clock, world, pollers } = setup();
    world.scanMs = 400;
    const scope = world.scope();
    // The first scan (at 250 ms, 400 ms long) ends at 650 ms; the next is due at 650 + 375 ms, when
    // the near waiter has 375 ms left: less than a scan takes, so that scan is only for the far one.
    const near = pollers.watch(scope, world.job("near", "KILLING"), removal(deadlineIn(1_400, clock.now)));
    const far = pollers.watch(scope, world.job("far", "KILLING", 3_000), removal(deadlineIn(60_000, clock.now)));
    const [nearOutcome, farOutcome] = await clock.run(Promise.allSettled([near, far]));
    assert.equal(nearOutcome.status, "rejected");
    assert.ok((nearOutcome as PromiseRejectedResult).reason instanceof ModelArtsTimeoutError);
    assert.deepEqual(farOutcome, { status: "fulfilled", value: "gone" });
    assert.deepEqual(world.scans[1]!.ids, ["far"]);
    // One scan answered the near waiter before it was left out: its timeout says what that scan saw.
    assert.match(String((nearOutcome as PromiseRejectedResult).reason), /; last status KILLING$/);
    assert.equal(world.scans[1]!.start, 1_025);
  });

  it("a scan cut short at one waiter's deadline times that one out and looks again at once for the others", async () => {
    const { clock, world, pollers } = setup();
    const scope = world.scope();
    // The second scan takes far longer than the first: it is cut short at the near waiter's deadline.
    world.failAt = () => {
      if (world.scans.length === 2) world.scanMs = 2_000;
      if (world.scans.length === 3) world.scanMs = 50;
      return undefined;
    };
    const near = pollers.watch(scope, world.job("near", "KILLING"), removal(deadlineIn(1_000, clock.now)));
    const far = pollers.watch(scope, world.job("far", "KILLING", 3_000), removal(deadlineIn(60_000, clock.now)));
    const [nearOutcome, farOutcome] = await clock.run(Promise.allSettled([near, far]));
    const timeout = (nearOutcome as PromiseRejectedResult).reason as ModelArtsTimeoutError;
    assert.ok(timeout instanceof ModelArtsTimeoutError);
    assert.equal(timeout.message, "timed out after 1s waiting for job to be removed; last status KILLING");
    assert.deepEqual(farOutcome, { status: "fulfilled", value: "gone" });
    assert.deepEqual(
      world.scans.slice(0, 3).map((s) => [s.start, s.end, s.ok]),
      [
        [250, 300, true],
        [675, 1_000, false],
        [1_000, 1_050, true],
      ],
    );
  });

  it("times out a waiter that no scan answered as a deadline refusal: it learnt nothing about the service", async () => {
    const { clock, world, pollers } = setup();
    world.scanMs = 5_000;
    const scope = world.scope();
    const slow = pollers.watch(scope, world.job("far", "KILLING", 60_000), removal(deadlineIn(120_000, clock.now)));
    // Joins during the first scan (250 ms to 5250 ms), with less time left after it than a scan takes.
    const late = (async () => {
      await clock.sleep(1_000);
      return pollers.watch(scope, world.job("late", "KILLING"), removal(deadlineIn(6_000, clock.now)));
    })();
    const error = await clock.run(late.catch((e: unknown) => e));
    assert.ok(error instanceof ModelArtsTimeoutError);
    assert.equal(isDeadlineRefusal(error), true);
    assert.equal(clock.now(), 7_000);
    assert.match(String(error), /no look-up finished before the deadline/);
    assert.equal(await clock.run(slow), "gone");
  });

  it("fails only the waiter whose decide throws", async () => {
    const { clock, world, pollers, hours } = setup();
    const scope = world.scope();
    const failing = pollers.watch(scope, world.job("bad", "FAILED"), {
      ...removal(hours()),
      decide: (job: { status: string } | undefined) => {
        if (job?.status === "FAILED") throw new Error("the service could not delete it");
        return { done: false as const };
      },
    });
    const fine = pollers.watch(scope, world.job("ok", "KILLING", 3_000), removal(hours()));
    await assert.rejects(clock.run(failing), /could not delete it/);
    assert.equal(await clock.run(fine), "gone");
    assert.ok(world.scans.filter((s) => s.start > 300).every((s) => s.ids.join() === "ok"));
  });

  it("does not answer a waiter that joined mid-scan from that scan", async () => {
    const { clock, world, pollers, hours } = setup();
    world.scanMs = 1_000;
    const scope = world.scope();
    const first = pollers.watch(scope, world.job("a", "KILLING", 10_000), removal(hours()));
    // "b" is already gone: a scan that did not look for it must not conclude so.
    const gone = world.job("b", "KILLING", 0);
    let joinedAt = NaN;
    const second = (async () => {
      await clock.sleep(500); // mid-way through the first scan (250 ms to 1250 ms)
      joinedAt = clock.now();
      const value = await pollers.watch(scope, gone, removal(hours()));
      return { value, at: clock.now() };
    })();
    const { value, at } = await clock.run(second);
    assert.equal(value, "gone");
    const answering = world.scans.find((s) => s.ids.includes("b"))!;
    assert.ok(answering.start > joinedAt, "answered by a scan that started after it joined");
    assert.equal(at, answering.end);
    assert.deepEqual(world.scans[0]!.ids, ["a"]);
    assert.equal(await clock.run(first), "gone");
  });

  it("keeps scopes apart: each scope's scans look only for its own jobs", async () => {
    const { clock, world, pollers, hours } = setup();
    const a = world.scope("a");
    const b = world.scope("b");
    const waits = [
      pollers.watch(a, world.job("a1", "KILLING", 2_000), removal(hours())),
      pollers.watch(b, world.job("b1", "KILLING", 4_000), removal(hours())),
      pollers.watch(a, world.job("a2", "KILLING", 2_000), removal(hours())),
    ];
    await clock.run(Promise.all(waits));
    for (const scan of world.scans) {
      const ids = new Set(scan.ids.map((id) => id[0]));
      assert.equal(ids.size, 1, `one scan looked for ${scan.ids.join(", ")}`);
    }
    assert.ok(world.scans.some((s) => s.ids.join() === "a1,a2"));
    assert.ok(world.scans.some((s) => s.ids.join() === "b1"));
  });

  it("paces long waits slower, and speeds up at once when a near wait joins", async () => {
    const { clock, world, pollers, hours } = setup();
    world.scanMs = 10;
    const scope = world.scope();
    const training = pollers.watch(scope, world.job("train", "RUNNING", 200_000), { ...removal(hours()), pace: "long" });
    const join = (async () => {
      await clock.sleep(100_000);
      return pollers.watch(scope, world.job("del", "KILLING", 103_000), removal(hours()));
    })();
    assert.equal(await clock.run(join), "gone");
    const before = world.scans.filter((s) => s.start < 100_000);
    const gaps = before.slice(1).map((s, i) => s.start - before[i]!.end);
    assert.ok(Math.max(...gaps) === DEFAULT_PACES.long.maxMs, `gaps ${gaps.join(", ")}`);
    assert.ok(before.length <= 12, `${before.length} scans in 100 s of a long wait`);
    // The removal at 103 s is seen within one near interval, though the long wait alone would sleep 15 s.
    assert.ok(clock.now() - 103_000 <= DEFAULT_PACES.near.maxMs + world.scanMs);
    assert.equal(await clock.run(training), "gone");
  });

  it("reports a status line on every change of a waiter's status, through that waiter's own callback", async () => {
    const { clock, world, pollers, hours } = setup();
    const scope = world.scope();
    const statuses = ["QUEUED", "QUEUED", "RUNNING", "RUNNING", "DONE"];
    const lines: string[] = [];
    const value = await clock.run(
      pollers.watch(scope, world.job("1"), {
        decide: () => {
          const status = statuses.shift()!;
          return status === "DONE" ? { done: true as const, value: 1 } : { done: false as const, status };
        },
        deadline: hours(),
        what: "job 1 to run",
        progress: (line) => lines.push(line),
      }),
    );
    assert.equal(value, 1);
    assert.deepEqual(lines, ["job 1 to run: QUEUED after 300ms", "job 1 to run: RUNNING after 1s"]);
  });

  it("reports each waiter's lines in the async context it joined from (its own row), not the scan's", async () => {
    const { clock, world, pollers, hours } = setup();
    const scope = world.scope();
    const rows = new AsyncLocalStorage<string>();
    const lines: string[] = [];
    const progress = (line: string) => lines.push(`${rows.getStore() ?? "none"}: ${line}`);
    const waits = ["a", "b"].map((row) =>
      rows.run(row, () => pollers.watch(scope, world.job(row, "KILLING", 1_000), { ...removal(hours()), progress, what: row })),
    );
    await clock.run(Promise.all(waits));
    assert.deepEqual(lines.sort(), ["a: a: KILLING after 300ms", "b: b: KILLING after 300ms"]);
  });

  it("takes its own fast start when the scope's next planned scan is further away than its pace allows", async () => {
    const { clock, world, pollers, hours } = setup();
    const scope = world.scope();
    const training = pollers.watch(scope, world.job("train", "RUNNING", 50_000), { ...removal(hours()), pace: "long" });
    const join = (async () => {
      await clock.sleep(31_000 + 100); // just after a long-pace scan: the next is 15 s away
      const joined = clock.now();
      await pollers.watch(scope, world.job("del", "KILLING", 0), removal(hours()));
      return clock.now() - joined;
    })();
    assert.equal(await clock.run(join), DEFAULT_PACES.near.firstMs + world.scanMs);
    assert.equal(await clock.run(training), "gone");
  });

  it("lets a look-up ask for its first scan sooner, and waiters that join together share it", async () => {
    const { clock, world, pollers, hours } = setup();
    const scope = world.scope();
    const found = (decided: { status: string } | undefined) => ({ done: true as const, value: decided?.status ?? "absent" });
    const looks = ["1", "2", "3"].map((id) =>
      pollers.watch(scope, world.job(id, "RUNNING", id === "3" ? 0 : Infinity), { ...removal(hours()), decide: found, firstMs: 20 }),
    );
    assert.deepEqual(await clock.run(Promise.all(looks)), ["RUNNING", "RUNNING", "absent"]);
    assert.equal(world.scans.length, 1);
    assert.equal(world.scans[0]!.start, 20);
  });
});
