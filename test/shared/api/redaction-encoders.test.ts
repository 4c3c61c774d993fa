import { strict as assert } from "node:assert";
import fc from "fast-check";
import { FRAGMENT_CHARACTERS, MIN_SECRET_CHARACTERS, Redactor } from "../../../provider/shared/api/redactor";
import { ENCODER_NAMES, ENCODERS, encodeChain } from "./echo-encoders";

/** Characters that break naive masking or that the encoders treat specially, mixed with any code point. */
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
  "/",
  "=",
  "#",
  ";",
  "\u0000",
  "\u00e9",
  "e\u0301",
  "\u00c9",
  "\u00df",
  "\u00a0",
  "\ufb01",
  "\u2028",
  "\u{1F600}",
);
const unit = fc.oneof(
  tricky,
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
);
/** A text's characters as a reader counts them (a letter and its accents are one). */
function characters(text: string): string[] {
  return [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].map((s) => s.segment);
}
// Secrets as the configuration takes them: trimmed, well-formed, at least 6 characters, none of
// them a lone accent.
const secretArb = fc
  .string({ unit, minLength: FRAGMENT_CHARACTERS, maxLength: 32 })
  .filter((s) => s.trim() === s && !/\p{Cs}/u.test(s) && characters(s).length >= FRAGMENT_CHARACTERS && !/^\p{M}/u.test(s));
const chainArb = fc.array(fc.constantFrom(...ENCODER_NAMES), { minLength: 1, maxLength: 2 });

/** Pieces of `text` of `length` UTF-16 units. */
function pieces(text: string, length: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + length <= text.length; i++) out.push(text.slice(i, i + length));
  return out;
}

/**
 * The echo was masked and nothing of it, 6 units or more, is left (but what `harmless`, the same
 * message without the secret, shows too); the text before it is kept.
 */
function assertMasked(redacted: string, echo: string, what: string, harmless = ""): void {
  // A piece may begin with a space, which matches the one before the echo: only the word is sure to stay.
  assert.ok(redacted.startsWith("E400"), `${what}: the text before the echo was kept: ${JSON.stringify(redacted)}`);
  assert.match(redacted, /\*\*\*/, `${what}: nothing was masked in ${JSON.stringify(redacted)}`);
  // The mask's own stars are not part of the echo, even for a secret that holds a star.
  const shown = redacted.split("***").join("\uffff");
  const left = pieces(echo, FRAGMENT_CHARACTERS).find((p) => shown.includes(p) && !harmless.includes(p));
  assert.equal(left, undefined, `${what}: ${JSON.stringify(left)} of the echo is left in ${JSON.stringify(redacted)}`);
}

function redactorOf(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.register(s);
  return r;
}

describe("redaction of every echo style (property tests over the encoders)", function () {
  this.timeout(120_000);

  it("masks a secret echoed through any one or two encoders, and leaves no 6-unit piece of the echo", () => {
    fc.assert(
      fc.property(secretArb, chainArb, (secret, chain) => {
        const echo = encodeChain(secret, chain);
        const redacted = redactorOf(secret).redact(`E400 ${echo} end`);
        assertMasked(redacted, echo, `${chain.join("+")} of ${JSON.stringify(secret)}`);
      }),
      { numRuns: 400 },
    );
  });

  it("masks an echo cut in the middle of the secret, at either end", () => {
    fc.assert(
      fc.property(secretArb, chainArb, fc.nat(), fc.boolean(), (secret, chain, cutAt, keepHead) => {
        const chars = characters(secret);
        const keep = FRAGMENT_CHARACTERS + (cutAt % (chars.length - FRAGMENT_CHARACTERS + 1));
        const part = (keepHead ? chars.slice(0, keep) : chars.slice(chars.length - keep)).join("");
        const echo = encodeChain(part, chain);
        const redacted = redactorOf(secret).redact(`E400 ${echo} end`);
        assertMasked(redacted, echo, `${chain.join("+")} of ${JSON.stringify(part)} (cut from ${JSON.stringify(secret)})`);
      }),
      { numRuns: 300 },
    );
  });

  it("masks a secret inside an encoded request body, whatever its place in the body", () => {
    fc.assert(
      fc.property(secretArb, fc.string({ maxLength: 7 }), fc.constantFrom(...ENCODER_NAMES), (secret, before, name) => {
        const body = JSON.stringify({ auth: { before, password: secret } });
        const echo = ENCODERS[name]!(body);
        const redacted = redactorOf(secret).redact(`E400 ${echo} end`);
        assert.match(redacted, /\*\*\*/, `${name}: nothing was masked in ${redacted}`);
        const harmless = ENCODERS[name]!(JSON.stringify({ auth: { before, password: "\u2603" } }));
        assertMasked(redacted, echo, `${name} of a body with ${JSON.stringify(secret)}`, harmless);
      }),
      { numRuns: 300 },
    );
  });

  it("masks the examples of issue 18: JSTL, Go, upper-case \\u, PHP, NFD and a cut echo", () => {
    const secret = "p\u00e4ss<w>&'\"rd-\u00e9t\u00e9";
    const r = redactorOf(secret);
    const echoes = [
      "p\u00e4ss&lt;w&gt;&amp;&#039;&#034;rd-\u00e9t\u00e9",
      "p\\u00e4ss\\u003cw\\u003e\\u0026'\\\"rd-\\u00e9t\\u00e9",
      "p\\u00E4ss<w>&'\\\"rd-\\u00E9t\\u00E9",
      "p\u00e4ss&lt;w&gt;&amp;&#039;&quot;rd-\u00e9t\u00e9",
      secret.normalize("NFD"),
      "ss<w>&'\"rd-\u00e9",
    ];
    for (const echo of echoes) {
      const redacted = r.redact(`E400 ${echo} end`);
      assert.equal(redacted, "E400 *** end", `the echo ${JSON.stringify(echo)} became ${JSON.stringify(redacted)}`);
    }
  });

  it("masks a secret of 4 or 5 characters only whole, and ignores shorter ones", () => {
    const r = redactorOf("k3y!", "abc");
    assert.equal(MIN_SECRET_CHARACTERS, 4);
    assert.equal(r.redact("E400 k3y! and k3y%21 and k3y&#33; end"), "E400 *** and *** and *** end");
    assert.equal(r.redact("E400 k3y and abc end"), "E400 k3y and abc end");
  });

  it("keeps ordinary text that holds no piece of a secret", () => {
    const r = redactorOf("Zq7-unrelated-0x9F");
    const text = 'HTTP 400 while trying to create training job "demo" (request id 7c1e0a); see https://example.invalid/a%20b';
    assert.equal(r.redact(text), text);
  });
});
