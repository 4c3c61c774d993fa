/**
 * A hostile endpoint that echoes the credentials back, in every style servers have been seen to use
 * (HTML entities of JSTL and PHP, Go's JSON, upper-case \u escapes, percent- and form-encoding,
 * base64 of the body, NFD, cut in the middle, escaped twice): under the real Pulumi CLI, neither
 * what `pulumi up` prints nor the exported state shows any 6-character piece of the secret key or
 * of the password, in any of those styles.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TrainingJobArgs } from "pulumi-modelarts";
import { ENCODERS, ENCODER_NAMES, encodeChain } from "../shared/api/echo-encoders";
import { checkPackageBuilt, pulumiCli, withScenario, type Scenario } from "./harness";
import { jobConfig, singleJob } from "./programs";

const PIECE = 6;

/** Every echo of `secret` the hostile endpoint sends: each style alone, some twice, and cut ones. */
function echoesOf(secret: string): string[] {
  const body = JSON.stringify({ auth: { password: secret } });
  const cut = [...secret].slice(2, 2 + 2 * PIECE).join("");
  return [
    ...ENCODER_NAMES.map((name) => ENCODERS[name]!(secret)),
    ...["base64", "base64url", "htmlJstl", "goJson", "percentLower"].map((name) => ENCODERS[name]!(body)),
    encodeChain(secret, ["json", "htmlJstl"]),
    encodeChain(secret, ["percent", "json"]),
    encodeChain(secret, ["htmlPhp", "htmlPhp"]),
    encodeChain(secret, ["nfd", "jsonAsciiUpper"]),
    cut,
    ENCODERS["htmlDecimalAll"]!(cut),
  ];
}

/** A 127.0.0.1 server that answers every request 400, its message quoting `secret` in every style. */
async function hostileEndpoint(): Promise<{ url: string; secret: string; close(): Promise<void> }> {
  const state = { secret: "" };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const message = `invalid request: ${echoesOf(state.secret).join(" | ")}`;
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error_code: "ModelArts.0101", error_msg: message, error: { code: 400, message } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get secret() {
      return state.secret;
    },
    set secret(value: string) {
      state.secret = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Every 6-character piece of `secret`, raw and in each per-character style (those keep pieces whole). */
function shownPieces(secret: string): string[] {
  const chars = [...secret];
  const pieces: string[] = [];
  for (let i = 0; i + PIECE <= chars.length; i++) pieces.push(chars.slice(i, i + PIECE).join(""));
  const styles = ENCODER_NAMES.filter((name) => !/^base64|^hex$/.test(name));
  return [...new Set(pieces.flatMap((p) => styles.map((name) => ENCODERS[name]!(p))))];
}

function assertNoPiece(what: string, texts: string[], secret: string): void {
  const pieces = shownPieces(secret);
  for (const text of texts) {
    const hit = pieces.find((p) => text.includes(p));
    assert.equal(hit, undefined, `${what} shows ${JSON.stringify(hit)}, a piece of the secret: ${text.slice(0, 400)}`);
  }
}

async function failingUp(s: Scenario): Promise<string> {
  const before = s.output.length;
  await s.up({ debug: true }).then(
    () => assert.fail("an up against the hostile endpoint should fail"),
    () => undefined,
  );
  return s.output.slice(before).join("\n");
}

describe("e2e: a hostile endpoint echoing the credentials in every style", function () {
  this.timeout(10 * 60_000);
  let hostile: Awaited<ReturnType<typeof hostileEndpoint>>;

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
    hostile = await hostileEndpoint();
  });
  after(async () => {
    await hostile.close();
  });

  it("pulumi up's output and the exported state show no 6-character piece of the secret key or of the password", async () => {
    const args: TrainingJobArgs = { jobName: "hostile", waitFor: "completed", config: jobConfig() };
    await withScenario({ program: singleJob("hostile", () => ({ args })), config: { "modelarts:endpoint": hostile.url } }, async (s) => {
      // AK/SK: the service never receives the secret key, but a hostile one may know it.
      hostile.secret = s.secrets.secretKey;
      const akskOutput = await failingUp(s);
      assert.match(akskOutput, /ModelArts\.0101/, "the hostile answer reached the CLI");
      assert.match(akskOutput, /\*\*\*/, "its echoes were masked");
      assertNoPiece("the AK/SK up's output", s.output, s.secrets.secretKey);

      // Password authentication against a hostile IAM: the token request carries the password.
      const password = `p\u00e4ss<w>&'"rd-${randomBytes(6).toString("hex")}-\u00e9t\u00e9`;
      await s.stack.removeAllConfig(["modelarts:accessKey", "modelarts:secretKey"]);
      await s.stack.setAllConfig({
        "modelarts:iamEndpoint": { value: hostile.url },
        "modelarts:username": { value: "alice" },
        "modelarts:domainName": { value: "acme" },
        "modelarts:projectName": { value: "eu-de" },
        "modelarts:password": { value: password, secret: true },
      });
      hostile.secret = password;
      const passwordOutput = await failingUp(s);
      assert.match(passwordOutput, /ModelArts\.0101/, "the hostile IAM answer reached the CLI");
      assert.match(passwordOutput, /\*\*\*/, "its echoes were masked");
      assertNoPiece("the password up's output", s.output, password);

      const exported = await s.exportText();
      assertNoPiece("the exported state", [exported], password);
      assertNoPiece("the exported state", [exported], s.secrets.secretKey);
    });
  });
});
