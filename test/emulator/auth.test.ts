import { strict as assert } from "node:assert";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials";
import { RunningEmulator, startEmulator } from "../../emulator/index";
import { OTHER_PROJECT, PROJECT, answer, jobBody } from "./helpers";

const AK = "AKEXAMPLE0123456789A";
const SK = "SKexample0123456789abcdefghijklmnopqrstuv";
const TEMP_AK = "AKTEMPORARY000000001";
const TEMP_SK = "SKtemporary0123456789abcdefghijklmnopqrs";
const SECURITY_TOKEN = "temporary-security-token-value";
const USER = { name: "alice", password: "correct horse", domainName: "acme" };

interface SignedCall {
  method: string;
  path: string;
  query?: Record<string, string>;
  data?: unknown;
  headers?: Record<string, string>;
}

/** Signs with Huawei's official SDK signer, as its credentials would (X-Project-Id, X-Security-Token added and signed). */
function sdkSign(emu: RunningEmulator, call: SignedCall, ak = AK, sk = SK, securityToken?: string): Record<string, string> {
  const credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(PROJECT);
  if (securityToken) credentials.withSecurityToken(securityToken);
  const headers: Record<string, string> = { "content-type": "application/json", "X-Project-Id": PROJECT, ...(call.headers ?? {}) };
  if (securityToken) headers["X-Security-Token"] = securityToken;
  const request = { method: call.method, endpoint: `${emu.url}${call.path}`, headers, queryParams: call.query ?? {}, data: call.data };
  return AKSKSigner.sign(request as never, credentials) as Record<string, string>;
}

/** Sends a request with the given signed headers; `host` is left to fetch (it sends the same value). */
async function send(
  emu: RunningEmulator,
  method: string,
  path: string,
  headers: Record<string, string>,
  query?: Record<string, string>,
  body?: string,
) {
  const { host: _host, ...rest } = headers;
  const qs = query ? "?" + new URLSearchParams(query).toString().replace(/\+/g, "%20") : "";
  const init: RequestInit = { method, headers: rest };
  if (body !== undefined) init.body = body;
  return answer(await fetch(`${emu.url}${path}${qs}`, init));
}

const jobsPath = `/v1/${PROJECT}/training-jobs`;

describe("emulator: authentication", () => {
  describe("with configured keys and users", () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await startEmulator({
        accessKeys: { [AK]: SK, [TEMP_AK]: { secretKey: TEMP_SK, securityToken: SECURITY_TOKEN } },
        users: [USER],
        projects: { "eu-de": PROJECT },
        tokenTtlMs: 60_000,
      });
    });
    after(() => emu.close());
    beforeEach(() => emu.control.reset());

    describe("AK/SK signed by the official Huawei SDK signer", () => {
      it("accepts a GET with a query", async () => {
        const query = { per_page: "10", page: "1", sortBy: "create_time", order: "desc", search_content: "demo job" };
        const headers = sdkSign(emu, { method: "GET", path: jobsPath, query });
        const res = await send(emu, "GET", jobsPath, headers, query);
        assert.equal(res.status, 200, res.text);
        assert.equal(emu.control.requests().at(-1)?.auth, "aksk");
      });

      it("accepts a POST with a JSON body (the bytes the SDK hashed)", async () => {
        const data = jobBody("signed-job");
        const headers = sdkSign(emu, { method: "POST", path: jobsPath, data });
        const res = await send(emu, "POST", jobsPath, headers, undefined, JSON.stringify(data));
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.job_name, "signed-job");
      });

      it("accepts a DELETE and a POST without body (stop)", async () => {
        const created = emu.control.createJob(PROJECT, jobBody("signed-delete"));
        const stopPath = `${jobsPath}/${created.jobId}/versions/${created.versionId}/stop`;
        const stop = await send(emu, "POST", stopPath, sdkSign(emu, { method: "POST", path: stopPath }));
        assert.equal(stop.status, 200, stop.text);
        const path = `${jobsPath}/${created.jobId}`;
        const res = await send(emu, "DELETE", path, sdkSign(emu, { method: "DELETE", path }));
        assert.deepEqual(res.json, { is_success: true });
      });

      it("accepts temporary credentials with their signed X-Security-Token and rejects them without", async () => {
        const ok = await send(emu, "GET", jobsPath, sdkSign(emu, { method: "GET", path: jobsPath }, TEMP_AK, TEMP_SK, SECURITY_TOKEN));
        assert.equal(ok.status, 200, ok.text);
        const missing = await send(emu, "GET", jobsPath, sdkSign(emu, { method: "GET", path: jobsPath }, TEMP_AK, TEMP_SK));
        assert.equal(missing.status, 401);
        assert.equal(missing.json.error_code, "ModelArts.0208");
      });

      it("rejects a changed body, path, query, date or signed header with 401", async () => {
        const data = jobBody("tampered");
        const postHeaders = sdkSign(emu, { method: "POST", path: jobsPath, data });
        const changedBody = await send(emu, "POST", jobsPath, postHeaders, undefined, JSON.stringify(jobBody("tampereD")));
        const getQuery = { per_page: "10" };
        const getHeaders = sdkSign(emu, { method: "GET", path: jobsPath, query: getQuery });
        const changedQuery = await send(emu, "GET", jobsPath, getHeaders, { per_page: "11" });
        const changedPath = await send(emu, "GET", `/v1/${PROJECT}/job/ai-engines`, getHeaders, getQuery);
        const changedDate = await send(emu, "GET", jobsPath, { ...getHeaders, "X-Sdk-Date": "20240115T093001Z" }, getQuery);
        const customHeaders = sdkSign(emu, { method: "GET", path: jobsPath, headers: { "X-Custom": "a" } });
        const changedHeader = await send(emu, "GET", jobsPath, { ...customHeaders, "X-Custom": "b" });
        for (const [what, res] of Object.entries({ changedBody, changedQuery, changedPath, changedDate, changedHeader })) {
          assert.equal(res.status, 401, what);
          assert.equal(res.json.is_success, false, what);
          assert.equal(res.json.error_code, "ModelArts.0208", what);
        }
        assert.equal(emu.control.jobs().length, 0, "nothing was created");
      });

      it("rejects a stale X-Sdk-Date beyond the allowed skew, even when correctly signed", async () => {
        const stale = new Date(Date.now() - 20 * 60_000);
        const date = stale
          .toISOString()
          .replace(/[-:]/g, "")
          .replace(/\.\d{3}/, "");
        const headers = sdkSign(emu, { method: "GET", path: jobsPath, headers: { "X-Sdk-Date": date } });
        assert.equal(headers["X-Sdk-Date"], date);
        const res = await send(emu, "GET", jobsPath, headers);
        assert.equal(res.status, 401);
        assert.match(res.json.error_message as string, /X-Sdk-Date/);
      });

      it("rejects a wrong secret key, an unknown access key, a malformed header and no credentials", async () => {
        const wrongSk = await send(emu, "GET", jobsPath, sdkSign(emu, { method: "GET", path: jobsPath }, AK, "not-the-secret"));
        assert.equal(wrongSk.json.error_code, "ModelArts.0208");
        const unknownAk = await send(emu, "GET", jobsPath, sdkSign(emu, { method: "GET", path: jobsPath }, "AKUNKNOWN", SK));
        assert.equal(unknownAk.json.error_code, "ModelArts.4504");
        const malformed = await send(emu, "GET", jobsPath, { "X-Sdk-Date": "20240115T093000Z", Authorization: "Basic abc" });
        assert.equal(malformed.json.error_code, "ModelArts.0206");
        const none = await send(emu, "GET", jobsPath, {});
        assert.equal(none.json.error_code, "ModelArts.0201");
        for (const res of [wrongSk, unknownAk, malformed, none]) assert.equal(res.status, 401);
      });

      it("never shows the secret key in an answer", async () => {
        const res = await send(emu, "GET", jobsPath, sdkSign(emu, { method: "GET", path: jobsPath }, AK, "wrong"));
        assert.equal(res.text.includes(SK), false);
      });
    });

    describe("IAM tokens", () => {
      async function issueToken(password = USER.password, scope: unknown = { project: { name: "eu-de" } }) {
        const body = {
          auth: {
            identity: { methods: ["password"], password: { user: { name: USER.name, password, domain: { name: USER.domainName } } } },
            ...(scope ? { scope } : {}),
          },
        };
        const res = await fetch(`${emu.url}/v3/auth/tokens`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        return { res: await answer(res), token: res.headers.get("x-subject-token") };
      }
      const withToken = async (token: string, project = PROJECT) =>
        answer(
          await fetch(`${emu.url}/v1/${project}/training-jobs`, { headers: { "x-auth-token": token, "content-type": "application/json" } }),
        );

      it("issues a project-scoped token with HTTP 201, X-Subject-Token and token.expires_at", async () => {
        const { res, token } = await issueToken();
        assert.equal(res.status, 201);
        assert.ok(token && token.length > 20);
        const t = res.json.token as Record<string, unknown>;
        assert.equal((t.project as Record<string, unknown>).id, PROJECT);
        assert.equal((t.project as Record<string, unknown>).name, "eu-de");
        const expires = Date.parse(t.expires_at as string);
        assert.ok(Math.abs(expires - (emu.control.clock().now + 60_000)) < 1_000);
        assert.equal(res.text.includes(USER.password), false);
        const ok = await withToken(token as string);
        assert.equal(ok.status, 200);
        assert.equal(emu.control.requests().at(-1)?.auth, "token");
      });

      it("refuses a wrong password with IAM's 401", async () => {
        const { res, token } = await issueToken("wrong");
        assert.equal(res.status, 401);
        assert.equal(token, null);
        assert.equal((res.json.error as Record<string, unknown>).code, 401);
      });

      it("rejects a token on another project's URL with 403 ModelArts.0210", async () => {
        const { token } = await issueToken();
        const res = await withToken(token as string, OTHER_PROJECT);
        assert.equal(res.status, 403);
        assert.equal(res.json.error_code, "ModelArts.0210");
      });

      it("rejects a token that is not project-scoped with ModelArts.0212", async () => {
        const { res, token } = await issueToken(USER.password, null);
        assert.equal(res.status, 201);
        const used = await withToken(token as string);
        assert.equal(used.status, 401);
        assert.equal(used.json.error_code, "ModelArts.0212");
      });

      it("rejects an expired token with 401 ModelArts.0202 once the clock passes its lifetime", async () => {
        const { token } = await issueToken();
        emu.control.advance(60_000);
        const res = await withToken(token as string);
        assert.equal(res.status, 401);
        assert.equal(res.json.error_code, "ModelArts.0202");
        const renewed = await issueToken();
        assert.equal((await withToken(renewed.token as string)).status, 200);
      });

      it("rejects revoked and unknown tokens with 401 ModelArts.0203", async () => {
        const { token } = await issueToken();
        assert.equal(emu.control.revokeTokens(), 1);
        const revoked = await withToken(token as string);
        assert.equal(revoked.status, 401);
        assert.equal(revoked.json.error_code, "ModelArts.0203");
        assert.equal((await withToken("made-up-token")).json.error_code, "ModelArts.0203");
      });

      it("lists the token's project at GET /v3/projects", async () => {
        const { token } = await issueToken();
        const res = await answer(await fetch(`${emu.url}/v3/projects`, { headers: { "x-auth-token": token as string } }));
        assert.equal(res.status, 200);
        const projects = res.json.projects as Array<Record<string, unknown>>;
        assert.deepEqual(
          projects.map((p) => [p.name, p.id]),
          [["eu-de", PROJECT]],
        );
      });
    });
  });

  describe("with no keys and no users (open mode)", () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await startEmulator();
    });
    after(() => emu.close());

    it("accepts any well-formed signature, whatever the secret", async () => {
      const res = await send(emu, "GET", jobsPath, sdkSign(emu, { method: "GET", path: jobsPath }, "ANYKEY", "any-secret"));
      assert.equal(res.status, 200, res.text);
      assert.equal(emu.openAuth, true);
    });

    it("still rejects a malformed Authorization and a stale date", async () => {
      const malformed = await send(emu, "GET", jobsPath, { Authorization: "SDK-HMAC-SHA256 nonsense", "X-Sdk-Date": "20240115T093000Z" });
      assert.equal(malformed.status, 401);
      assert.equal(malformed.json.error_code, "ModelArts.0206");
      const stale = await send(
        emu,
        "GET",
        jobsPath,
        sdkSign(emu, { method: "GET", path: jobsPath, headers: { "X-Sdk-Date": "20240115T093000Z" } }),
      );
      assert.equal(stale.status, 401);
    });

    it("issues tokens to anyone and accepts any non-empty token, but not a revoked one", async () => {
      const body = {
        auth: {
          identity: { methods: ["password"], password: { user: { name: "x", password: "y", domain: { name: "z" } } } },
          scope: { project: { id: PROJECT } },
        },
      };
      const issued = await fetch(`${emu.url}/v3/auth/tokens`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
      assert.equal(issued.status, 201);
      const token = issued.headers.get("x-subject-token") as string;
      const use = (t: string) => fetch(`${emu.url}${jobsPath}`, { headers: { "x-auth-token": t } }).then(answer);
      assert.equal((await use(token)).status, 200);
      assert.equal((await use("anything-at-all")).status, 200);
      emu.control.revokeTokens();
      assert.equal((await use(token)).status, 401);
    });
  });

  describe("with --project-id", () => {
    it("serves only that project", async () => {
      const emu = await startEmulator({ projectId: PROJECT });
      try {
        const other = await answer(await fetch(`${emu.url}/v1/${OTHER_PROJECT}/training-jobs`, { headers: { "x-auth-token": "t" } }));
        assert.equal(other.status, 400);
        assert.equal(other.json.error_code, "ModelArts.0210");
        const mine = await fetch(`${emu.url}${jobsPath}`, { headers: { "x-auth-token": "t" } });
        assert.equal(mine.status, 200);
      } finally {
        await emu.close();
      }
    });
  });
});
