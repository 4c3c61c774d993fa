import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import { describeConfig, parseDuration, parseProfiles, profileSettings, resolveClientConfig } from "../../../provider/shared/api/config";
import { ConfigurationError, redact } from "../../../provider/shared/api/errors";

const PROJECT = "0123456789abcdef0123456789abcdef";

function configError(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigurationError, `expected a ConfigurationError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

describe("client configuration", () => {
  it("resolves AK/SK from stack settings with the region's endpoint and the defaults", () => {
    const c = resolveClientConfig({ region: "eu-de", projectId: PROJECT, accessKey: "AK1", secretKey: "SK-c0nfig-0001" }, {});
    assert.equal(c.endpoint, "https://modelarts.eu-de.otc.t-systems.com");
    assert.equal(c.cloud, "otc");
    assert.deepEqual(c.auth, { kind: "aksk", accessKey: "AK1", secretKey: "SK-c0nfig-0001" });
    assert.equal(c.requestTimeoutMs, 30_000);
    assert.equal(c.retry.maxElapsedMs, 120_000);
    assert.deepEqual(c.sources, { accessKey: "stack", secretKey: "stack", projectId: "stack", region: "stack" });
  });

  it("falls back to HW_* variables, then OS_* ones, and lets stack settings win", () => {
    const env = {
      HW_REGION_NAME: "cn-north-4",
      OS_REGION_NAME: "eu-de",
      OS_PROJECT_ID: PROJECT,
      OS_ACCESS_KEY: "AKOS",
      OS_SECRET_KEY: "SK-os-00001",
    };
    const fromEnv = resolveClientConfig({}, env);
    assert.equal(fromEnv.region, "cn-north-4");
    assert.equal(fromEnv.sources.region, "HW_REGION_NAME");
    assert.equal(fromEnv.sources.projectId, "OS_PROJECT_ID");
    assert.deepEqual(fromEnv.auth, { kind: "aksk", accessKey: "AKOS", secretKey: "SK-os-00001" });
    const stackWins = resolveClientConfig({ region: "eu-nl" }, env);
    assert.equal(stackWins.region, "eu-nl");
  });

  it("takes credentials as a set from the first source that has any", () => {
    const env = { HW_ACCESS_KEY: "AKHW", HW_SECRET_KEY: "SK-hw-00001", OS_AUTH_TOKEN: "token-from-os-0001" };
    const c = resolveClientConfig({ region: "eu-de", projectId: PROJECT, token: "token-from-stack" }, env);
    assert.deepEqual(c.auth, { kind: "token", token: "token-from-stack" });
    const hw = resolveClientConfig({ region: "eu-de", projectId: PROJECT }, env);
    assert.equal(hw.auth.kind, "aksk");
  });

  it("reads temporary AK/SK credentials with their security token", () => {
    const c = resolveClientConfig(
      {},
      {
        HW_REGION_NAME: "eu-de",
        HW_PROJECT_ID: PROJECT,
        HW_ACCESS_KEY: "AK",
        HW_SECRET_KEY: "SK-temp-0001",
        HW_SECURITY_TOKEN: "sec-token-0001",
      },
    );
    assert.deepEqual(c.auth, { kind: "aksk", accessKey: "AK", secretKey: "SK-temp-0001", securityToken: "sec-token-0001" });
  });

  it("resolves IAM password authentication, scoping the token to the region by default", () => {
    const c = resolveClientConfig(
      {},
      {
        OS_REGION_NAME: "eu-de",
        OS_PROJECT_ID: PROJECT,
        OS_USERNAME: "alice",
        OS_PASSWORD: "pw-0001",
        OS_USER_DOMAIN_NAME: "acme",
        OS_AUTH_URL: "https://iam.eu-de.otc.t-systems.com/v3",
      },
    );
    assert.deepEqual(c.auth, { kind: "password", username: "alice", password: "pw-0001", domainName: "acme", projectName: "eu-de" });
    assert.equal(c.iamEndpoint, "https://iam.eu-de.otc.t-systems.com/v3");
  });

  it("names the stack key and the variables when the secret key is missing", () => {
    configError(
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT, accessKey: "AK" }, {}),
      /an access key is set/,
      /modelarts:secretKey \(or HW_SECRET_KEY \/ OS_SECRET_KEY\)/,
    );
  });

  it("names the keys when nothing authenticates", () => {
    configError(
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT }, {}),
      /modelarts:accessKey/,
      /HW_ACCESS_KEY/,
      /OS_AUTH_TOKEN/,
      /modelarts:password/,
    );
  });

  it("refuses two complete methods from the same source", () => {
    configError(
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT, accessKey: "AK", secretKey: "SK-0001", token: "tok-0001" }, {}),
      /stack config \(modelarts:\*\) sets more than one authentication method/,
      /AK\/SK/,
      /token \(modelarts:token\)/,
    );
    configError(
      () =>
        resolveClientConfig(
          {},
          {
            OS_REGION_NAME: "eu-de",
            OS_PROJECT_ID: PROJECT,
            OS_ACCESS_KEY: "AK",
            OS_SECRET_KEY: "SK-0001",
            OS_USERNAME: "u",
            OS_PASSWORD: "pw-0002",
          },
        ),
      /environment \(OS_\*\) sets more than one authentication method/,
    );
  });

  it("requires the project id, the domain for passwords, and a region or an endpoint", () => {
    configError(
      () => resolveClientConfig({ region: "eu-de", accessKey: "AK", secretKey: "SK-0001" }, {}),
      /modelarts:projectId \(or HW_PROJECT_ID \/ OS_PROJECT_ID\)/,
    );
    configError(
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT, username: "u", password: "pw-0003" }, {}),
      /modelarts:domainName \(or HW_DOMAIN_NAME \/ OS_DOMAIN_NAME \/ OS_USER_DOMAIN_NAME\)/,
    );
    configError(
      () => resolveClientConfig({ projectId: PROJECT, accessKey: "AK", secretKey: "SK-0001" }, {}),
      /neither modelarts:region \(or HW_REGION_NAME \/ OS_REGION_NAME\) nor modelarts:endpoint \(or MODELARTS_ENDPOINT\) is set/,
    );
  });

  it("refuses plain http to a non-loopback endpoint, naming the setting", () => {
    configError(
      () =>
        resolveClientConfig(
          { projectId: PROJECT, accessKey: "AK", secretKey: "SK-0001" },
          { MODELARTS_ENDPOINT: "http://modelarts.example.com" },
        ),
      /modelarts:endpoint \(or MODELARTS_ENDPOINT\) uses plain http:\/\//,
    );
  });

  it("parses the tuning settings and rejects malformed ones", () => {
    const c = resolveClientConfig(
      {
        endpoint: "http://127.0.0.1:9",
        projectId: PROJECT,
        accessKey: "AK",
        secretKey: "SK-0001",
        requestTimeout: "1m30s",
        maxAttempts: "3",
        maxRetryDuration: "45s",
      },
      {},
    );
    assert.equal(c.requestTimeoutMs, 90_000);
    assert.equal(c.retry.maxAttempts, 3);
    assert.equal(c.retry.maxElapsedMs, 45_000);
    configError(
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT, accessKey: "AK", secretKey: "SK-0001", requestTimeout: "30" }, {}),
      /modelarts:requestTimeout .* is "30", which is not a duration/,
    );
    configError(
      () => resolveClientConfig({ region: "eu-de", projectId: PROJECT, accessKey: "AK", secretKey: "SK-0001", maxAttempts: "0" }, {}),
      /modelarts:maxAttempts .*at least 1; got "0"/,
    );
    assert.equal(parseDuration("250ms", "x"), 250);
    assert.equal(parseDuration("596h31m23s", "x"), 2_147_483_000);
  });

  it("refuses a duration that no Node.js timer can hold, naming the setting (requestTimeout, maxRetryDuration)", () => {
    const base = { region: "eu-de", projectId: PROJECT, accessKey: "AK", secretKey: "SK-0001" };
    configError(
      () => resolveClientConfig({ ...base, requestTimeout: "100000000h" }, {}),
      /modelarts:requestTimeout .*must be at most 596h31m23s \(2\^31-1 ms, about 24.8 days.*; got "100000000h"/,
    );
    configError(
      () => resolveClientConfig(base, { MODELARTS_REQUEST_TIMEOUT: "600h" }),
      /MODELARTS_REQUEST_TIMEOUT.*must be at most 596h31m23s/,
    );
    configError(
      () => resolveClientConfig({ ...base, maxRetryDuration: "25h" }, {}),
      /modelarts:maxRetryDuration .*must be at most 24h; got "25h"/,
    );
    configError(
      () => parseDuration(2 ** 31, "modelarts:requestTimeout"),
      /modelarts:requestTimeout must be at most 596h31m23s.*; got 2147483648 ms/,
    );
    assert.equal(resolveClientConfig({ ...base, maxRetryDuration: "24h" }, {}).retry.maxElapsedMs, 86_400_000);
    assert.equal(parseDuration("2h", "x"), 7_200_000);
    assert.equal(parseDuration(1500, "x"), 1500);
  });

  it("never prints its secrets, and registers them for redaction", () => {
    const c = resolveClientConfig(
      { region: "eu-de", projectId: PROJECT, accessKey: "AK", secretKey: "SK-never-printed-42" },
      { OS_PASSWORD: "os-passw0rd-never-printed" },
    );
    for (const text of [inspect(c, { depth: 10 }), JSON.stringify(c), String(c), describeConfig(c)]) {
      assert.ok(!text.includes("SK-never-printed-42"), text);
    }
    assert.equal(redact("oops SK-never-printed-42 and os-passw0rd-never-printed"), "oops *** and ***");
  });

  describe("credentials profiles (modelarts:profiles)", () => {
    const EU = { accessKey: "AKEU", secretKey: "SK-pr0file-eu-0001", projectId: PROJECT, region: "eu-de" };

    it("parses named profiles from the structured config's JSON text, values as strings", () => {
      const profiles = parseProfiles(
        JSON.stringify({ eu: EU, us: { token: "token-us-0001", projectId: PROJECT, endpoint: "https://x", maxAttempts: 3 } }),
      );
      assert.deepEqual([...profiles.keys()], ["eu", "us"]);
      assert.deepEqual(profiles.get("eu"), EU);
      assert.equal(profiles.get("us")?.maxAttempts, "3");
      assert.equal(parseProfiles(undefined).size, 0);
      assert.equal(parseProfiles("").size, 0);
    });

    it("names the key and the rule for a malformed profile, and never quotes a value", () => {
      configError(() => parseProfiles("SK-not-json-0001"), /modelarts:profiles is not structured config/);
      configError(() => parseProfiles('"SK-a-string-0001"'), /modelarts:profiles must be an object of named profiles/);
      configError(() => parseProfiles(JSON.stringify({ "e u": EU })), /profile name "e u" is not 1–64/);
      configError(() => parseProfiles(JSON.stringify({ eu: "SK-flat-0001" })), /modelarts:profiles\.eu must be an object of settings/);
      configError(
        () => parseProfiles(JSON.stringify({ eu: { ...EU, secretkey: "SK-typo-0001" } })),
        /modelarts:profiles\.eu\.secretkey is not a setting; a profile may set cloud, region/,
      );
      configError(
        () => parseProfiles(JSON.stringify({ eu: { ...EU, secretKey: ["SK-list-0001"] } })),
        /modelarts:profiles\.eu\.secretKey must be a single value/,
      );
      for (const secret of ["SK-not-json-0001", "SK-a-string-0001", "SK-flat-0001", "SK-typo-0001", "SK-list-0001"]) {
        try {
          parseProfiles(secret.startsWith("SK-not") ? secret : JSON.stringify({ eu: { ...EU, secretkey: secret } }));
        } catch (error) {
          assert.ok(!(error as Error).message.includes(secret), (error as Error).message);
        }
      }
    });

    it("registers every profile's secrets for redaction as soon as it parses them", () => {
      assert.throws(() => parseProfiles(JSON.stringify({ ok: { secretKey: "SK-redacted-early-0001" }, "bad name": {} })));
      assert.equal(redact("x SK-redacted-early-0001 y"), "x *** y");
    });

    it("resolves a profile on its own: its identity and place, plus only the top-level tuning settings", () => {
      const top = {
        region: "cn-north-4",
        projectId: "ffffffffffffffffffffffffffffffff",
        accessKey: "AKTOP",
        secretKey: "SK-top-0001",
        maxAttempts: "2",
      };
      const settings = profileSettings(top, EU);
      assert.deepEqual(settings, { ...EU, maxAttempts: "2" });
      const c = resolveClientConfig(settings, {});
      assert.deepEqual(c.auth, { kind: "aksk", accessKey: "AKEU", secretKey: "SK-pr0file-eu-0001" });
      assert.equal(c.projectId, PROJECT);
      assert.equal(c.retry.maxAttempts, 2);
      configError(
        () => resolveClientConfig(profileSettings(top, { projectId: PROJECT, region: "eu-de" }), {}),
        /no credentials are configured/,
      );
    });
  });
});
