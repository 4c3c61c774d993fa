import { strict as assert } from "node:assert";
import { EmulatorControl, RunningEmulator, startEmulator } from "../../emulator/index";
import { PROJECT, caller, jobBody, useEmulator, waitFor } from "./helpers";

describe("emulator: fault injection and the request log", () => {
  const { emu, call } = useEmulator();
  const listPath = "/training-jobs";

  it("answers an injected 429 with Retry-After and the ModelArts.2799 body", async () => {
    emu().control.addFaultScript({ steps: [{ kind: "429", retryAfterSeconds: 7 }] });
    const res = await call()("GET", listPath);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "7");
    assert.deepEqual(res.json, {
      is_success: false,
      error_code: "ModelArts.2799",
      error_message: "Too many requests, please try again later",
    });
  });

  it("answers injected 500 and 503 with the envelope", async () => {
    emu().control.addFaultScript({ steps: ["500", "503"] });
    const a = await call()("GET", listPath);
    const b = await call()("GET", listPath);
    assert.equal(a.status, 500);
    assert.equal(a.json.error_code, "ModelArts.0010");
    assert.equal(b.status, 503);
    assert.equal(b.json.is_success, false);
    assert.equal((await call()("GET", listPath)).status, 200, "the script is used up");
  });

  it("drops the connection without an answer", async () => {
    emu().control.addFaultScript({ steps: ["drop"] });
    await assert.rejects(call()("GET", listPath), (e: Error) => e instanceof TypeError);
    const entry = emu().control.requests().at(-1);
    assert.equal(entry?.status, "dropped");
    assert.equal(entry?.fault, "drop");
  });

  it("adds latency and then answers normally", async () => {
    emu().control.addFaultScript({ steps: [{ kind: "latency", latencyMs: 150 }] });
    const started = performance.now();
    const res = await call()("GET", listPath);
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 140, "the answer came after the latency");
    assert.equal(emu().control.requests().at(-1)?.fault, "latency");
  });

  it("plays a scripted sequence in order on matching requests only", async () => {
    emu().control.addFaultScript({ method: "GET", pathRegex: "/training-jobs(\\?|$)", steps: ["500", "none", "503"] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await call()("GET", "/job/ai-engines")).status);
      statuses.push((await call()("GET", listPath)).status);
    }
    assert.deepEqual(statuses, [200, 500, 200, 200, 200, 503, 200, 200]);
    assert.equal(emu().control.faults().scripts.length, 0);
  });

  it("draws faults by rate from a seeded generator, reproducibly", async () => {
    async function run(seed: number): Promise<Array<number | string>> {
      const e: RunningEmulator = await startEmulator({ seed, faults: { rate: 0.5, kinds: ["500", "503", "429"] }, retryAfterSeconds: 0 });
      try {
        const c = caller(e);
        const out: Array<number | string> = [];
        for (let i = 0; i < 40; i++) out.push((await c("GET", listPath)).status);
        return out;
      } finally {
        await e.close();
      }
    }
    const first = await run(42);
    const second = await run(42);
    assert.deepEqual(first, second);
    const faulted = first.filter((s) => s !== 200).length;
    assert.ok(faulted > 5 && faulted < 35, `about half the requests are faulted, got ${faulted}`);
    assert.notDeepEqual(await run(7), first);
  });

  it("limits rate faults to a method and path", async () => {
    emu().control.setFaultRate({ rate: 1, kinds: ["503"], method: "DELETE" });
    assert.equal((await call()("GET", listPath)).status, 200);
    assert.equal((await call()("DELETE", "/training-jobs/1")).status, 503);
    emu().control.setFaultRate({ rate: 0 });
    assert.equal(emu().control.faults().rate, undefined);
  });

  describe("after the work is done", () => {
    const createScript = (kind: "500" | "drop" | "latency", latencyMs?: number) =>
      emu().control.addFaultScript({
        method: "POST",
        pathRegex: "/training-jobs$",
        phase: "after",
        steps: [{ kind, ...(latencyMs ? { latencyMs } : {}) }],
      });

    it("creates the job although the client sees a 500", async () => {
      createScript("500");
      const res = await call()("POST", listPath, jobBody("ambiguous-500"));
      assert.equal(res.status, 500);
      assert.equal(res.json.is_success, false);
      const list = await call()("GET", `${listPath}?search_content=ambiguous-500`);
      assert.equal(list.json.job_total_count, 1);
      assert.equal(emu().control.requests({ method: "POST" })[0]?.faultPhase, "after");
    });

    it("creates the job although the connection is dropped", async () => {
      createScript("drop");
      await assert.rejects(call()("POST", listPath, jobBody("ambiguous-drop")));
      assert.deepEqual(
        emu()
          .control.jobs()
          .map((j) => j.jobName),
        ["ambiguous-drop"],
      );
    });

    it("creates the job although the answer comes after the client gave up", async () => {
      createScript("latency", 30_000);
      const abort = new AbortController();
      const pending = fetch(`${emu().url}/v1/${PROJECT}${listPath}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-auth-token": "t" },
        body: JSON.stringify(jobBody("ambiguous-timeout")),
        signal: abort.signal,
      });
      await waitFor(() => emu().control.jobs().length === 1, 10_000, "the job to exist");
      abort.abort(); // the client's timeout
      await assert.rejects(pending);
      assert.deepEqual(
        emu()
          .control.jobs()
          .map((j) => j.jobName),
        ["ambiguous-timeout"],
      );
      await waitFor(() => emu().control.requests().length === 1, 10_000, "the delayed answer to be given up");
      assert.equal(emu().control.requests()[0]?.status, "aborted");
    });
  });

  it("never faults, authenticates or logs the control API", async () => {
    emu().control.setFaultRate({ rate: 1, kinds: ["500"] });
    const control = new EmulatorControl(emu().url);
    assert.equal((await control.clock()).frozen, true);
    assert.deepEqual(await control.jobs(), []);
    assert.equal(emu().control.requests().length, 0);
  });

  it("records method, path with query, status, fault, auth kind and times; and can be cleared", async () => {
    emu().control.addFaultScript({ steps: ["none", "503"] });
    await call()("GET", `${listPath}?per_page=5`);
    await call()("GET", `${listPath}?page=2`);
    await fetch(`${emu().url}/v1/${PROJECT}${listPath}`);
    const log = emu().control.requests();
    assert.deepEqual(
      log.map((e) => [e.method, e.path, e.status, e.fault ?? null, e.auth]),
      [
        ["GET", `/v1/${PROJECT}${listPath}?per_page=5`, 200, null, "token"],
        ["GET", `/v1/${PROJECT}${listPath}?page=2`, 503, "503", "none"],
        ["GET", `/v1/${PROJECT}${listPath}`, 401, null, "none"],
      ],
    );
    assert.equal(log[2]?.errorCode, "ModelArts.0201");
    assert.ok(!Number.isNaN(Date.parse(log[0]?.time as string)));
    assert.equal(log[0]?.emulatorTime, emu().control.clock().now);
    assert.deepEqual(emu().control.requests({ pathRegex: "page=2" }).length, 1);
    emu().control.clearRequests();
    assert.equal(emu().control.requests().length, 0);
  });
});
