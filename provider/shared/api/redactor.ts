/**
 * Masks secrets in a text: every registered secret, and every piece of one, in any echo of it that
 * secret-finder.ts recognises, then values that follow a credential's name (`"password": "…"`,
 * `Signature=…`), registered or not.
 */
import { FRAGMENT_CHARACTERS, SecretPieces } from "./secret-finder";

/**
 * Shorter values are not masked: they would mask ordinary words of the messages. Values from this
 * length up to {@link FRAGMENT_CHARACTERS} characters are masked whole, longer ones in every piece
 * of {@link FRAGMENT_CHARACTERS} characters.
 */
export const MIN_SECRET_CHARACTERS = 4;
export { FRAGMENT_CHARACTERS };

const KEY = "(?:x-auth-token|x-subject-token|x-security-token|authorization|password|secret_?key|secretKey|token)";
const SECRET_PATTERNS: RegExp[] = [
  /(Signature=)[0-9a-f]+/gi,
  // A quoted value, read as a JSON string (escaped quotes included), then an unquoted one.
  new RegExp(`("?${KEY}"?\\s*[:=]\\s*")(?:[^"\\\\]|\\\\.)*(?="|$)`, "gi"),
  new RegExp(`("?${KEY}"?\\s*[:=]\\s*)(?!"|\\*\\*\\*)[^",\\s}&]+`, "gi"),
];

/** What replaces a secret or a piece of one. */
const MASK = "***";
/** Masking joins what was around a piece, which can make a new one: the search runs again, this often at most. */
const MAX_PASSES = 3;

/** A set of secrets and the masking of texts with them. */
export class Redactor {
  /** Each secret with the generation at which it was last registered. */
  private readonly secrets = new Map<string, number>();
  private pieces = new SecretPieces();
  private seq = 0;

  /** Adds a secret; values under {@link MIN_SECRET_CHARACTERS} characters (code points) are ignored. */
  register(value: string | undefined): void {
    if (!value || [...value].length < MIN_SECRET_CHARACTERS) return;
    const known = this.secrets.has(value);
    this.secrets.set(value, ++this.seq);
    if (!known) this.pieces.add(value);
  }

  /** Counts registrations: a mark for {@link forgetUpTo}. */
  get generation(): number {
    return this.seq;
  }

  /**
   * Forgets the secrets not registered again since `generation`. Only for test isolation: one test
   * process registers the made-up secrets of many suites, whose pieces would mask the words of others.
   */
  forgetUpTo(generation: number): void {
    for (const [value, seen] of this.secrets) if (seen <= generation) this.secrets.delete(value);
    this.pieces = new SecretPieces();
    for (const value of this.secrets.keys()) this.pieces.add(value);
  }

  /** `text` with every secret, piece and credential-shaped value replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const spans = this.pieces.find(out);
      if (spans.length === 0) break;
      let masked = "";
      let at = 0;
      for (const [start, end] of spans) {
        masked += `${out.slice(at, start)}${MASK}`;
        at = end;
      }
      out = masked + out.slice(at);
    }
    // Last, so that a secret that is also the start of an escape (`&` of `&amp;`) is masked with the escape.
    for (const secret of this.secrets.keys()) if (out.includes(secret)) out = out.split(secret).join(MASK);
    for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, `$1${MASK}`);
    return out;
  }
}
