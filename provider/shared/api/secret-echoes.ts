/**
 * The forms in which a server may echo a secret: raw, JSON-escaped (as JavaScript, ASCII-only as
 * Python writes it, with `\/`), percent-encoded (either hex case, `+` for a space, every reserved
 * character or only some) and HTML-escaped (named, decimal or hex entities), and any two of these
 * applied one over the other (an HTML page showing a JSON body, a JSON message quoting an encoded
 * URL), plus JSON escaped three times. Redaction replaces each form as a literal string: no pattern
 * to backtrack over, whatever the secret's characters.
 */

type Encoding = (text: string) => string;

function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** As Python's `json.dumps` (ensure_ascii) or Jackson's ESCAPE_NON_ASCII: every non-ASCII unit as \uXXXX. */
function jsonEscapeAscii(text: string): string {
  return jsonEscape(text).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function jsonEscapeSlash(text: string): string {
  return jsonEscape(text).replace(/\//g, "\\/");
}

/** Every byte outside the unreserved set, as the signer's encoder writes it (also `!'()*`). */
function percentAll(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function lowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
}

function formEncode(text: string): string {
  return new URLSearchParams({ x: text }).toString().slice(2);
}

const HTML_SETS: ReadonlyArray<Readonly<Record<string, string>>> = [
  { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" },
  { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" },
  { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" },
  { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" },
];

function htmlEscaper(set: Readonly<Record<string, string>>): Encoding {
  return (text) => text.replace(/[&<>"']/g, (c) => set[c]!);
}

const ENCODINGS: readonly Encoding[] = [
  jsonEscape,
  jsonEscapeAscii,
  jsonEscapeSlash,
  encodeURIComponent,
  (t) => lowerHex(encodeURIComponent(t)),
  percentAll,
  formEncode,
  ...HTML_SETS.map(htmlEscaper),
];

/** Every distinct echo of `secret` (the secret itself first); see the module comment. */
export function echoesOf(secret: string): string[] {
  const forms = new Set<string>([secret]);
  for (const first of ENCODINGS) {
    let once: string;
    try {
      once = first(secret);
    } catch {
      continue; // a lone surrogate cannot be percent-encoded: such a secret is never sent that way
    }
    forms.add(once);
    for (const second of ENCODINGS) {
      try {
        forms.add(second(once));
      } catch {
        // as above
      }
    }
  }
  forms.add(jsonEscape(jsonEscape(jsonEscape(secret))));
  return [...forms];
}
