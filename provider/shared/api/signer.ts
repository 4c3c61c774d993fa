/**
 * AK/SK request signing, algorithm `SDK-HMAC-SHA256`, as Huawei Cloud's SDK core implements it
 * (see docs/api-v1.md §6.2), without the SDK's traps (§6.3): header names are
 * normalised to lower case once, one code-point sort serves both header lists, `undefined` query
 * values are dropped, and the payload hash is taken over the exact bytes that are sent.
 *
 * The same canonicalisation serves the client (signing) and the emulator (verifying).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";
export const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** Query parameters as a map: a repeated name carries an array of values. */
export type QueryMap = Record<string, string | readonly string[] | undefined>;

export interface CanonicalInput {
  /** HTTP method, upper case. */
  method: string;
  /** The request path as sent (already percent-encoded where needed), without the query. */
  path: string;
  query?: QueryMap;
  /** Headers to sign; names in any case, values verbatim. */
  headers: Record<string, string>;
  /** The exact body bytes (a string is taken as UTF-8); absent or empty means no body. */
  body?: string | Uint8Array;
}

export interface SigningCredentials {
  accessKey: string;
  secretKey: string;
  /** Temporary credentials: sent and signed as `X-Security-Token`. */
  securityToken?: string;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes every byte of the UTF-8 form except `A–Z a–z 0–9 - . _ ~`, with upper-case hex. */
export function uriEncode(text: string): string {
  let out = "";
  for (const ch of text) {
    if (UNRESERVED.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, "utf8")) {
      out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
    }
  }
  return out;
}

/** Canonical URI: each segment encoded (a `%` is encoded again), and always ending in `/`. */
export function canonicalUri(path: string): string {
  const encoded = path.split("/").map(uriEncode).join("/");
  return encoded.endsWith("/") ? encoded : encoded + "/";
}

function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical query string: names sorted, array values sorted as strings, one pair per value. */
export function canonicalQuery(query: QueryMap | undefined): string {
  if (!query) return "";
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort(codePointCompare)) {
    const value = query[name];
    if (value === undefined) continue;
    const values = typeof value === "string" ? [value] : [...value].sort(codePointCompare);
    for (const v of values) pairs.push(`${uriEncode(name)}=${uriEncode(v)}`);
  }
  return pairs.join("&");
}

/** Lower-cases header names; a later duplicate (in any case) wins. */
export function normaliseHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface CanonicalRequest {
  canonicalRequest: string;
  signedHeaders: string;
}

/** Builds the canonical request over the given headers (all of them are signed). */
export function buildCanonicalRequest(input: CanonicalInput): CanonicalRequest {
  const headers = normaliseHeaders(input.headers);
  const names = Object.keys(headers).sort(codePointCompare);
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]}\n`).join("");
  const signedHeaders = names.join(";");
  const body = input.body;
  const payloadHash = body !== undefined && body.length > 0 ? sha256Hex(body) : EMPTY_BODY_SHA256;
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(input.path),
    canonicalQuery(input.query),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  return { canonicalRequest, signedHeaders };
}

export function stringToSign(sdkDate: string, canonicalRequest: string): string {
  return [SIGNING_ALGORITHM, sdkDate, sha256Hex(canonicalRequest)].join("\n");
}

export function signatureOf(secretKey: string, toSign: string): string {
  return createHmac("sha256", secretKey).update(toSign).digest("hex");
}

/** Formats a time as `YYYYMMDD'T'HHMMSS'Z'` in UTC. */
export function formatSdkDate(time: Date): string {
  return time
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** Parses `YYYYMMDD'T'HHMMSS'Z'`; undefined if the text is not exactly that form. */
export function parseSdkDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface SignInput {
  method: string;
  /** Absolute URL without query; its authority becomes the signed `host`. */
  url: string;
  query?: QueryMap;
  /** Extra headers to sign (e.g. `content-type`, `x-project-id`). */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Signing time; defaults to now. */
  now?: Date;
}

/**
 * Signs a request. Returns every header to send (lower-case names): the given ones plus `host`,
 * `x-sdk-date`, `x-security-token` when set, and `authorization`. Sign again for every attempt.
 */
export function signRequest(input: SignInput, credentials: SigningCredentials): Record<string, string> {
  const url = new URL(input.url);
  const headers = normaliseHeaders(input.headers ?? {});
  const sdkDate = formatSdkDate(input.now ?? new Date());
  headers["host"] = headers["host"] ?? url.host;
  headers["x-sdk-date"] = sdkDate;
  if (credentials.securityToken) headers["x-security-token"] = credentials.securityToken;
  const { canonicalRequest, signedHeaders } = buildCanonicalRequest({
    method: input.method,
    path: url.pathname,
    query: input.query,
    headers,
    body: input.body,
  });
  const signature = signatureOf(credentials.secretKey, stringToSign(sdkDate, canonicalRequest));
  headers["authorization"] = `${SIGNING_ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`; undefined if malformed. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m = /^SDK-HMAC-SHA256 Access=([^,\s]+), SignedHeaders=([^,\s]+), Signature=([0-9a-f]{64})$/.exec(header);
  if (!m) return undefined;
  return { accessKey: m[1]!, signedHeaders: m[2]!.split(";"), signature: m[3]! };
}

export interface VerifyInput {
  method: string;
  /** The raw request target as received (`/path?query`). */
  rawUrl: string;
  /** Received headers (Node gives lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  body?: string | Uint8Array;
}

export type VerifyResult =
  | { ok: true; accessKey: string; sdkDate: Date; securityToken?: string }
  | { ok: false; reason: "missing" | "malformed" | "unknown-key" | "signature" | "date"; message: string };

/** Splits a raw query string into a map, decoding like `URLSearchParams`; repeated names give arrays. */
export function parseQuery(search: string): Record<string, string | string[]> {
  const map: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const prev = map[name];
    map[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return map;
}

/**
 * Verifies an `SDK-HMAC-SHA256` signature as the service does: recomputes the canonical request over
 * the headers the client says it signed and compares in constant time. `lookupSecret` returns the
 * secret key for an access key (undefined if unknown). The date is checked against `now` within
 * `maxSkewMs`.
 */
export function verifySignature(
  input: VerifyInput,
  lookupSecret: (accessKey: string) => string | undefined,
  options: { now: Date; maxSkewMs: number },
): VerifyResult {
  const header = single(input.headers["authorization"]);
  if (!header) return { ok: false, reason: "missing", message: "Authorization header missing" };
  const parsed = parseAuthorization(header);
  if (!parsed) return { ok: false, reason: "malformed", message: "Authorization header malformed" };
  const sdkDateText = single(input.headers["x-sdk-date"]);
  if (!sdkDateText || !parsed.signedHeaders.includes("x-sdk-date")) {
    return { ok: false, reason: "malformed", message: "X-Sdk-Date header missing or not signed" };
  }
  const sdkDate = parseSdkDate(sdkDateText);
  if (!sdkDate) return { ok: false, reason: "malformed", message: "X-Sdk-Date is not in the form YYYYMMDDTHHMMSSZ" };
  const secret = lookupSecret(parsed.accessKey);
  if (secret === undefined) return { ok: false, reason: "unknown-key", message: "access key is not valid" };
  const signed: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = single(input.headers[name]);
    if (value === undefined) {
      return { ok: false, reason: "malformed", message: `signed header ${name} is not in the request` };
    }
    signed[name] = value;
  }
  const queryAt = input.rawUrl.indexOf("?");
  const path = queryAt < 0 ? input.rawUrl : input.rawUrl.slice(0, queryAt);
  const query = queryAt < 0 ? {} : parseQuery(input.rawUrl.slice(queryAt + 1));
  const { canonicalRequest } = buildCanonicalRequest({
    method: input.method,
    path,
    query,
    headers: signed,
    body: input.body,
  });
  const expected = signatureOf(secret, stringToSign(sdkDateText, canonicalRequest));
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(parsed.signature))) {
    return { ok: false, reason: "signature", message: "request signature does not match" };
  }
  if (Math.abs(options.now.getTime() - sdkDate.getTime()) > options.maxSkewMs) {
    return { ok: false, reason: "date", message: "X-Sdk-Date is too far from the server time" };
  }
  const securityToken = single(input.headers["x-security-token"]);
  return securityToken === undefined
    ? { ok: true, accessKey: parsed.accessKey, sdkDate }
    : { ok: true, accessKey: parsed.accessKey, sdkDate, securityToken };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
