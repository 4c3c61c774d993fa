import { strict as assert } from "node:assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { ModelArtsError } from "../../../provider/shared/api/errors";
import { Pollers } from "../../../provider/shared/resource/poller";
import { createV2Client } from "../../../provider/v2/api/client";
import { TrainingJobV2ProviderImpl } from "../../../provider/v2/resource/provider";
import { SkipClock } from "../../helpers/skip-clock";
import { jobInputs, SERIALIZED } from "./emulated";

const PROJECT = "0123456789abcdef0123456789abcdef";
const AK = "AKFAILFASTV200000001";
const SK = "SK-fail-fast-v2-secret-000000000000001";

/** A provider on a skip clock: the client's retries and the waits cost no wall time. */
function providerAt(endpoint: string, clock: SkipClock, progress: string[] = []) {
  const client = createV2Client({ endpoint, projectId: PROJECT, accessKey: AK, secretKey: SK, requestTimeout: "2s" }, {}, { clock });
  return new TrainingJobV2ProviderImpl({
    clientFor: () => client,
    clock,
    pollers: new Pollers(clock),
    progress: (line) => progress.push(line),
    randomSuffix: () => "abc1234",
  });
}

/** A 127.0.0.1 port that refuses connections: a server that was listening there is closed. */
async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

describe("v2 steps fail fast where nothing is lost, and persist once something was sent", function () {
  this.timeout(30_000);

  it("a create against a port that refuses ends after the client's retries, names modelarts:endpoint and says nothing was sent", async () => {
    const clock = new SkipClock();
    const provider = providerAt(await closedPort(), clock);
    const { inputs } = await provider.check(
      {},
      { ...jobInputs({ jobName: "typo-port", timeouts: { create: "20m" } }), __provider: SERIALIZED },
    );
    const started = clock.now();
    const error = await provider.create(inputs).then(
      () => assert.fail("expected the create to fail"),
      (e: unknown) => e,
    );
    assert.ok(ModelArtsError.isInstance(error) && error.name === "EndpointUnreachableError", String(error));
    assert.match(error.message, /connection refused/);
    assert.match(error.message, /Nothing was sent that changes anything/);
    assert.match(error.message, /modelarts:endpoint/);
    assert.ok(clock.now() - started <= 30_000, `gave up after ${clock.now() - started} ms`);
  });

  it("a delete against an endpoint answering HTML 502 ends at once, sending no DELETE", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const clock = new SkipClock();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = await providerAt(url, clock)
        .delete("5d3a0f0e-0000-4000-8000-000000000001", { ...jobInputs({ jobName: "hostile" }), jobId: "x", timeouts: { delete: "20m" } })
        .then(
          () => assert.fail("expected the delete to fail"),
          (e: unknown) => e,
        );
      assert.ok(ModelArtsError.isInstance(error) && error.name === "EndpointUnreachableError", String(error));
      assert.match(error.message, /not from ModelArts .*HTTP 502.*text\/html: "<html><body><h1>502 Bad Gateway/);
      assert.match(error.message, /Nothing was sent that changes anything/);
      assert.ok(
        seen.every((r) => !r.startsWith("DELETE")),
        seen.join(", "),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("once the DELETE was sent, a refusing endpoint is tried until timeouts.delete, and the row says what keeps failing", async () => {
    const emu: RunningEmulator = await startEmulator({
      port: 0,
      accessKeys: { [AK]: SK },
      frozenClock: true,
      killMs: 0,
      deleteDelayMs: 60_000,
    });
    const clock = new SkipClock();
    const progress: string[] = [];
    const provider = providerAt(emu.url, clock, progress);
    const { inputs } = await provider.check(
      {},
      { ...jobInputs({ jobName: "then-gone", timeouts: { delete: "90s" } }), __provider: SERIALIZED },
    );
    const { id, outs } = await provider.create(inputs);
    // The endpoint goes away right after the DELETE was answered.
    const deleting = provider.delete(id, outs);
    while (!progress.some((l) => /delete requested/.test(l))) await new Promise((r) => setImmediate(r));
    await emu.close();
    const started = clock.now();
    const error = await deleting.then(
      () => assert.fail("expected the delete to time out"),
      (e: unknown) => e,
    );
    assert.ok(ModelArtsError.isInstance(error) && error.name === "DeleteTimeoutError", String(error));
    assert.ok(clock.now() - started >= 60_000, "kept trying until the deadline");
    assert.ok(
      progress.some((l) => /no answer from http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) for .+; trying until \d\d:\d\d:\d\d UTC/.test(l)),
      progress.join("\n"),
    );
  });
});
