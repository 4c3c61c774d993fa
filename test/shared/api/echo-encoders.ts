/**
 * How servers have been seen to echo a text back, each written here independently of the package's
 * decoders (a test that shared their code could not catch their mistakes). Used by the redaction
 * property tests and by the hostile endpoint of the end-to-end test.
 */

export type Encoder = (text: string) => string;

const utf8 = (text: string): number[] => [...Buffer.from(text, "utf8")];
const hex2 = (n: number, upper = true): string => {
  const h = n.toString(16).padStart(2, "0");
  return upper ? h.toUpperCase() : h;
};
const unitEscape = (upper: boolean) => (c: string) =>
  [...Array(c.length).keys()]
    .map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")[upper ? "toUpperCase" : "toLowerCase"]()}`)
    .join("");

/** Each character outside printable ASCII through `escape`; the rest as is. */
function nonAscii(text: string, escape: (c: string) => string): string {
  return [...text].map((c) => (/^[\x20-\x7e]$/.test(c) ? c : escape(c))).join("");
}

/** A string literal's own escapes: the backslash and the double quote. */
function cEscape(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`);
}

function htmlWith(quote: string, apos: string): Encoder {
  return (text) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': quote, "'": apos })[c]!);
}

/** A few named entities beyond the five (HTML 4 Latin-1 letters). */
const NAMED: Record<string, string> = {
  "\u00e9": "&eacute;",
  "\u00c9": "&Eacute;",
  "\u00fc": "&uuml;",
  "\u00df": "&szlig;",
  "\u00a0": "&nbsp;",
};

export const ENCODERS: Readonly<Record<string, Encoder>> = {
  raw: (t) => t,
  /** JSON as JavaScript writes it. */
  json: (t) => JSON.stringify(t).slice(1, -1),
  /** Go's encoding/json: `<`, `>`, `&`, U+2028 and U+2029 as \u escapes. */
  goJson: (t) =>
    JSON.stringify(t)
      .slice(1, -1)
      .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  /** ASCII-only JSON, lower-case hex (Python's json.dumps). */
  jsonAscii: (t) => nonAscii(JSON.stringify(t).slice(1, -1), unitEscape(false)),
  /** ASCII-only JSON, upper-case hex (Jackson's ESCAPE_NON_ASCII, `\u00E9`). */
  jsonAsciiUpper: (t) => nonAscii(JSON.stringify(t).slice(1, -1), unitEscape(true)),
  /** Every character as \uXXXX. */
  unicodeAll: (t) => [...t].map(unitEscape(false)).join(""),
  /** JavaScript's \u{…} for anything outside ASCII. */
  unicodeBraces: (t) => nonAscii(cEscape(t), (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`),
  /** Python's ascii(): \xHH, \uHHHH, \UHHHHHHHH. */
  pythonAscii: (t) =>
    nonAscii(t.replace(/\\/g, "\\\\").replace(/'/g, "\\'"), (c) => {
      const cp = c.codePointAt(0)!;
      return cp < 0x100
        ? `\\x${hex2(cp, false)}`
        : cp < 0x10000
          ? `\\u${cp.toString(16).padStart(4, "0")}`
          : `\\U${cp.toString(16).padStart(8, "0")}`;
    }),
  /** Each UTF-8 byte outside printable ASCII as \xHH (a bytes repr, C). */
  bytesHex: (t) =>
    nonAscii(cEscape(t), (c) =>
      utf8(c)
        .map((b) => `\\x${hex2(b)}`)
        .join(""),
    ),
  /** Every UTF-8 byte as \xHH. */
  bytesHexAll: (t) =>
    utf8(t)
      .map((b) => `\\x${hex2(b, false)}`)
      .join(""),
  /** Each UTF-8 byte outside printable ASCII as octal \NNN (C, Go's %q of bytes). */
  bytesOctal: (t) =>
    nonAscii(cEscape(t), (c) =>
      utf8(c)
        .map((b) => `\\${b.toString(8).padStart(3, "0")}`)
        .join(""),
    ),
  percent: (t) => encodeURIComponent(t),
  percentLower: (t) => encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
  /** Every byte percent-encoded. */
  percentAll: (t) =>
    utf8(t)
      .map((b) => `%${hex2(b)}`)
      .join(""),
  /** Form encoding, `+` for a space. */
  form: (t) => new URLSearchParams({ x: t }).toString().slice(2),
  /** JavaScript's legacy escape(): %XX and %uXXXX. */
  jsEscape: (t) =>
    [...t]
      .map((c) =>
        [...Array(c.length).keys()]
          .map((i) => {
            const u = c.charCodeAt(i);
            return /[A-Za-z0-9@*_+\-./]/.test(String.fromCharCode(u))
              ? String.fromCharCode(u)
              : u < 0x100
                ? `%${hex2(u)}`
                : `%u${u.toString(16).toUpperCase().padStart(4, "0")}`;
          })
          .join(""),
      )
      .join(""),
  /** JSTL's c:out and Java's escapeXml: `&#034;` `&#039;`. */
  htmlJstl: htmlWith("&#034;", "&#039;"),
  /** PHP's htmlspecialchars with ENT_QUOTES. */
  htmlPhp: htmlWith("&quot;", "&#039;"),
  htmlHexQuote: htmlWith("&#x22;", "&#x27;"),
  htmlApos: htmlWith("&quot;", "&apos;"),
  /** Every character as a decimal entity. */
  htmlDecimalAll: (t) => [...t].map((c) => `&#${c.codePointAt(0)};`).join(""),
  /** Every character as a hex entity with leading zeros, upper-case X. */
  htmlHexAll: (t) => [...t].map((c) => `&#X${c.codePointAt(0)!.toString(16).padStart(6, "0")};`).join(""),
  /** The five, and named entities for Latin-1 letters. */
  htmlNamed: (t) => htmlWith("&quot;", "&apos;")(t).replace(/[\u00e9\u00c9\u00fc\u00df\u00a0]/g, (c) => NAMED[c]!),
  nfc: (t) => t.normalize("NFC"),
  nfd: (t) => t.normalize("NFD"),
  nfkc: (t) => t.normalize("NFKC"),
  nfkd: (t) => t.normalize("NFKD"),
  base64: (t) => Buffer.from(t, "utf8").toString("base64"),
  base64url: (t) => Buffer.from(t, "utf8").toString("base64url"),
  /** base64 of the text one byte into a quantum (the secret inside a larger body). */
  base64Shift1: (t) => Buffer.from(`{${t}`, "utf8").toString("base64"),
  base64Shift2: (t) => Buffer.from(`{"${t}`, "utf8").toString("base64"),
  hex: (t) => Buffer.from(t, "utf8").toString("hex"),
};

export const ENCODER_NAMES = Object.keys(ENCODERS);

/** The echo of `text` through `names`, first to last. */
export function encodeChain(text: string, names: readonly string[]): string {
  return names.reduce((acc, name) => ENCODERS[name]!(acc), text);
}
