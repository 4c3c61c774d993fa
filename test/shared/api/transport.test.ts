import { strict as assert } from "node:assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ModelArtsClient } from "../../../provider/v1/api/client";
import { resolveClientConfig } from "../../../provider/shared/api/config";
import { ModelArtsApiError, ModelArtsTimeoutError } from "../../../provider/shared/api/errors";
import { verifySignature } from "../../../provider/shared/api/signer";
import { deadlineIn, REAL_CLOCK } from "../../../provider/shared/api/retry";
import { PaceRegistry } from "../../../provider/shared/api/pace";
import { buildQueryString, packageVersion } from "../../../provider/shared/api/transport";

// A bare HTTP server that records what arrives, so the bytes on the wire can be checked exactly.
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const PROJECT = "0123456789abcdef0123456789abcdef";
const AK = "AKWIRE00000000000001";
const SK = "SK-wire-test-secret-0000000000000001";

describe("HTTP transport (on a bare server)", () => {
  let server: http.Server;
  let url: string;
  const seen: Seen[] = [];
  let answer: (req: Seen, res: http.ServerResponse) => void = (_req, res) => res.end('{"is_success":true,"jobs":[],"job_total_count":0}');

  before(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (body += c));
      req.on("end", () => {
        const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
        seen.push(s);
        answer(s, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    seen.length = 0;
    answer = (_req, res) => res.end('{"is_success":true,"jobs":[],"job_total_count":0}');
  });

  const client = () =>
    new ModelArtsClient(resolveClientConfig({ endpoint: url, projectId: PROJECT, accessKey: AK, secretKey: SK }, {}), {
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      // Each test's client paces alone: these tests time single attempts, not the account's pace.
      paces: new PaceRegistry(REAL_CLOCK),
    });

  it("sends the query string it signed and a signature the server can verify", async () => {
    await client().listJobs({ searchContent: "démo job/+&=", perPage: 5, sortBy: "create_time" });
    const req = seen[0]!;
    assert.equal(req.url, `/v1/${PROJECT}/training-jobs?per_page=5&search_content=d%C3%A9mo%20job%2F%2B%26%3D&sortBy=create_time`);
    const verdict = verifySignature(
      { method: req.method, rawUrl: req.url, headers: req.headers, body: req.body },
      (ak) => (ak === AK ? SK : undefined),
      {
        now: new Date(),
        maxSkewMs: 60_000,
      },
    );
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  });

  it("signs the exact body bytes it sends, with content-type and x-project-id signed", async () => {
    answer = (_req, res) =>
      res.end('{"is_success":true,"job_id":1,"job_name":"ü","status":1,"create_time":1,"version_id":2,"version_name":"V0001"}');
    await client().createJob({ jobName: "ü", jobDesc: "naïve ✓", config: { workerServerNum: 1, specId: 1 } });
    const req = seen[0]!;
    assert.equal(req.body, '{"job_name":"ü","job_desc":"naïve ✓","config":{"worker_server_num":1,"spec_id":1}}');
    assert.equal(req.headers["content-type"], "application/json");
    assert.equal(req.headers["x-project-id"], PROJECT);
    assert.match(String(req.headers["authorization"]), /SignedHeaders=content-type;host;x-project-id;x-sdk-date,/);
    const verdict = verifySignature({ method: req.method, rawUrl: req.url, headers: req.headers, body: req.body }, () => SK, {
      now: new Date(),
      maxSkewMs: 60_000,
    });
    assert.equal(verdict.ok, true);
  });

  it("re-signs every attempt with a fresh X-Sdk-Date", async () => {
    let n = 0;
    answer = (_req, res) => {
      n++;
      if (n === 1) {
        res.statusCode = 503;
        res.end("{}");
      } else res.end('{"is_success":true,"jobs":[],"job_total_count":0}');
    };
    let now = Date.parse("2030-01-01T00:00:00Z");
    const c = new ModelArtsClient(resolveClientConfig({ endpoint: url, projectId: PROJECT, accessKey: AK, secretKey: SK }, {}), {
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      clock: { now: () => (now += 2000) },
    });
    await c.listJobs();
    assert.equal(seen.length, 2);
    assert.notEqual(seen[0]!.headers["x-sdk-date"], seen[1]!.headers["x-sdk-date"]);
    assert.notEqual(seen[0]!.headers["authorization"], seen[1]!.headers["authorization"]);
  });

  it("names the package and its version in User-Agent and always sends Content-Type", async () => {
    await client().deleteJob("10");
    const pkg = JSON.parse(readFileSync(join(__dirname, "../../../package.json"), "utf8")) as { version: string };
    assert.equal(packageVersion(), pkg.version);
    assert.equal(seen[0]!.headers["user-agent"], `pulumi-modelarts/${pkg.version} node/${process.version}`);
    assert.equal(seen[0]!.headers["content-type"], "application/json");
    assert.equal(seen[0]!.method, "DELETE");
  });

  it("does not follow redirects and reports them as failures", async () => {
    answer = (_req, res) => {
      res.statusCode = 302;
      res.setHeader("location", "https://elsewhere.example/");
      res.end();
    };
    const error = await client()
      .listJobs()
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error));
    assert.equal(error.httpStatus, 302);
    assert.equal(seen.length, 1);
  });

  it("reports a gateway error page that is not JSON with its text", async () => {
    answer = (_req, res) => {
      res.statusCode = 403;
      res.setHeader("x-request-id", "gw-123");
      res.end("<html><body>Forbidden by gateway</body></html>");
    };
    const error = await client()
      .listJobs()
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error));
    assert.equal(error.name, "AuthenticationError");
    assert.equal(error.requestId, "gw-123");
    assert.match(error.message, /Forbidden by gateway/);
  });

  it("treats a 2xx answer without is_success as a failure", async () => {
    answer = (_req, res) => res.end('{"jobs":[]}');
    const error = await client()
      .listJobs()
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error));
    assert.equal(error.httpStatus, 200);
    assert.match(error.message, /the service reported a failure \(is_success is not true\)/);
  });

  it("treats an HTTP 299 as a failure: only the documented 200 to 204 are success", async () => {
    answer = (_req, res) => {
      res.statusCode = 299;
      res.end('{"is_success":true,"jobs":[],"job_total_count":0}');
    };
    const error = await client()
      .listJobs()
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error), String(error));
    assert.equal(error.httpStatus, 299);
    answer = (_req, res) => {
      res.statusCode = 201;
      res.end('{"is_success":true}');
    };
    await client().deleteJob("10");
  });

  it("refuses a job id that is not a positive integer", async () => {
    for (const id of ["-5", "0", "1.5"]) {
      answer = (_req, res) =>
        res.end(`{"is_success":true,"job_id":${id},"job_name":"x","status":1,"create_time":1,"version_id":2,"version_name":"V0001"}`);
      const error = await client()
        .createJob({ jobName: "x", config: { workerServerNum: 1, specId: 1 } })
        .catch((e: unknown) => e);
      assert.ok(ModelArtsApiError.isInstance(error), `job_id ${id}: ${String(error)}`);
      assert.match(error.message, new RegExp(`unexpected answer .*no valid job_id \\(got ${id.replace(".", "\\.")}\\)`));
    }
  });

  it("fails clearly when nothing listens at the endpoint", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const c = new ModelArtsClient(
      resolveClientConfig({ endpoint: `http://127.0.0.1:${port}`, projectId: PROJECT, accessKey: AK, secretKey: SK }, {}),
      {
        retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 },
      },
    );
    const error = await c.listJobs().catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error));
    assert.match(error.message, /could not connect to http:\/\/127\.0\.0\.1:\d+ \(connection refused\) \(2 attempts/);
  });

  it("sends nothing once the step's deadline has passed", async () => {
    const error = await client()
      .listJobs({}, { deadline: { remainingMs: () => 0 } })
      .catch((e: unknown) => e);
    assert.ok(ModelArtsTimeoutError.isInstance(error), String(error));
    assert.match(error.message, /list training jobs was not sent: the step's time ran out before it/);
    assert.equal(seen.length, 0);
  });

  it("cuts an idempotent attempt short at the step's deadline", async () => {
    answer = () => undefined; // never answers
    const error = await client()
      .listJobs({}, { deadline: deadlineIn(150, Date.now) })
      .catch((e: unknown) => e);
    assert.ok(ModelArtsTimeoutError.isInstance(error), String(error));
    assert.match(error.message, /no answer from http:\/\/127\.0\.0\.1:\d+ within 1[0-5]\d ms per attempt \(1 attempt,/);
    assert.equal(seen.length, 1);
  });

  it("ends obtaining an IAM token at the step's deadline when IAM never answers", async () => {
    answer = () => undefined; // IAM never answers
    const c = new ModelArtsClient(
      resolveClientConfig(
        {
          endpoint: url,
          iamEndpoint: url,
          projectId: PROJECT,
          username: "u",
          password: "pw-deadline-0001",
          domainName: "d",
          projectName: "eu-de",
        },
        {},
      ),
    );
    const error = await c.listJobs({}, { deadline: deadlineIn(200, Date.now) }).catch((e: unknown) => e);
    assert.ok(ModelArtsTimeoutError.isInstance(error), String(error));
    assert.match(error.message, /list training jobs could not authenticate before the step's time ran out \(no token within \d+ ms\)/);
    assert.deepEqual(
      seen.map((r) => r.url),
      ["/v3/auth/tokens"],
      "the token request only, no list request",
    );
  });

  it("builds query strings sorted and encoded like the canonical query", () => {
    assert.equal(buildQueryString({ b: "2", a: ["y", "x"], c: undefined, é: "ü" }), "a=y&a=x&b=2&%C3%A9=%C3%BC");
  });
});
