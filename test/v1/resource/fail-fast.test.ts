import { strict as assert } from "node:assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "../../../provider/shared/api/config";
import { PaceRegistry } from "../../../provider/shared/api/pace";
import { ModelArtsError } from "../../../provider/shared/api/errors";
import { Pollers } from "../../../provider/shared/resource/poller";
import { TrainingJobProviderImpl } from "../../../provider/v1/resource/provider";
import { SkipClock } from "../../helpers/skip-clock";

const PROPS = {
  jobName: "demo",
  jobId: "42",
  versionId: "43",
  versionName: "V0001",
  status: 8,
  config: { workerServerNum: 1, specId: 1, engineId: 1, appUrl: "/b/app/", bootFileUrl: "/b/app/t.py", dataUrl: "/b/data/" },
  timeouts: { delete: "20m" },
};

describe("v1 delete fails fast where nothing is lost", () => {
  it("a delete against a port that refuses ends after the client's retries, naming modelarts:endpoint, having sent nothing", async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((r) => server.close(r));
    const clock = new SkipClock();
    const client = createClient(
      { endpoint: url, projectId: "0123456789abcdef0123456789abcdef", accessKey: "AKFAST", secretKey: "SK-fast-0001" },
      {},
      { clock, paces: new PaceRegistry(clock) },
    );
    const provider = new TrainingJobProviderImpl({ clientFor: () => client, clock, pollers: new Pollers(clock) });
    const started = clock.now();
    const error = await provider.delete("42", PROPS).then(
      () => assert.fail("expected the delete to fail"),
      (e: unknown) => e,
    );
    assert.ok(ModelArtsError.isInstance(error) && error.name === "EndpointUnreachableError", String(error));
    assert.match(error.message, /connection refused.*Nothing was sent that changes anything.*modelarts:endpoint/s);
    assert.ok(clock.now() - started <= 30_000, `gave up after ${clock.now() - started} ms`);
  });
});
