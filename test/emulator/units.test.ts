import { strict as assert } from "node:assert";
import fc from "fast-check";
import { EmulatorClock } from "../../emulator/clock";
import { FaultInjector, seededRandom } from "../../emulator/faults";
import { parseLong, stringifyJson } from "../../emulator/json";
import { FailStage, VersionPlan, planTimeline, splitDuration, stateAt, statusAt, versionTimeline } from "../../emulator/lifecycle";
import { logLines, selectLines } from "../../emulator/logs";
import { RuleBook, matches } from "../../emulator/rules";
import { isTerminal } from "../../provider/v1/api/status";

describe("emulator units", () => {
  describe("clock", () => {
    it("adds an offset to real time and advances it", () => {
      let real = 1_000;
      const clock = new EmulatorClock(() => real);
      assert.equal(clock.now(), 1_000);
      clock.advance(500);
      real += 10;
      assert.equal(clock.now(), 1_510);
    });

    it("stands still when frozen and resumes from the frozen instant", () => {
      let real = 1_000;
      const clock = new EmulatorClock(() => real);
      clock.freeze();
      real += 5_000;
      assert.equal(clock.now(), 1_000);
      clock.advance(250);
      assert.equal(clock.now(), 1_250);
      clock.unfreeze();
      real += 10;
      assert.equal(clock.now(), 1_260);
      assert.equal(clock.wallNow(), real);
    });

    it("refuses a non-finite advance", () => {
      assert.throws(() => new EmulatorClock().advance(Number.NaN), RangeError);
    });
  });

  describe("lifecycle", () => {
    const plan = (total: number, failAt?: FailStage, withImage = false): VersionPlan => ({
      durations: splitDuration(total, withImage),
      withImage: withImage || failAt === "image",
      ...(failAt ? { failAt } : {}),
    });

    it("splits the job duration so that the stages add up to it", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.boolean(), (total, image) => {
          const d = splitDuration(total, image);
          assert.equal(d.initMs + d.imageMs + d.submitMs + d.waitMs + d.runMs, total);
          assert.equal(image || d.imageMs === 0, true);
        }),
      );
    });

    it("reaches COMPLETED exactly at creation plus the job duration", () => {
      const tl = planTimeline(1_000, plan(10_000));
      assert.deepEqual(
        tl.map((c) => c.status),
        [1, 4, 7, 8, 10],
      );
      assert.equal(statusAt(tl, 10_999), 8);
      assert.equal(statusAt(tl, 11_000), 10);
      assert.equal(statusAt(tl, 0), 1, "before creation it reads as INIT");
    });

    it("ends in the failure status of the chosen stage", () => {
      const last = (f?: FailStage) => planTimeline(0, plan(1_000, f)).at(-1)?.status;
      assert.deepEqual([last("image"), last("submit"), last("run"), last("lost"), last()], [3, 5, 11, 14, 10]);
    });

    it("never goes back to an earlier stage and ends terminal, with or without a stop", () => {
      const order = [1, 2, 4, 7, 8];
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 100_000 }),
          fc.constantFrom<FailStage | undefined>(undefined, "image", "submit", "run", "lost"),
          fc.option(fc.integer({ min: 0, max: 120_000 })),
          fc.integer({ min: 0, max: 5_000 }),
          (total, failAt, stopAt, killMs) => {
            const stop = stopAt === null ? undefined : { at: stopAt, killMs, outcome: 12 as const };
            const tl = versionTimeline(0, plan(total, failAt), stop);
            for (let i = 1; i < tl.length; i++) {
              const prev = tl[i - 1]!;
              const cur = tl[i]!;
              assert.ok(cur.at >= prev.at, "changes are in time order");
              assert.ok(!isTerminal(prev.status), "nothing follows a terminal status");
              const a = order.indexOf(prev.status);
              const b = order.indexOf(cur.status);
              if (a >= 0 && b >= 0) assert.ok(b > a, `${prev.status} → ${cur.status}`);
            }
            assert.ok(isTerminal(tl.at(-1)!.status));
          },
        ),
      );
    });

    it("ignores a stop that arrives after the version finished", () => {
      const tl = versionTimeline(0, plan(1_000), { at: 5_000, killMs: 100, outcome: 12 });
      assert.equal(statusAt(tl, 6_000), 10);
    });

    it("measures the run from RUNNING to the end, and start_time when RUNNING began", () => {
      const tl = planTimeline(0, plan(10_000));
      assert.deepEqual(stateAt(tl, 3_000), { status: 8, startTime: 2_500, durationMs: 500 });
      assert.deepEqual(stateAt(tl, 50_000), { status: 10, startTime: 2_500, durationMs: 7_500, endTime: 10_000 });
      assert.deepEqual(stateAt(tl, 100), { status: 1, durationMs: 0 });
    });
  });

  describe("json", () => {
    it("writes BigInt as exact bare digits, even above 2^53", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 9223372036854775807n }), (n) => {
          assert.equal(stringifyJson({ id: n, s: "x" }), `{"id":${n},"s":"x"}`);
        }),
      );
    });

    it("leaves a string that looks like the placeholder alone", () => {
      assert.equal(stringifyJson({ s: "__bigint_x_1" }), '{"s":"__bigint_x_1"}');
    });

    it("parses Longs from digits and safe numbers only", () => {
      assert.equal(parseLong("9223372036854775807"), 9223372036854775807n);
      assert.equal(parseLong("9223372036854775808"), undefined);
      assert.equal(parseLong("-1"), undefined);
      assert.equal(parseLong("1e3"), undefined);
      assert.equal(parseLong(12), 12n);
      assert.equal(parseLong(2 ** 53), undefined);
    });
  });

  describe("logs", () => {
    const tl = planTimeline(1_700_000_000_000, { durations: splitDuration(10_000, false), withImage: false });

    it("gives 19-digit increasing positions", () => {
      const lines = logLines(tl, 1_700_000_100_000, 0);
      assert.ok(lines.length > 5);
      for (let i = 1; i < lines.length; i++) assert.ok(lines[i]!.position > lines[i - 1]!.position);
      for (const l of lines) assert.equal(l.position.toString().length, 19);
    });

    it("pages forward with desc and backward with asc from a base line", () => {
      const lines = logLines(tl, 1_700_000_100_000, 0);
      const newest = selectLines(lines, 3, undefined, "desc");
      assert.equal(newest.lines, 3);
      assert.equal(newest.end_line, lines.at(-1)!.position.toString());
      const next = selectLines(lines, 2, lines[1]!.position.toString(), "desc");
      assert.equal(next.start_line, lines[2]!.position.toString());
      const prev = selectLines(lines, 2, lines[3]!.position.toString(), "asc");
      assert.equal(prev.end_line, lines[2]!.position.toString());
      assert.equal(selectLines(lines, 0, undefined, "desc").lines, 0);
    });
  });

  describe("rules", () => {
    it("matches by exact name, prefix, regex and project", () => {
      assert.ok(matches({ jobName: "a" }, "p", "a"));
      assert.ok(!matches({ jobName: "a" }, "p", "ab"));
      assert.ok(matches({ jobNamePrefix: "fail-" }, "p", "fail-1"));
      assert.ok(matches({ jobNameRegex: "^x.*z$" }, "p", "xyz"));
      assert.ok(!matches({ jobNamePrefix: "a", projectId: "q" }, "p", "abc"));
    });

    it("takes the first matching rule in registration order", () => {
      const book = new RuleBook();
      book.add({ match: { jobNamePrefix: "a" }, failAt: "run" });
      book.add({ match: { jobNamePrefix: "ab" }, failAt: "submit" });
      assert.equal(book.take("p", "abc")?.failAt, "run");
      assert.throws(() => book.add({ match: { jobNameRegex: "(" } }), /jobNameRegex/);
      assert.throws(() => book.add({ match: { jobName: "x" }, failAt: "later" as never }), /failAt/);
    });
  });

  describe("faults", () => {
    it("draws the same sequence from the same seed", () => {
      const a = seededRandom(3);
      const b = seededRandom(3);
      for (let i = 0; i < 100; i++) assert.equal(a(), b());
    });

    it("prefers a matching script over the rate and lets 'none' pass", () => {
      const f = new FaultInjector(1, { latencyMs: 10, retryAfterSeconds: 2 });
      f.setRate({ rate: 1, kinds: ["503"] });
      f.addScript({ method: "get", steps: ["none", "429"] });
      assert.equal(f.decide("GET", "/x"), undefined);
      assert.deepEqual(f.decide("GET", "/x"), { kind: "429", phase: "before", latencyMs: 10, retryAfterSeconds: 2, source: "script" });
      assert.equal(f.decide("GET", "/x")?.kind, "503");
      assert.throws(() => f.addScript({ steps: ["404" as never] }), /steps\[0\]/);
    });
  });
});
