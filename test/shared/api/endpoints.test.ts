import { strict as assert } from "node:assert";
import { ConfigurationError } from "../../../provider/shared/api/errors";
import {
  cloudOfRegion,
  iamTokenUrl,
  isLoopbackHost,
  normaliseEndpoint,
  parseCloud,
  resolveEndpoints,
} from "../../../provider/shared/api/endpoints";

describe("endpoints", () => {
  it("derives Huawei Cloud hosts from the region", () => {
    assert.deepEqual(resolveEndpoints({ region: "cn-north-4" }), {
      endpoint: "https://modelarts.cn-north-4.myhuaweicloud.com",
      iamEndpoint: "https://iam.cn-north-4.myhuaweicloud.com",
      cloud: "huaweicloud",
    });
  });

  it("derives Open Telekom Cloud hosts for eu-de and eu-nl", () => {
    assert.deepEqual(resolveEndpoints({ region: "eu-de" }), {
      endpoint: "https://modelarts.eu-de.otc.t-systems.com",
      iamEndpoint: "https://iam.eu-de.otc.t-systems.com",
      cloud: "otc",
    });
    assert.equal(resolveEndpoints({ region: "eu-nl" }).iamEndpoint, "https://iam.eu-nl.otc.t-systems.com");
    assert.equal(cloudOfRegion("eu-de"), "otc");
    assert.equal(cloudOfRegion("ap-southeast-1"), "huaweicloud");
  });

  it("lets an explicit cloud override the region's guess", () => {
    assert.equal(
      resolveEndpoints({ region: "eu-west-101", cloud: "huaweicloud" }).endpoint,
      "https://modelarts.eu-west-101.myhuaweicloud.com",
    );
    assert.equal(parseCloud("Open Telekom Cloud", "modelarts:cloud"), "otc");
    assert.throws(() => parseCloud("aws", "modelarts:cloud"), /modelarts:cloud is "aws"; expected "huaweicloud" or "otc"/);
  });

  it("lets an explicit endpoint win over the region, and uses a loopback endpoint for IAM too (the emulator)", () => {
    assert.deepEqual(resolveEndpoints({ region: "eu-de", endpoint: "http://127.0.0.1:8080/" }), {
      endpoint: "http://127.0.0.1:8080",
      iamEndpoint: "http://127.0.0.1:8080",
      cloud: "otc",
    });
    assert.equal(
      resolveEndpoints({ region: "eu-de", endpoint: "https://10.1.2.3", iamEndpoint: "https://iam.example.internal/v3" }).iamEndpoint,
      "https://iam.example.internal/v3",
    );
    assert.equal(resolveEndpoints({ region: "eu-de", endpoint: "https://10.1.2.3" }).iamEndpoint, "https://iam.eu-de.otc.t-systems.com");
  });

  it("refuses plain http except for loopback addresses", () => {
    for (const ok of ["http://127.0.0.1:1", "http://127.5.6.7", "http://localhost:3000", "http://[::1]:9000"]) {
      assert.doesNotThrow(() => normaliseEndpoint(ok, "modelarts:endpoint"), ok);
    }
    for (const bad of ["http://10.0.0.1", "http://modelarts.eu-de.otc.t-systems.com", "http://128.0.0.1", "http://localhost.evil.com"]) {
      assert.throws(
        () => normaliseEndpoint(bad, "modelarts:endpoint"),
        (e: unknown) => e instanceof ConfigurationError && /modelarts:endpoint uses plain http:\/\/ .*use https:\/\//.test(e.message),
        bad,
      );
    }
    assert.throws(() => normaliseEndpoint("ftp://x", "modelarts:endpoint"), /must use https/);
    assert.throws(
      () => normaliseEndpoint("htpp://127.0.0.1:8080", "modelarts:endpoint"),
      /must use https:\/\/, or http:\/\/ on a loopback address .* got htpp:\/\/ \(is "htpp:" a misspelling of "https:" or "http:"\?\)/,
    );
    assert.throws(() => normaliseEndpoint("https://u:p@x", "modelarts:endpoint"), /must not carry a user name or password/);
    assert.throws(() => normaliseEndpoint("not a url", "modelarts:endpoint"), /is not a URL/);
  });

  it("recognises loopback host names", () => {
    assert.equal(isLoopbackHost("127.0.0.1"), true);
    assert.equal(isLoopbackHost("[::1]"), true);
    assert.equal(isLoopbackHost("LOCALHOST"), true);
    assert.equal(isLoopbackHost("127.0.0.1.nip.io"), false);
    assert.equal(isLoopbackHost("::2"), false);
  });

  it("builds the token URL whether or not the IAM endpoint already ends in /v3", () => {
    assert.equal(iamTokenUrl("https://iam.eu-de.otc.t-systems.com"), "https://iam.eu-de.otc.t-systems.com/v3/auth/tokens");
    assert.equal(iamTokenUrl("https://iam.eu-de.otc.t-systems.com/v3"), "https://iam.eu-de.otc.t-systems.com/v3/auth/tokens");
  });

  it("needs a region or an endpoint, and a region that looks like one", () => {
    assert.throws(() => resolveEndpoints({}), /neither region nor endpoint is set/);
    assert.throws(() => resolveEndpoints({ region: "Frankfurt" }), /not a region name/);
  });
});
