import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigurationError } from "../../../provider/shared/api/errors";
import {
  DEFAULT_RETRY_OPTIONS,
  backoffDelay,
  deadlineIn,
  decideRetry,
  isAmbiguous,
  isRetryable,
  parseRetryAfter,
  realSleep,
  resolveRetryPolicy,
} from "../../../provider/shared/api/retry";

describe("retry policy", () => {
  it("documents its defaults: 5 attempts, 500 ms base, 20 s cap, 2 min budget, full jitter, 60 s Retry-After cap", () => {
    assert.deepEqual(
      { ...DEFAULT_RETRY_OPTIONS, retryOnStatus: [...DEFAULT_RETRY_OPTIONS.retryOnStatus] },
      {
        maxAttempts: 5,
        baseDelayMs: 500,
        maxDelayMs: 20_000,
        maxElapsedMs: 120_000,
        jitter: "full",
        retryAfterCapMs: 60_000,
        retryOnStatus: [429, 500, 502, 503, 504],
      },
    );
  });

  it("rejects bad options up front with the numbers in the message", () => {
    assert.throws(
      () => resolveRetryPolicy({ maxAttempts: 0 }),
      (e: unknown) => e instanceof ConfigurationError && /maxAttempts .* 1 to 100; got 0/.test(e.message),
    );
    assert.throws(
      () => resolveRetryPolicy({ baseDelayMs: 1000, maxDelayMs: 10 }),
      /maxDelayMs \(10\) must not be below baseDelayMs \(1000\)/,
    );
    assert.throws(() => resolveRetryPolicy({ jitter: "some" as never }), /jitter must be "full", "equal" or "none"; got "some"/);
    assert.throws(() => resolveRetryPolicy({ retryOnStatus: [200] }), /400\.\.599; got 200/);
    assert.throws(() => resolveRetryPolicy({ maxElapsedMs: 1.5 }), /maxElapsedMs .*got 1.5/);
  });

  it("grows the backoff exponentially up to the cap, without jitter", () => {
    const policy = resolveRetryPolicy({ jitter: "none", baseDelayMs: 100, maxDelayMs: 1000 });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n)),
      [100, 200, 400, 800, 1000, 1000],
    );
  });

  it("keeps full jitter within [0, ceiling) and equal jitter within [ceiling/2, ceiling]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (retry, r) => {
        const full = resolveRetryPolicy({ jitter: "full", baseDelayMs: 500, maxDelayMs: 20_000 }, { random: () => r });
        const equal = resolveRetryPolicy({ jitter: "equal", baseDelayMs: 500, maxDelayMs: 20_000 }, { random: () => r });
        const ceiling = Math.min(20_000, 500 * 2 ** (retry - 1));
        const f = backoffDelay(full, retry);
        const e = backoffDelay(equal, retry);
        assert.ok(f >= 0 && f <= ceiling, `full ${f} of ${ceiling}`);
        assert.ok(e >= Math.floor(ceiling / 2) && e <= ceiling, `equal ${e} of ${ceiling}`);
      }),
    );
  });

  it("parses Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2024-01-15T09:30:00Z");
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter("0.5", now), 500);
    assert.equal(parseRetryAfter("Mon, 15 Jan 2024 09:30:10 GMT", now), 10_000);
    assert.equal(parseRetryAfter("Mon, 15 Jan 2024 09:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it("retries 429, 500, 502, 503, 504, timeouts and network errors, but not 400, 401, 404 or an abort", () => {
    const policy = resolveRetryPolicy();
    for (const status of [429, 500, 502, 503, 504]) assert.equal(isRetryable(policy, { kind: "status", status }), true, String(status));
    for (const status of [200, 400, 401, 403, 404, 409, 501])
      assert.equal(isRetryable(policy, { kind: "status", status }), false, String(status));
    assert.equal(isRetryable(policy, { kind: "timeout" }), true);
    for (const code of ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ENOTFOUND"])
      assert.equal(isRetryable(policy, { kind: "network", code }), true, code);
    assert.equal(isRetryable(policy, { kind: "network", code: "ERR_TLS_CERT_ALTNAME_INVALID" }), false);
    assert.equal(isRetryable(policy, { kind: "aborted" }), false);
  });

  it("calls a timeout, a dropped connection or a 5xx ambiguous, but not a 429 or a refused connection", () => {
    assert.equal(isAmbiguous({ kind: "timeout" }), true);
    assert.equal(isAmbiguous({ kind: "network", code: "ECONNRESET" }), true);
    assert.equal(isAmbiguous({ kind: "status", status: 500 }), true);
    assert.equal(isAmbiguous({ kind: "status", status: 503 }), true);
    assert.equal(isAmbiguous({ kind: "status", status: 429 }), false);
    assert.equal(isAmbiguous({ kind: "network", code: "ECONNREFUSED" }), false);
  });

  it("waits at least Retry-After, and gives up when Retry-After exceeds its cap", () => {
    const policy = resolveRetryPolicy({ jitter: "none", baseDelayMs: 100, retryAfterCapMs: 5000 }, { now: () => 0 });
    assert.deepEqual(decideRetry(policy, { kind: "status", status: 429, retryAfterMs: 2000 }, 1, 0), { retry: true, delayMs: 2000 });
    assert.deepEqual(decideRetry(policy, { kind: "status", status: 429, retryAfterMs: 50 }, 1, 0), { retry: true, delayMs: 100 });
    const capped = decideRetry(policy, { kind: "status", status: 429, retryAfterMs: 6000 }, 1, 0);
    assert.equal(capped.retry, false);
  });

  it("starts no retry whose wait would reach the step's deadline", () => {
    let now = 0;
    const policy = resolveRetryPolicy({ jitter: "none", baseDelayMs: 1000 }, { now: () => now });
    const deadline = deadlineIn(5000, () => now);
    assert.deepEqual(decideRetry(policy, { kind: "timeout" }, 1, 0, deadline), { retry: true, delayMs: 1000 });
    now = 4200; // 0.8 s left: a 2 s backoff would end after the deadline
    const late = decideRetry(policy, { kind: "timeout" }, 2, 0, deadline);
    assert.equal(late.retry, false);
    assert.match(late.retry ? "" : late.reason, /the step's deadline comes before the next one/);
  });

  it("stops at maxAttempts and at maxElapsedMs, whichever comes first", () => {
    let now = 0;
    const policy = resolveRetryPolicy({ jitter: "none", maxAttempts: 3, baseDelayMs: 1000, maxElapsedMs: 10_000 }, { now: () => now });
    assert.equal(decideRetry(policy, { kind: "timeout" }, 2, 0).retry, true);
    assert.equal(decideRetry(policy, { kind: "timeout" }, 3, 0).retry, false);
    now = 9500; // 9.5 s spent: a 1 s wait would overrun the 10 s budget
    const late = decideRetry(policy, { kind: "timeout" }, 1, 0);
    assert.equal(late.retry, false);
    assert.match(late.retry ? "" : late.reason, /maxElapsedMs 10000/);
  });

  it("never schedules a retry past the time budget, for any sequence of failures", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            spent: fc.integer({ min: 0, max: 5000 }),
            retryAfter: fc.option(fc.integer({ min: 0, max: 70_000 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (steps, r) => {
          let now = 0;
          const policy = resolveRetryPolicy({}, { now: () => now, random: () => r });
          let attempt = 0;
          for (const step of steps) {
            attempt++;
            now += step.spent;
            const failure =
              step.retryAfter === undefined
                ? { kind: "status" as const, status: 503 }
                : { kind: "status" as const, status: 429, retryAfterMs: step.retryAfter };
            const d = decideRetry(policy, failure, attempt, 0);
            if (!d.retry) return;
            assert.ok(attempt < policy.maxAttempts);
            assert.ok(now + d.delayMs <= policy.maxElapsedMs);
            if (step.retryAfter !== undefined) assert.ok(d.delayMs >= step.retryAfter);
            now += d.delayMs;
          }
        },
      ),
    );
  });

  it("sleeps until aborted and then rejects with the signal's reason", async () => {
    const controller = new AbortController();
    const sleeping = realSleep(60_000, controller.signal);
    controller.abort(new Error("stop now"));
    await assert.rejects(sleeping, /stop now/);
  });
});
