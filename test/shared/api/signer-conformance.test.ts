import { strict as assert } from "node:assert";
import fc from "fast-check";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials";
import { HttpRequestBuilder } from "@huaweicloud/huaweicloud-sdk-core/http/IHttpRequestBuilder";
import { formatSdkDate, signRequest } from "../../../provider/shared/api/signer";

// Our signer against Huawei's official one (@huaweicloud/huaweicloud-sdk-core), on generated requests.
// The generator stays clear of the SDK traps of docs/api-v1.md §6.3 on purpose: header
// names are lower case and made of [a-z-] only (no case duplicates, no `_` vs `-` sort differences),
// no query value is undefined, and the body is handed to the SDK as an object (it hashes
// JSON.stringify(data)) and to us as exactly that text.

const PROJECT = "0123456789abcdef0123456789abcdef";
const RESERVED_HEADERS = new Set([
  "host",
  "x-sdk-date",
  "authorization",
  "content-type",
  "x-project-id",
  "x-security-token",
  "x-sdk-content-sha256",
]);

const segment = fc.stringMatching(/^[A-Za-z0-9\-_~]{1,12}$/).filter((s) => s !== "." && s !== "..");
const path = fc
  .tuple(fc.array(segment, { minLength: 0, maxLength: 5 }), fc.boolean())
  .map(([segments, trailingSlash]) => `/v1/{project_id}${segments.length ? "/" + segments.join("/") : ""}${trailingSlash ? "/" : ""}`);
const queryText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.stringMatching(/^[a-z_]{1,10}$/),
  fc.constantFrom("demo job", "a*b~c!", "", "10", "2"),
);
const query = fc.dictionary(queryText, fc.oneof(queryText, fc.array(queryText, { minLength: 1, maxLength: 4 })), { maxKeys: 6 });
const extraHeaders = fc.dictionary(
  fc.stringMatching(/^x-[a-z]{1,8}(-[a-z]{1,6})?$/).filter((n) => !RESERVED_HEADERS.has(n)),
  fc.stringMatching(/^[ -~]{0,20}$/),
  { maxKeys: 3 },
);
const body = fc.option(fc.object({ maxDepth: 2 }), { nil: undefined });
const host = fc.constantFrom(
  "modelarts.eu-de.otc.t-systems.com",
  "modelarts.cn-north-4.myhuaweicloud.com",
  "127.0.0.1:8443",
  "localhost:3000",
);
const time = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true });
const credentials = fc.record({
  accessKey: fc.stringMatching(/^[A-Z0-9]{20}$/),
  secretKey: fc.stringMatching(/^[A-Za-z0-9]{40}$/),
  securityToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{10,60}$/), { nil: undefined }),
});
const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH");

async function sdkAuthorization(input: {
  method: string;
  host: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  data: object | undefined;
  sdkDate: string;
  accessKey: string;
  secretKey: string;
  securityToken: string | undefined;
}): Promise<string> {
  const credential = new BasicCredentials().withAk(input.accessKey).withSk(input.secretKey).withProjectId(PROJECT);
  if (input.securityToken !== undefined) credential.withSecurityToken(input.securityToken);
  // As HcClient.buildRequest does: endpoint, url with {project_id}, headers, method, data, query map.
  const request = new HttpRequestBuilder()
    .withEndpoint(`https://${input.host}`)
    .withUrl(input.path)
    .withHeaders({ "content-type": "application/json", "X-Sdk-Date": input.sdkDate, ...input.headers })
    .withMethod(input.method)
    .withPathParams({})
    .withData(input.data)
    .withQueryParams(input.query)
    .build();
  // The SDK sorts array values in place: hand it copies.
  request.queryParams = Object.fromEntries(Object.entries(input.query).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  const signed = await credential.processAuthRequest(undefined as never, request);
  const authorization = (signed.headers as Record<string, string>)["Authorization"];
  assert.ok(authorization, "the SDK produced no Authorization header");
  return authorization;
}

describe("AK/SK signer conformance with the official Huawei Cloud SDK signer", () => {
  it("produces the same Authorization header as AKSKSigner on 600 generated requests", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(method, host, path, query, extraHeaders, body, time, credentials, async (m, h, p, q, extra, data, now, creds) => {
        const sdkDate = formatSdkDate(now);
        const expected = await sdkAuthorization({
          method: m,
          host: h,
          path: p,
          query: q,
          headers: extra,
          data,
          sdkDate,
          accessKey: creds.accessKey,
          secretKey: creds.secretKey,
          securityToken: creds.securityToken,
        });
        const ours = signRequest(
          {
            method: m,
            url: `https://${h}${p.replace("{project_id}", PROJECT)}`,
            query: q,
            headers: { "content-type": "application/json", "x-project-id": PROJECT, ...extra },
            body: data === undefined ? undefined : JSON.stringify(data),
            now,
          },
          creds.securityToken === undefined ? { accessKey: creds.accessKey, secretKey: creds.secretKey } : creds,
        );
        assert.equal(ours["authorization"], expected);
        checked++;
      }),
      { numRuns: 600 },
    );
    assert.equal(checked, 600);
  });

  it("signs vector A of the API notes like the SDK (a fixed anchor for the generator)", async () => {
    const query = { status: "7", per_page: "10", page: "1", sortBy: "create_time", order: "desc", search_content: "demo job" };
    const expected = await sdkAuthorization({
      method: "GET",
      host: "modelarts.eu-de.otc.t-systems.com",
      path: "/v1/{project_id}/training-jobs",
      query,
      headers: {},
      data: undefined,
      sdkDate: "20240115T093000Z",
      accessKey: "AKEXAMPLE0123456789A",
      secretKey: "SKexample0123456789abcdefghijklmnopqrstuv",
      securityToken: undefined,
    });
    assert.match(expected, /Signature=63e5e2ecbe74ca47c3ddb4e42407126e0b8616e1dfde7bf6a48f760b3ad74a56$/);
  });
});
