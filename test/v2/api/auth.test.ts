import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import type { RunningEmulator } from "../../../emulator/index";
import { AuthenticationError, ModelArtsError } from "../../../provider/shared/api/errors";
import { resolveClientConfig } from "../../../provider/shared/api/config";
import { ModelArtsV2Client } from "../../../provider/v2/api/client";
import {
  DOMAIN,
  FAST_RETRY,
  PASSWORD,
  PROJECT,
  SK,
  USER,
  startTestEmulator,
  v2AkskClient,
  v2PasswordClient,
  v2Request,
  v2TokenClient,
} from "./helpers";
import { startScriptServer, type ScriptServer } from "./search-server";

const V2 = `^/v2/${PROJECT}`;
const WRONG_SK = "SK-v2-wrong-but-still-s3cr3t-000001";
const WRONG_PASSWORD = "v2-wrong-passw0rd-still-s3cr3t-01";

async function issueTokenByHand(emu: RunningEmulator): Promise<string> {
  const res = await fetch(`${emu.url}/v3/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: USER, password: PASSWORD, domain: { name: DOMAIN } } } },
        scope: { project: { name: "eu-de" } },
      },
    }),
  });
  assert.equal(res.status, 201);
  return res.headers.get("x-subject-token")!;
}

/** Every way an error and the debug log can be shown; none may hold a secret. */
function assertNoSecret(error: unknown, lines: string[], secrets: string[]): void {
  assert.ok(ModelArtsError.isInstance(error), `expected a ModelArtsError, got ${String(error)}`);
  const e = error as Error;
  for (const text of [String(error), e.stack ?? "", inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), ...lines]) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into: ${text}`);
    assert.doesNotMatch(text, /Signature=[0-9a-f]{8}/);
  }
}

describe("v2 client: authentication against the emulator", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
  });

  it("signs every v2 request with AK/SK", async () => {
    const client = v2AkskClient(emu);
    const job = await client.createJob(v2Request("auth-aksk"));
    await client.getJob(job.id);
    await client.searchJobs();
    assert.deepEqual(
      emu.control.requests({ pathRegex: V2 }).map((r) => [r.auth, r.status]),
      [
        ["aksk", 201],
        ["aksk", 200],
        ["aksk", 200],
      ],
    );
  });

  it("obtains one IAM token with the password for every v2 call", async () => {
    const client = v2PasswordClient(emu);
    const job = await client.createJob(v2Request("auth-password"));
    await client.getJob(job.id);
    await client.listEngines();
    assert.equal(client.tokensIssued, 1);
    assert.equal(emu.control.requests({ method: "POST", pathRegex: "^/v3/auth/tokens" }).length, 1);
    assert.deepEqual(
      emu.control.requests({ pathRegex: V2 }).map((r) => r.auth),
      ["token", "token", "token"],
    );
  });

  it("renews the password token once after a 401 and retries, even for the create", async () => {
    const client = v2PasswordClient(emu);
    await client.listEngines();
    emu.control.revokeTokens();
    await client.createJob(v2Request("auth-renewed"));
    assert.equal(client.tokensIssued, 2);
    assert.deepEqual(
      emu.control.requests({ method: "POST", pathRegex: `${V2}/training-jobs$` }).map((r) => r.status),
      [401, 201],
    );
  });

  it("uses a given token, and says it was rejected once it is revoked, without a second try", async () => {
    const client = v2TokenClient(emu, await issueTokenByHand(emu));
    await client.createJob(v2Request("auth-token"));
    emu.control.revokeTokens();
    const error = await client.searchJobs().catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.match(error.message, /the token was rejected or has expired; obtain a new project-scoped IAM token and set modelarts:token/);
    assert.equal(emu.control.requests({ pathRegex: `${V2}/training-job-searches` }).length, 1);
  });

  it("rejects a wrong secret key with an AuthenticationError naming the settings, and no secret in it or the log", async () => {
    const lines: string[] = [];
    const client = v2AkskClient(emu, { secretKey: WRONG_SK }, { logger: (l) => lines.push(l) });
    const error = await client.createJob(v2Request("auth-wrong-sk")).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.httpStatus, 401);
    assert.match(error.message, /the AK\/SK signature was rejected; check modelarts:accessKey and modelarts:secretKey/);
    assert.ok(lines.length > 0);
    assertNoSecret(error, lines, [WRONG_SK, SK]);
    assert.equal(emu.control.v2Jobs(PROJECT).length, 0);
  });

  it("rejects a wrong password at IAM, and the password shows nowhere", async () => {
    const lines: string[] = [];
    const client = v2PasswordClient(emu, { password: WRONG_PASSWORD }, { logger: (l) => lines.push(l) });
    const error = await client.getJob("00000000-0000-4000-8000-000000000000").catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.match(error.message, /IAM rejected the password credentials of user "alice" in domain "acme"/);
    assertNoSecret(error, lines, [WRONG_PASSWORD, PASSWORD]);
  });
});

describe("v2 client: secrets echoed by the service", () => {
  let server: ScriptServer | undefined;
  after(async () => {
    await server?.close();
  });

  it("masks a secret key the service echoes in error_msg, and a signature", async () => {
    const secret = "SK-echoed-by-the-v2-service-0000001";
    server = await startScriptServer((req) => ({
      status: 400,
      body: { error_code: "ModelArts.2788", error_msg: `bad parameter near ${secret} with ${String(req.headers["authorization"])}` },
    }));
    const client = new ModelArtsV2Client(
      resolveClientConfig({ endpoint: server.url, projectId: PROJECT, accessKey: "AKECHO", secretKey: secret }, {}),
      {
        retry: FAST_RETRY,
      },
    );
    const error = await client.createJob(v2Request("echo")).catch((e: unknown) => e);
    assertNoSecret(error, [], [secret]);
    assert.match((error as Error).message, /ModelArts\.2788/);
  });
});
