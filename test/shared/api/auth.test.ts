import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../../emulator/index";
import { PasswordAuthenticator, type IssuedToken } from "../../../provider/shared/api/auth";
import { ModelArtsClient } from "../../../provider/v1/api/client";
import { resolveClientConfig } from "../../../provider/shared/api/config";
import { AuthenticationError } from "../../../provider/shared/api/errors";
import { DOMAIN, FAST_RETRY, PASSWORD, PROJECT, USER, akskClient, jobRequest, passwordClient, startTestEmulator } from "./helpers";

const iamRequests = (emu: RunningEmulator) => emu.control.requests({ method: "POST", pathRegex: "^/v3/auth/tokens" });

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

describe("authentication against the emulator", () => {
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

  it("signs every request with AK/SK, temporary credentials included", async () => {
    const temp = await startTestEmulator({
      accessKeys: { AKTEMP: { secretKey: "SK-temp-secret-0001", securityToken: "temp-security-token-0001" } },
    });
    try {
      const settings = { endpoint: temp.url, projectId: PROJECT, accessKey: "AKTEMP", secretKey: "SK-temp-secret-0001" };
      const client = new ModelArtsClient(resolveClientConfig({ ...settings, securityToken: "temp-security-token-0001" }, {}), {
        retry: FAST_RETRY,
      });
      await client.createJob(jobRequest("temp-creds"));
      assert.deepEqual(
        temp.control.requests().map((r) => [r.auth, r.status]),
        [["aksk", 200]],
      );
      const withoutToken = new ModelArtsClient(resolveClientConfig(settings, {}), { retry: FAST_RETRY });
      await assert.rejects(withoutToken.listJobs(), AuthenticationError);
    } finally {
      await temp.close();
    }
  });

  it("obtains one IAM token with the password and reuses it", async () => {
    const client = passwordClient(emu);
    await client.createJob(jobRequest("pw-1"));
    await client.listJobs();
    await client.listJobs();
    assert.equal(iamRequests(emu).length, 1);
    assert.deepEqual(
      emu.control.requests({ pathRegex: "^/v1/" }).map((r) => [r.auth, r.status]),
      [
        ["token", 200],
        ["token", 200],
        ["token", 200],
      ],
    );
    assert.equal(client.tokensIssued, 1);
  });

  it("shares one token issuance between concurrent callers", async () => {
    const client = passwordClient(emu);
    await Promise.all(Array.from({ length: 8 }, () => client.listJobs()));
    assert.equal(iamRequests(emu).length, 1);
  });

  it("renews the token before it expires, without a 401", async () => {
    emu.control.setBehaviour({ tokenTtlMs: 600_000 });
    let now = Date.parse("2030-01-01T00:00:00Z");
    const client = passwordClient(emu, {}, { clock: { now: () => now } });
    await client.listJobs();
    // 9 minutes later: inside the renewal margin (a fifth of a 10-minute lifetime), not yet expired.
    now += 9 * 60_000;
    emu.control.advance(9 * 60_000);
    await client.listJobs();
    assert.equal(iamRequests(emu).length, 2);
    // Past the first token's expiry on the emulator's clock: the renewed token still works.
    now += 2 * 60_000;
    emu.control.advance(2 * 60_000);
    await client.listJobs();
    assert.equal(iamRequests(emu).length, 2);
    assert.ok(emu.control.requests().every((r) => r.status !== 401));
  });

  it("renews the token once and retries after a 401", async () => {
    const client = passwordClient(emu);
    await client.listJobs();
    emu.control.revokeTokens();
    await client.listJobs();
    assert.deepEqual(
      emu.control.requests().map((r) => [r.method, r.path.replace(/\?.*/, "").replace(PROJECT, "P"), r.status]),
      [
        ["POST", "/v3/auth/tokens", 201],
        ["GET", "/v1/P/training-jobs", 200],
        ["GET", "/v1/P/training-jobs", 401],
        ["POST", "/v3/auth/tokens", 201],
        ["GET", "/v1/P/training-jobs", 200],
      ],
    );
  });

  it("rejects a wrong password with an AuthenticationError naming the settings, without retrying", async () => {
    const client = passwordClient(emu, { password: "wrong-passw0rd-0001" });
    const error = await client.listJobs().catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.httpStatus, 401);
    assert.match(error.message, /IAM rejected the password credentials of user "alice" in domain "acme"/);
    assert.match(error.message, /modelarts:password/);
    assert.match(error.message, /The username or password is wrong/);
    assert.equal(iamRequests(emu).length, 1);
  });

  it("uses an explicit token, and says it was rejected once it is revoked", async () => {
    const token = await issueTokenByHand(emu);
    const client = new ModelArtsClient(resolveClientConfig({ endpoint: emu.url, projectId: PROJECT, token }, {}), { retry: FAST_RETRY });
    await client.createJob(jobRequest("given-token"));
    emu.control.revokeTokens();
    const error = await client.listJobs().catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.match(
      error.message,
      /the token was rejected or has expired; obtain a new project-scoped IAM token and set modelarts:token \(OS_AUTH_TOKEN\)/,
    );
    assert.equal(emu.control.requests({ method: "GET" }).length, 1, "a given token is not renewed, so no second try");
  });

  it("keeps AK/SK and password clients apart on the same emulator", async () => {
    await akskClient(emu).createJob(jobRequest("by-aksk"));
    await passwordClient(emu).createJob(jobRequest("by-password"));
    assert.deepEqual(
      emu.control.requests({ method: "POST", pathRegex: "^/v1/" }).map((r) => r.auth),
      ["aksk", "token"],
    );
  });
});

describe("PasswordAuthenticator", () => {
  function fakeIssuer(ttlMs: number) {
    let n = 0;
    const issue = async (): Promise<IssuedToken> => {
      n++;
      await Promise.resolve();
      return { token: `token-${n}-abcdef`, ttlMs };
    };
    return { issue, count: () => n };
  }

  it("renews 5 minutes before expiry for a 24-hour token", async () => {
    let now = 0;
    const issuer = fakeIssuer(24 * 3_600_000);
    const auth = new PasswordAuthenticator(issuer.issue, "u", { now: () => now });
    assert.equal(await auth.token(), "token-1-abcdef");
    now = 24 * 3_600_000 - 300_001;
    assert.equal(await auth.token(), "token-1-abcdef");
    now = 24 * 3_600_000 - 300_000;
    assert.equal(await auth.token(), "token-2-abcdef");
  });

  it("renews at four fifths of a short lifetime", async () => {
    let now = 0;
    const issuer = fakeIssuer(10_000);
    const auth = new PasswordAuthenticator(issuer.issue, "u", { now: () => now });
    await auth.token();
    now = 7_999;
    await auth.token();
    assert.equal(issuer.count(), 1);
    now = 8_000;
    await auth.token();
    assert.equal(issuer.count(), 2);
  });

  it("drops only the token that was rejected", async () => {
    const issuer = fakeIssuer(3_600_000);
    const auth = new PasswordAuthenticator(issuer.issue, "u", { now: () => 0 });
    const first = await auth.token();
    assert.equal(auth.renewAfterRejection({ "x-auth-token": "some-older-token" }), true);
    assert.equal(await auth.token(), first);
    auth.renewAfterRejection({ "x-auth-token": first });
    assert.notEqual(await auth.token(), first);
  });

  it("lets a caller abort its wait without cancelling the shared issuance", async () => {
    let release: (t: IssuedToken) => void = () => undefined;
    let calls = 0;
    const auth = new PasswordAuthenticator(() => {
      calls++;
      return new Promise<IssuedToken>((r) => (release = r));
    }, "u");
    const controller = new AbortController();
    const impatient = auth.token(controller.signal);
    const patient = auth.token();
    controller.abort(new Error("gave up"));
    await assert.rejects(impatient, /gave up/);
    release({ token: "shared-token-123", ttlMs: 3_600_000 });
    assert.equal(await patient, "shared-token-123");
    assert.equal(calls, 1);
  });
});
