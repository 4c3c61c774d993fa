import { PaceRegistry } from "../../../provider/shared/api/pace";
import { REAL_CLOCK } from "../../../provider/shared/api/retry";
import { strict as assert } from "node:assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import fc from "fast-check";
import { ModelArtsClient } from "../../../provider/v1/api/client";
import { resolveClientConfig } from "../../../provider/shared/api/config";
import { ModelArtsError } from "../../../provider/shared/api/errors";
import { Redactor } from "../../../provider/shared/api/redactor";
import { PROJECT } from "./helpers";

/** How the echo server returns what it received; every one is something a real server has done. */
const ECHOES = {
  /** The request body as plain text (so a password is JSON-escaped inside it). */
  raw: (text: string) => ({ type: "text/plain", body: `bad request: ${text}` }),
  /** The body inside an IAM-style JSON error (escaped again on the wire, once after parsing). */
  json: (text: string) => ({ type: "application/json", body: JSON.stringify({ error: { code: 400, message: `invalid: ${text}` } }) }),
  /** The body as a JSON string inside a JSON message (escaped twice after parsing). */
  jsonInJson: (text: string) => ({ type: "application/json", body: JSON.stringify({ error_msg: JSON.stringify(text) }) }),
  /** ASCII-only JSON, as Python's json.dumps writes it (every non-ASCII unit as \uXXXX). */
  jsonAscii: (text: string) => ({
    type: "text/plain",
    body: `bad request: ${text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}`,
  }),
  /** Percent-encoded, as a gateway that logs the request into a URL would. */
  url: (text: string) => ({ type: "text/plain", body: `rejected: /login?request=${encodeURIComponent(text)}` }),
  /** Form-encoded (`+` for spaces). */
  form: (text: string) => ({ type: "text/plain", body: `rejected: ${new URLSearchParams({ request: text }).toString()}` }),
  /** HTML-escaped inside an error page. */
  html: (text: string) => ({ type: "text/html", body: `<html><body><h1>400</h1><pre>${escapeHtml(text)}</pre></body></html>` }),
} as const;
type Echo = keyof typeof ECHOES;

/** The IAM request's user, password first (so that it is within the part of the echo a message shows). */
function offendingPart(body: string): string {
  const user = (JSON.parse(body) as { auth: { identity: { password: { user: { name: string; password: string } } } } }).auth.identity
    .password.user;
  return JSON.stringify({ password: user.password, name: user.name });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The forms of a secret that must never be shown. */
function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(json),
    escapeHtml(secret),
    escapeHtml(json),
  ];
}

/** Characters that break naive masking, mixed with any code point. */
const tricky = fc.constantFrom(
  '"',
  "\\",
  "'",
  "<",
  ">",
  "&",
  "%",
  "+",
  " ",
  "\n",
  "\t",
  "/",
  "=",
  ",",
  "}",
  ":",
  "\u0000",
  "\u00e9",
  "\u{1F600}",
);
// The configuration trims settings (surrounding whitespace is not part of a password there), and
// values under 4 characters are not masked (they would mask ordinary words). A secret needs one
// character that ordinary message text lacks, so that finding it in a message proves a leak.
const secretArb = fc
  .string({ unit: fc.oneof(tricky, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), minLength: 4, maxLength: 40 })
  .filter((s) => s.trim() === s && [...s].length >= 4 && /[^\x20-\x7e]|["\\<>&%+']/.test(s));

function renderings(error: unknown, lines: string[]): string[] {
  const e = error as Error;
  return [String(error), e.stack ?? "", inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), ...lines];
}

describe("secret redaction against a server that echoes requests", function () {
  this.timeout(120_000);
  let server: http.Server;
  let url: string;
  let echo: Echo = "raw";

  before(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (body += c));
      req.on("end", () => {
        // What a careless server reflects: the offending part of the body first, or the headers.
        const text =
          body !== "" ? offendingPart(body) : JSON.stringify({ "x-auth-token": req.headers["x-auth-token"], host: req.headers.host });
        const { type, body: answer } = ECHOES[echo](text);
        res.writeHead(400, { "content-type": type });
        res.end(answer);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  async function failure(client: ModelArtsClient): Promise<unknown> {
    return client.listJobs().then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e,
    );
  }

  /** The echo reached the message and was masked there, and no form of the secret shows anywhere. */
  function assertHidden(secret: string, error: unknown, lines: string[], where: string): void {
    assert.ok(ModelArtsError.isInstance(error), `${where}: expected a ModelArtsError, got ${String(error)}`);
    assert.match(error.message, /\*\*\*/, `${where}: the echo was not masked in ${error.message}`);
    for (const text of renderings(error, lines)) {
      for (const form of forms(secret)) {
        assert.ok(!text.includes(form), `${where}: ${JSON.stringify(form)} leaked into ${JSON.stringify(text)}`);
      }
    }
  }

  it("never shows an IAM password, whatever its characters, in any echo of the token request", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (password) => {
        for (const mode of Object.keys(ECHOES) as Echo[]) {
          echo = mode;
          const lines: string[] = [];
          const client = new ModelArtsClient(
            resolveClientConfig(
              {
                endpoint: url,
                iamEndpoint: url,
                projectId: PROJECT,
                username: "alice",
                password,
                domainName: "acme",
                projectName: "eu-de",
                maxAttempts: 1,
              },
              {},
            ),
            // A pace of its own: these hundreds of calls of one user test redaction, not the account's pace.
            { logger: (l) => lines.push(l), paces: new PaceRegistry(REAL_CLOCK) },
          );
          const error = await failure(client);
          assert.match(String(error), /HTTP 400/);
          assertHidden(password, error, lines, `${mode} echo of ${JSON.stringify(password)}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("never shows a token, whatever its printable characters, in any echo of the request headers", async () => {
    const tokenArb = fc
      .string({
        unit: fc.oneof(
          fc.constantFrom('"', "\\", "'", "<", "&", "%", "+", " "),
          fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
        ),
        minLength: 8,
        maxLength: 40,
      })
      .filter((t) => t.trim() === t && /["\\<>&%+']/.test(t));
    await fc.assert(
      fc.asyncProperty(tokenArb, async (token) => {
        for (const mode of Object.keys(ECHOES) as Echo[]) {
          echo = mode;
          const lines: string[] = [];
          const client = new ModelArtsClient(resolveClientConfig({ endpoint: url, projectId: PROJECT, token, maxAttempts: 1 }, {}), {
            logger: (l) => lines.push(l),
          });
          const error = await failure(client);
          assertHidden(token, error, lines, `${mode} echo of ${JSON.stringify(token)}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  // The two below use a redactor of their own: the process's one holds the random secrets above,
  // any piece of which may be masked in their texts too.
  it("masks a password's echo whole, not up to its first quote or backslash", () => {
    const password = 'probe"\\secret-0001';
    const redactor = new Redactor();
    redactor.register(password);
    const body = JSON.stringify({ password });
    assert.equal(redactor.redact(`echo: ${body}`), 'echo: {"password":"***"}');
    assert.equal(redactor.redact(`<pre>${escapeHtml(body)}</pre>`), "<pre>{&quot;password&quot;:&quot;***&quot;}</pre>");
    assert.equal(
      redactor.redact(`q=${encodeURIComponent(body)}`),
      `q=${encodeURIComponent('{"password":"')}***${encodeURIComponent('"}')}`,
    );
  });

  it("masks in linear time, even a secret of backslashes in a long run of backslashes (six of which are a piece of it)", () => {
    const secret = `${"\\".repeat(16)}x`;
    const redactor = new Redactor();
    redactor.register(secret);
    const text = `${"\\".repeat(20_000)}y ${JSON.stringify(secret)}`;
    assert.equal(redactor.redact(text), '***y "***"');
  });
});
