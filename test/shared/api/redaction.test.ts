import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import type { RunningEmulator } from "../../../emulator/index";
import { ModelArtsClient } from "../../../provider/v1/api/client";
import { resolveClientConfig } from "../../../provider/shared/api/config";
import {
  AuthenticationError,
  ConfigurationError,
  ModelArtsApiError,
  ModelArtsError,
  ModelArtsTimeoutError,
} from "../../../provider/shared/api/errors";
import { AK, FAST_RETRY, PASSWORD, PROJECT, SK, akskClient, jobRequest, passwordClient, startTestEmulator } from "./helpers";

// Secrets these tests use; none may appear in anything thrown or printed.
const TOKEN = "MIIEhQ-given-token-do-not-print-0001";
const SECURITY_TOKEN = "security-token-do-not-print-0001";
const WRONG_SK = "SK-wrong-but-still-secret-0000000001";
const WRONG_PASSWORD = "wrong-password-still-secret-0001";
const SECRETS = [SK, PASSWORD, TOKEN, SECURITY_TOKEN, WRONG_SK, WRONG_PASSWORD];

/** Every way an error or a log line can be shown. */
function renderings(error: unknown, lines: string[]): string[] {
  const e = error as Error;
  return [String(error), e.stack ?? "", inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), e.message, ...lines];
}

function assertNoSecret(error: unknown, lines: string[]): void {
  assert.ok(ModelArtsError.isInstance(error), `expected a ModelArtsError, got ${String(error)}`);
  for (const text of renderings(error, lines)) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `a secret leaked into: ${text}`);
    assert.doesNotMatch(text, /Signature=[0-9a-f]{8}/);
  }
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  );
}

describe("secret redaction", () => {
  let emu: RunningEmulator;
  let lines: string[];
  const logger = (l: string) => lines.push(l);

  before(async () => {
    emu = await startTestEmulator({ accessKeys: { [AK]: SK, AKTEMP: { secretKey: SK, securityToken: SECURITY_TOKEN } } });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
    lines = [];
  });

  it("keeps secrets out of a 400 whose message echoes the input", async () => {
    const client = akskClient(emu, {}, { logger });
    const error = await failure(client.createJob({ ...jobRequest("x"), jobName: `bad name ${SK}`, jobDesc: PASSWORD }));
    assert.ok(ModelArtsApiError.isInstance(error) && error.httpStatus === 400, String(error));
    assertNoSecret(error, lines);
    assert.match(String(error), /create training job "bad name \*\*\*"/);
  });

  it("keeps secrets out of a 401 for a bad signature with temporary credentials", async () => {
    const client = new ModelArtsClient(
      resolveClientConfig(
        { endpoint: emu.url, projectId: PROJECT, accessKey: "AKTEMP", secretKey: WRONG_SK, securityToken: SECURITY_TOKEN },
        {},
      ),
      { retry: FAST_RETRY, logger },
    );
    const error = await failure(client.listJobs());
    assert.ok(error instanceof AuthenticationError);
    assertNoSecret(error, lines);
  });

  it("keeps secrets out of a 401 for a rejected token", async () => {
    const client = new ModelArtsClient(resolveClientConfig({ endpoint: emu.url, projectId: PROJECT, token: TOKEN }, {}), {
      retry: FAST_RETRY,
      logger,
    });
    const error = await failure(client.listJobs());
    assert.ok(error instanceof AuthenticationError);
    assertNoSecret(error, lines);
  });

  it("keeps secrets out of a wrong IAM password", async () => {
    const error = await failure(passwordClient(emu, { password: WRONG_PASSWORD }, { logger }).listJobs());
    assert.ok(error instanceof AuthenticationError);
    assertNoSecret(error, lines);
  });

  it("keeps secrets out of a timeout with password authentication", async () => {
    emu.control.addFaultScript({ method: "GET", steps: [{ kind: "latency", latencyMs: 2000 }] });
    const client = passwordClient(emu, { requestTimeout: "200ms", maxAttempts: 1 }, { logger });
    const error = await failure(client.listJobs());
    assert.ok(error instanceof ModelArtsTimeoutError);
    assertNoSecret(error, lines);
  });

  it("keeps secrets out of a dropped connection", async () => {
    emu.control.addFaultScript({ method: "GET", steps: ["drop", "drop"] });
    const error = await failure(akskClient(emu, { maxAttempts: 2 }, { logger }).listJobs());
    assert.ok(ModelArtsApiError.isInstance(error) && error.httpStatus === 0, String(error));
    assert.match(String(error), /lost the connection/);
    assertNoSecret(error, lines);
  });

  it("keeps secrets out of 5xx exhaustion", async () => {
    emu.control.addFaultScript({ method: "GET", steps: ["500", "503", "500"] });
    const error = await failure(passwordClient(emu, { maxAttempts: 3 }, { logger }).listJobs());
    assert.ok(ModelArtsApiError.isInstance(error) && error.httpStatus === 500, String(error));
    assertNoSecret(error, lines);
    assert.ok(lines.length >= 4, "IAM plus three attempts were logged");
  });

  it("keeps secrets out of configuration errors", () => {
    const cases = [
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT, secretKey: SK }, {}),
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT, accessKey: AK, secretKey: SK, token: TOKEN }, {}),
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT, username: "u", password: PASSWORD }, {}),
      () => resolveClientConfig({ projectId: PROJECT, accessKey: AK, secretKey: SK, endpoint: "http://10.0.0.1" }, {}),
    ];
    for (const run of cases) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof ConfigurationError, String(error));
      assertNoSecret(error, []);
    }
  });

  it("keeps secrets out of the printed client", () => {
    const clients = [
      akskClient(emu),
      passwordClient(emu),
      new ModelArtsClient(resolveClientConfig({ endpoint: emu.url, projectId: PROJECT, token: TOKEN }, {})),
    ];
    for (const client of clients) {
      for (const text of [String(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client)]) {
        for (const secret of SECRETS) assert.ok(!text.includes(secret), text);
      }
    }
  });
});
