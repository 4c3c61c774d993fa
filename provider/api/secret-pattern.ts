/**
 * A pattern that finds one secret however a server echoes it: raw, JSON-escaped (once or more),
 * percent-encoded (once or more, `+` for a space), HTML-escaped (named, decimal or hex entities,
 * `&amp;` nested), or any mixture of these character by character. Redaction replaces every match,
 * so a password with `"`, `\`, `<`, `%` or a newline is masked whole, never up to its first quote.
 */

/** A hex digit in either case, as a character class (`[aA]`); digits stand for themselves. */
function hexClass(digit: string): string {
  const lower = digit.toLowerCase();
  return /[a-f]/.test(lower) ? `[${lower}${lower.toUpperCase()}]` : lower;
}

function hexText(value: number, width: number): string {
  return [...value.toString(16).padStart(width, "0")].map(hexClass).join("");
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

const HTML_NAMES: Readonly<Record<string, string>> = { "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos", "\\": "bsol" };
const JSON_SHORT: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  "\n": "n",
  "\r": "r",
  "\t": "t",
  "\b": "b",
  "\f": "f",
};

/** One code point raw, percent-encoded (each UTF-8 byte, possibly again: %2522) or as an HTML entity. */
function encodings(char: string): string[] {
  const cp = char.codePointAt(0)!;
  const out = [escapeRegex(char)];
  out.push([...Buffer.from(char, "utf8")].map((b) => `%(?:25)*${hexText(b, 2)}`).join(""));
  if (char === " ") out.push("\\+");
  // Decimal, hex or named entity, with "&" itself possibly escaped again (&amp;quot;).
  const entity = [`#0*${cp}`, `#[xX]0*${[...cp.toString(16)].map(hexClass).join("")}`];
  const name = HTML_NAMES[char];
  if (name !== undefined) entity.push(name);
  out.push(`&(?:amp;)*(?:${entity.join("|")});`);
  return out;
}

/** One or more backslashes, each raw or encoded: the start of a JSON escape at any depth. */
const BACKSLASHES = `(?:${encodings("\\").join("|")})+`;

/** The alternatives that may stand for one code point in an echo. */
function alternatives(char: string): string[] {
  const out = encodings(char);
  // JSON: \uXXXX (a surrogate pair above the BMP) or a short escape, whose last character may be
  // encoded too (an HTML page showing JSON writes \&quot;).
  const units = char.length === 2 ? [char.charCodeAt(0), char.charCodeAt(1)] : [char.charCodeAt(0)];
  out.push(units.map((u) => `${BACKSLASHES}u${hexText(u, 4)}`).join(""));
  const short = JSON_SHORT[char];
  if (char === "\\") out.push(BACKSLASHES);
  else if (short !== undefined) out.push(`${BACKSLASHES}(?:${encodings(short).join("|")})`);
  return out;
}

/** The global pattern of every echo of `secret` (see the module comment). */
export function secretPattern(secret: string): RegExp {
  const parts = [...secret].map((char) => `(?:${alternatives(char).join("|")})`);
  return new RegExp(parts.join(""), "g");
}
