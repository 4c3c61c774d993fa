import { strict as assert } from "node:assert";
import { EmulatorControl, startEmulator, type RunningEmulator } from "../../emulator/index";
import { optionsFromArgs } from "../../emulator/cli";
import { RateLimiter } from "../../emulator/rate-limit";

const PROJECT = "0123456789abcdef0123456789abcdef";

describe("emulator: the gateway's per-account rate limit", () => {
  it("answers 429 APIGW.0308 with Retry-After past the limit, and again to every request inside that Retry-After", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    limiter.set({ requestsPerSecond: 2, burst: 2 });
    assert.equal(limiter.decide("a"), undefined);
    assert.equal(limiter.decide("a"), undefined);
    const fault = limiter.decide("a");
    assert.equal(fault?.httpStatus, 429);
    assert.equal(fault?.code, "APIGW.0308");
    assert.equal(fault?.headers["Retry-After"], "1");
    now = 600; // a token is back, but the Retry-After has not passed
    assert.equal(limiter.decide("a")?.httpStatus, 429);
    assert.equal(limiter.decide("b"), undefined, "another account has its own bucket");
    now = 1_000;
    assert.equal(limiter.decide("a"), undefined);
    const state = limiter.state();
    assert.equal(state.throttled, 2);
    assert.equal(state.insideRetryAfter, 1);
    assert.equal(state.passed, 4);
  });

  it("answers ModelArts.2799 when asked, with a fixed Retry-After", () => {
    const limiter = new RateLimiter(() => 0);
    limiter.set({ requestsPerSecond: 0.5, burst: 1, code: "ModelArts.2799", retryAfterSeconds: 8 });
    limiter.decide("a");
    const fault = limiter.decide("a");
    assert.equal(fault?.code, "ModelArts.2799");
    assert.equal(fault?.headers["Retry-After"], "8");
  });

  it("is switched on and off over the control API, and throttles the API (not the control API) per account", async () => {
    let emu: RunningEmulator | undefined;
    try {
      emu = await startEmulator({ port: 0 });
      const control = new EmulatorControl(emu.url);
      await control.setRateLimit({ requestsPerSecond: 0.01, burst: 1 });
      const get = () => fetch(`${emu!.url}/v2/${PROJECT}/training-jobs/1`, { headers: { "x-auth-token": "t" } });
      assert.notEqual((await get()).status, 429);
      const throttled = await get();
      assert.equal(throttled.status, 429);
      assert.ok(Number(throttled.headers.get("retry-after")) >= 1);
      assert.equal(((await throttled.json()) as { error_code: string }).error_code, "APIGW.0308");
      const state = await control.rateLimit();
      assert.equal(state.throttled, 1);
      assert.equal((await control.setRateLimit(null)).limit, null);
      assert.notEqual((await get()).status, 429);
    } finally {
      await emu?.close();
    }
  });

  it("is a command-line flag and a library option", () => {
    const options = optionsFromArgs(["--rate-limit", "2", "--rate-limit-code", "ModelArts.2799"], {});
    assert.notEqual(options, "help");
    assert.deepEqual(options !== "help" && options.rateLimit, { requestsPerSecond: 2, code: "ModelArts.2799" });
    assert.throws(() => optionsFromArgs(["--rate-limit", "2", "--rate-limit-code", "X"], {}), /rate-limit-code/);
  });
});
