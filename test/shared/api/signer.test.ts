import { strict as assert } from "node:assert";
import {
  buildCanonicalRequest,
  canonicalQuery,
  canonicalUri,
  formatSdkDate,
  parseSdkDate,
  sha256Hex,
  signRequest,
  verifySignature,
} from "../../../provider/shared/api/signer";

// Test vectors from docs/api-v1.md §6.4, computed with Huawei's own signer.
const AK = "AKEXAMPLE0123456789A";
const SK = "SKexample0123456789abcdefghijklmnopqrstuv";
const PROJECT = "0123456789abcdef0123456789abcdef";
const HOST = "modelarts.eu-de.otc.t-systems.com";
const NOW = new Date(Date.UTC(2024, 0, 15, 9, 30, 0));
const BASE_HEADERS = { "content-type": "application/json", "X-Project-Id": PROJECT };
const SIGNED = "content-type;host;x-project-id;x-sdk-date";

describe("AK/SK signer", () => {
  it("reproduces vector A (list jobs with a query) exactly", () => {
    const query = { status: "7", per_page: "10", page: "1", sortBy: "create_time", order: "desc", search_content: "demo job" };
    const { canonicalRequest } = buildCanonicalRequest({
      method: "GET",
      path: `/v1/${PROJECT}/training-jobs`,
      query,
      headers: { ...BASE_HEADERS, host: HOST, "X-Sdk-Date": "20240115T093000Z" },
    });
    assert.equal(
      canonicalRequest,
      [
        "GET",
        `/v1/${PROJECT}/training-jobs/`,
        "order=desc&page=1&per_page=10&search_content=demo%20job&sortBy=create_time&status=7",
        "content-type:application/json",
        `host:${HOST}`,
        `x-project-id:${PROJECT}`,
        "x-sdk-date:20240115T093000Z",
        "",
        SIGNED,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      ].join("\n"),
    );
    assert.equal(sha256Hex(canonicalRequest), "22f2b380cf0daafd9171d6d57bf8b0582e6d712232bd27b2d9ce4906d2449612");
    const headers = signRequest(
      { method: "GET", url: `https://${HOST}/v1/${PROJECT}/training-jobs`, query, headers: BASE_HEADERS, now: NOW },
      { accessKey: AK, secretKey: SK },
    );
    assert.equal(
      headers["authorization"],
      `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=${SIGNED}, Signature=63e5e2ecbe74ca47c3ddb4e42407126e0b8616e1dfde7bf6a48f760b3ad74a56`,
    );
  });

  it("reproduces vector B (create a job with a JSON body)", () => {
    const body =
      '{"job_name":"demo-job","job_desc":"pulumi demo","config":{"worker_server_num":1,"app_url":"/bucket/app/","boot_file_url":"/bucket/app/train.py","data_url":"/bucket/data/","train_url":"/bucket/out/","spec_id":1,"engine_id":1}}';
    assert.equal(Buffer.byteLength(body), 225);
    const headers = signRequest(
      { method: "POST", url: `https://${HOST}/v1/${PROJECT}/training-jobs`, headers: BASE_HEADERS, body, now: NOW },
      { accessKey: AK, secretKey: SK },
    );
    assert.match(headers["authorization"]!, /Signature=936b77c3438c1fb82ab3e0e09e91241bd7959d6b782afe32357bc600bdf38156$/);
  });

  it("reproduces vector C (delete job 10)", () => {
    const headers = signRequest(
      { method: "DELETE", url: `https://${HOST}/v1/${PROJECT}/training-jobs/10`, headers: BASE_HEADERS, now: NOW },
      { accessKey: AK, secretKey: SK },
    );
    assert.match(headers["authorization"]!, /Signature=f1d2a2ba9735acb00e79cff74d09f54a0bc1637260ad8ed114b0467a805d806c$/);
  });

  it("canonicalises query maps and paths as the SDK does", () => {
    assert.equal(canonicalQuery({ Z: "1", a: "", b: ["2", "10"], c: "a*b~c!" }), "Z=1&a=&b=10&b=2&c=a%2Ab~c%21");
    assert.equal(canonicalQuery({ a: "1", gone: undefined }), "a=1");
    assert.equal(canonicalUri("/"), "/");
    assert.equal(canonicalUri("/v1/p/a%20b/"), "/v1/p/a%2520b/");
  });

  it("formats and parses the X-Sdk-Date basic form", () => {
    assert.equal(formatSdkDate(NOW), "20240115T093000Z");
    assert.equal(parseSdkDate("20240115T093000Z")?.getTime(), NOW.getTime());
    assert.equal(parseSdkDate("2024-01-15T09:30:00Z"), undefined);
  });

  it("verifies what it signed and rejects tampering, unknown keys and stale dates", () => {
    const body = '{"job_desc":"x"}';
    const headers = signRequest(
      {
        method: "PUT",
        url: "http://127.0.0.1:8080/v1/p/training-jobs/1",
        query: { q: ["b", "a"] },
        headers: { "content-type": "application/json" },
        body,
        now: NOW,
      },
      { accessKey: AK, secretKey: SK, securityToken: "temporary-token" },
    );
    const lookup = (ak: string) => (ak === AK ? SK : undefined);
    const ok = verifySignature({ method: "PUT", rawUrl: "/v1/p/training-jobs/1?q=a&q=b", headers, body }, lookup, {
      now: NOW,
      maxSkewMs: 900_000,
    });
    assert.deepEqual(ok, { ok: true, accessKey: AK, sdkDate: NOW, securityToken: "temporary-token" });
    const tampered = verifySignature(
      { method: "PUT", rawUrl: "/v1/p/training-jobs/1?q=a&q=b", headers, body: '{"job_desc":"y"}' },
      lookup,
      { now: NOW, maxSkewMs: 900_000 },
    );
    assert.equal(tampered.ok ? "ok" : tampered.reason, "signature");
    const unknown = verifySignature({ method: "PUT", rawUrl: "/v1/p/training-jobs/1?q=a&q=b", headers, body }, () => undefined, {
      now: NOW,
      maxSkewMs: 900_000,
    });
    assert.equal(unknown.ok ? "ok" : unknown.reason, "unknown-key");
    const stale = verifySignature({ method: "PUT", rawUrl: "/v1/p/training-jobs/1?q=a&q=b", headers, body }, lookup, {
      now: new Date(NOW.getTime() + 3_600_000),
      maxSkewMs: 900_000,
    });
    assert.equal(stale.ok ? "ok" : stale.reason, "date");
  });
});
