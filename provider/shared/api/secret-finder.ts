/**
 * Finds where a text shows a registered secret, whatever a server did to it on the way back: the
 * text is decoded in every order of the escape layers a server adds (backslash escapes of JSON,
 * JavaScript, Go, Python and C; percent-encoding; HTML entities), each decoded character keeping
 * the span of the original text it came from; runs that look like base64 (either alphabet) or hex
 * are decoded at every alignment and searched in turn. Each decoding is compared with the secrets
 * after folding both the same way (compatibility decomposition without combining marks, lower case,
 * `+` and every space as one space), so that NFC, NFD and NFKC forms, hex escapes of either case and
 * form-encoding all meet. A hit is any run of {@link FRAGMENT_CHARACTERS} folded characters of a
 * secret (the whole secret when it is shorter): an echo cut in the middle still shows its pieces.
 */

/** The length of a secret's pieces that are found on their own (the whole secret when shorter). */
export const FRAGMENT_CHARACTERS = 6;

/** Decoded layers are peeled at most this deep, and at most this many decodings are searched. */
const MAX_DEPTH = 4;
const MAX_VIEWS = 64;
/** base64 or hex runs are decoded and searched this many levels deep (base64 of base64). */
const MAX_BLOB_DEPTH = 2;
const MIN_BASE64_RUN = 8;
const MIN_HEX_RUN = 12;

/** A decoding of a text: characters (code points, or lone UTF-16 units), each with its original span. */
interface View {
  chars: string[];
  start: number[];
  end: number[];
}

/** The secrets to look for, as folded pieces of each width in use. */
export class SecretPieces {
  private readonly byWidth = new Map<number, Set<string>>();

  /** Adds a secret's pieces; a secret that folds to nothing adds none. */
  add(secret: string): void {
    const folded = foldView(identity(secret)).chars;
    if (folded.length === 0) return;
    const width = Math.min(FRAGMENT_CHARACTERS, folded.length);
    let set = this.byWidth.get(width);
    if (!set) this.byWidth.set(width, (set = new Set()));
    for (let i = 0; i + width <= folded.length; i++) set.add(folded.slice(i, i + width).join(""));
  }

  get empty(): boolean {
    return this.byWidth.size === 0;
  }

  /** Spans [start, end) of `text` that show a piece of a secret, merged and sorted. */
  find(text: string): Array<[number, number]> {
    if (this.empty) return [];
    const spans: Array<[number, number]> = [];
    this.search(identity(text), MAX_BLOB_DEPTH, new Map(), spans);
    return merge(spans);
  }

  private search(root: View, blobDepth: number, blobCache: Map<string, boolean>, spans: Array<[number, number]>): void {
    for (const view of decodings(root)) {
      this.match(foldView(view), spans);
      if (blobDepth > 0) for (const span of this.blobs(view, blobDepth, blobCache)) spans.push(span);
    }
  }

  private match(folded: View, spans: Array<[number, number]>): void {
    const n = folded.chars.length;
    for (const [width, set] of this.byWidth) {
      for (let i = 0; i + width <= n; i++) {
        if (!set.has(folded.chars.slice(i, i + width).join(""))) continue;
        spans.push(spanOf(folded, i, i + width));
      }
    }
  }

  /** Spans of base64 and hex runs of `view` whose decoding, at some alignment, shows a secret. */
  private blobs(view: View, blobDepth: number, cache: Map<string, boolean>): Array<[number, number]> {
    const found: Array<[number, number]> = [];
    const text = view.chars.map((c) => (c.length === 1 ? c : " ")).join("");
    const scan = (pattern: RegExp, decode: (run: string) => string[]) => {
      for (const m of text.matchAll(pattern)) {
        const run = m[0];
        const key = `${decode.name}:${run}`;
        let hit = cache.get(key);
        if (hit === undefined) {
          hit = decode(run).some((decoded) => {
            const inner: Array<[number, number]> = [];
            this.search(identity(decoded), blobDepth - 1, cache, inner);
            return inner.length > 0;
          });
          cache.set(key, hit);
        }
        if (hit) found.push(spanOf(view, m.index, m.index + run.length));
      }
    };
    scan(new RegExp(`[A-Za-z0-9+/_-]{${MIN_BASE64_RUN},}=*`, "g"), base64Decodings);
    scan(new RegExp(`[0-9A-Fa-f]{${MIN_HEX_RUN},}`, "g"), hexDecodings);
    return found;
  }
}

function identity(text: string): View {
  const chars: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let at = 0;
  for (const c of text) {
    chars.push(c);
    start.push(at);
    at += c.length;
    end.push(at);
  }
  return { chars, start, end };
}

function spanOf(view: View, from: number, to: number): [number, number] {
  let s = Infinity;
  let e = -Infinity;
  for (let i = from; i < to; i++) {
    s = Math.min(s, view.start[i]!);
    e = Math.max(e, view.end[i]!);
  }
  return [s, e];
}

function merge(spans: Array<[number, number]>): Array<[number, number]> {
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of spans) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

const foldCache = new Map<string, string[]>();

/** One character as compared: NFKD without marks, lower case, every space and `+` as a space. */
function fold(c: string): string[] {
  let out = foldCache.get(c);
  if (out === undefined) {
    const text = c.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[\s+]/gu, " ");
    out = [...text];
    if (foldCache.size < 10_000) foldCache.set(c, out);
  }
  return out;
}

/** The folded view; a character that folds to nothing (a combining mark) joins its neighbour's span. */
function foldView(view: View): View {
  const chars: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let orphan: number | undefined;
  view.chars.forEach((c, i) => {
    const folded = fold(c);
    if (folded.length === 0) {
      if (chars.length > 0) end[end.length - 1] = Math.max(end[end.length - 1]!, view.end[i]!);
      else orphan ??= view.start[i]!;
      return;
    }
    for (const f of folded) {
      chars.push(f);
      start.push(Math.min(orphan ?? Infinity, view.start[i]!));
      end.push(view.end[i]!);
      orphan = undefined;
    }
  });
  return { chars, start, end };
}

/** The text and every distinct decoding of it, shallow layers first. */
function decodings(root: View): View[] {
  const seen = new Set<string>([root.chars.join("")]);
  const views: View[] = [root];
  let layer: View[] = [root];
  for (let depth = 0; depth < MAX_DEPTH && layer.length > 0; depth++) {
    const next: View[] = [];
    for (const view of layer) {
      for (const decode of DECODERS) {
        const decoded = decode(view);
        if (!decoded) continue;
        const key = decoded.chars.join("");
        if (seen.has(key)) continue;
        seen.add(key);
        views.push(decoded);
        next.push(decoded);
        if (views.length >= MAX_VIEWS) return views;
      }
    }
    layer = next;
  }
  return views;
}

/**
 * Builds a view from pieces. Runs of bytes are read as UTF-8 (a byte that is not becomes Latin-1),
 * or all as Latin-1, as `escape()` and Python's `\xHH` write code points below 256.
 */
class ViewBuilder {
  constructor(private readonly latin1 = false) {}

  readonly out: View = { chars: [], start: [], end: [] };
  private bytes: Array<{ value: number; start: number; end: number }> = [];
  private units: Array<{ value: number; start: number; end: number }> = [];
  changed = false;

  char(c: string, start: number, end: number): void {
    this.flush();
    this.push(c, start, end);
  }
  byte(value: number, start: number, end: number): void {
    this.flushUnits();
    this.bytes.push({ value, start, end });
    this.changed = true;
  }
  /** A UTF-16 unit from an escape: a surrogate pair of two escapes becomes one character. */
  unit(value: number, start: number, end: number): void {
    this.flushBytes();
    this.units.push({ value, start, end });
    this.changed = true;
  }
  done(): View | undefined {
    this.flush();
    return this.changed ? this.out : undefined;
  }

  private push(c: string, start: number, end: number): void {
    this.out.chars.push(c);
    this.out.start.push(start);
    this.out.end.push(end);
  }
  private flush(): void {
    this.flushBytes();
    this.flushUnits();
  }
  private flushUnits(): void {
    const text = String.fromCharCode(...this.units.map((u) => u.value));
    let i = 0;
    for (const c of text) {
      const first = this.units[i]!;
      const last = this.units[i + c.length - 1]!;
      this.push(c, first.start, last.end);
      i += c.length;
    }
    this.units = [];
  }
  private flushBytes(): void {
    const b = this.bytes;
    for (let i = 0; i < b.length;) {
      const len = this.latin1 ? 0 : utf8Length(b, i);
      if (len === 0) {
        this.push(String.fromCharCode(b[i]!.value), b[i]!.start, b[i]!.end);
        i++;
        continue;
      }
      const c = Buffer.from(b.slice(i, i + len).map((x) => x.value)).toString("utf8");
      this.push(c, b[i]!.start, b[i + len - 1]!.end);
      i += len;
    }
    this.bytes = [];
  }
}

/** The length of the valid UTF-8 sequence at `i`, or 0. */
function utf8Length(b: ReadonlyArray<{ value: number }>, i: number): number {
  const lead = b[i]!.value;
  const len = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
  if (len === 0 || i + len > b.length) return 0;
  for (let k = 1; k < len; k++) if ((b[i + k]!.value & 0xc0) !== 0x80) return 0;
  return len;
}

const HEX = /^[0-9A-Fa-f]+$/;

function hexAt(chars: string[], from: number, count: number): number | undefined {
  const text = chars.slice(from, from + count).join("");
  return text.length === count && HEX.test(text) ? parseInt(text, 16) : undefined;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
  a: "\x07",
  e: "\x1b",
};

/** `\uXXXX` (either case, surrogate pairs), `\u{X…}`, `\UXXXXXXXX`, `\xHH` and `\NNN` bytes, `\n` and the like, `\c` for any other c. */
function backslashes(view: View, latin1: boolean): View | undefined {
  const { chars, start, end } = view;
  if (!chars.includes("\\")) return undefined;
  const b = new ViewBuilder(latin1);
  for (let i = 0; i < chars.length;) {
    const next = chars[i + 1];
    if (chars[i] !== "\\" || next === undefined) {
      b.char(chars[i]!, start[i]!, end[i]!);
      i++;
      continue;
    }
    const from = start[i]!;
    let used = 0;
    if (next === "u" && chars[i + 2] === "{") {
      const close = chars.indexOf("}", i + 3);
      const value = close > i + 3 && close <= i + 9 ? hexAt(chars, i + 3, close - i - 3) : undefined;
      if (value !== undefined && value <= 0x10ffff) {
        b.char(String.fromCodePoint(value), from, end[close]!);
        used = close - i + 1;
      }
    } else if (next === "u" || next === "U") {
      const value = hexAt(chars, i + 2, 4);
      const long = next === "U" ? hexAt(chars, i + 2, 8) : undefined;
      if (long !== undefined && long <= 0x10ffff) {
        b.char(String.fromCodePoint(long), from, end[i + 9]!);
        used = 10;
      } else if (value !== undefined) {
        b.unit(value, from, end[i + 5]!);
        used = 6;
      }
    } else if (next === "x" || next === "X") {
      const value = hexAt(chars, i + 2, 2);
      if (value !== undefined) {
        b.byte(value, from, end[i + 3]!);
        used = 4;
      }
    } else if (/[0-3]/.test(next) && /^[0-7]{3}$/.test(chars.slice(i + 1, i + 4).join(""))) {
      b.byte(parseInt(chars.slice(i + 1, i + 4).join(""), 8), from, end[i + 3]!);
      used = 4;
    }
    if (used === 0) {
      b.char(SIMPLE_ESCAPES[next] ?? next, from, end[i + 1]!);
      used = 2;
    }
    b.changed = true;
    i += used;
  }
  return b.done();
}

/** `%HH` (either case) as UTF-8 bytes, and `%uXXXX` as a UTF-16 unit. */
function percents(view: View, latin1: boolean): View | undefined {
  const { chars, start, end } = view;
  if (!chars.includes("%")) return undefined;
  const b = new ViewBuilder(latin1);
  for (let i = 0; i < chars.length;) {
    if (chars[i] === "%") {
      const unit = chars[i + 1] === "u" || chars[i + 1] === "U" ? hexAt(chars, i + 2, 4) : undefined;
      if (unit !== undefined) {
        b.unit(unit, start[i]!, end[i + 5]!);
        i += 6;
        continue;
      }
      const value = hexAt(chars, i + 1, 2);
      if (value !== undefined) {
        b.byte(value, start[i]!, end[i + 2]!);
        i += 3;
        continue;
      }
    }
    b.char(chars[i]!, start[i]!, end[i]!);
    i++;
  }
  return b.done();
}

/** HTML 4's Latin-1 entities, U+00A0 to U+00FF in order. */
const LATIN1_ENTITIES =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map<string, string>([
  ["quot", '"'],
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["apos", "'"],
  ["grave", "`"],
  ["equals", "="],
  ["plus", "+"],
  ["percnt", "%"],
  ["bsol", "\\"],
  ["sol", "/"],
  ["colon", ":"],
  ["semi", ";"],
  ["comma", ","],
  ["period", "."],
  ["excl", "!"],
  ["quest", "?"],
  ["num", "#"],
  ["dollar", "$"],
  ["commat", "@"],
  ["lpar", "("],
  ["rpar", ")"],
  ["lsqb", "["],
  ["rsqb", "]"],
  ["lcub", "{"],
  ["rcub", "}"],
  ["verbar", "|"],
  ["ast", "*"],
  ["Hat", "^"],
  ["lowbar", "_"],
  ["tilde", "~"],
  ["hyphen", "-"],
  ["euro", "\u20ac"],
  ["ndash", "\u2013"],
  ["mdash", "\u2014"],
  ["lsquo", "\u2018"],
  ["rsquo", "\u2019"],
  ["ldquo", "\u201c"],
  ["rdquo", "\u201d"],
  ["hellip", "\u2026"],
  ["bull", "\u2022"],
  ...LATIN1_ENTITIES.split(" ").map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
]);

/** `&#NNN;` and `&#xHH;` (any leading zeros, the `;` optional as browsers read it) and named entities. */
function entities(view: View): View | undefined {
  const { chars, start, end } = view;
  if (!chars.includes("&")) return undefined;
  const b = new ViewBuilder();
  for (let i = 0; i < chars.length;) {
    if (chars[i] === "&") {
      const decoded = entityAt(chars, i);
      if (decoded) {
        const last = i + decoded.length - 1;
        b.char(decoded.text, start[i]!, end[last]!);
        b.changed = true;
        i += decoded.length;
        continue;
      }
    }
    b.char(chars[i]!, start[i]!, end[i]!);
    i++;
  }
  return b.done();
}

function entityAt(chars: string[], i: number): { text: string; length: number } | undefined {
  let j = i + 1;
  const take = (ok: (c: string) => boolean, max: number) => {
    const from = j;
    while (j < chars.length && j - from < max && ok(chars[j]!)) j++;
    return chars.slice(from, j).join("");
  };
  let text: string | undefined;
  if (chars[j] === "#") {
    j++;
    const hex = chars[j] === "x" || chars[j] === "X";
    if (hex) j++;
    const digits = hex ? take((c) => /[0-9A-Fa-f]/.test(c), 16) : take((c) => /[0-9]/.test(c), 16);
    if (digits === "") return undefined;
    const value = parseInt(digits, hex ? 16 : 10);
    text = value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff) ? String.fromCodePoint(value) : "\ufffd";
  } else {
    const name = take((c) => /[A-Za-z0-9]/.test(c), 32);
    text = NAMED_ENTITIES.get(name) ?? NAMED_ENTITIES.get(name.toLowerCase());
    if (text === undefined) return undefined;
  }
  if (chars[j] === ";") j++;
  return { text, length: j - i };
}

const DECODERS: ReadonlyArray<(view: View) => View | undefined> = [
  (v) => backslashes(v, false),
  (v) => percents(v, false),
  entities,
  (v) => backslashes(v, true),
  (v) => percents(v, true),
];

const BASE64_VALUE = new Map<string, number>(
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"].map((c, i): [string, number] => [c, i]),
);
BASE64_VALUE.set("+", 62).set("-", 62).set("/", 63).set("_", 63);

/** A base64 run (either alphabet, mixed) read from each of its first four characters. */
function base64Decodings(run: string): string[] {
  const body = run.replace(/=+$/, "");
  const out: string[] = [];
  for (let offset = 0; offset < 4 && body.length - offset >= MIN_BASE64_RUN - 2; offset++) {
    const bytes: number[] = [];
    let acc = 0;
    let bits = 0;
    for (const c of body.slice(offset)) {
      acc = ((acc << 6) | BASE64_VALUE.get(c)!) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((acc >> bits) & 0xff);
      }
    }
    out.push(bytesToText(bytes));
  }
  return out;
}

/** A hex run read as bytes from its first and from its second digit. */
function hexDecodings(run: string): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 2; offset++) {
    const bytes: number[] = [];
    for (let i = offset; i + 2 <= run.length; i += 2) bytes.push(parseInt(run.slice(i, i + 2), 16));
    out.push(bytesToText(bytes));
  }
  return out;
}

/** Bytes as UTF-8 where they are, Latin-1 where not (so that no byte is lost to U+FFFD). */
function bytesToText(bytes: number[]): string {
  const b = new ViewBuilder();
  bytes.forEach((value, i) => b.byte(value, i, i + 1));
  return (b.done()?.chars ?? []).join("");
}
