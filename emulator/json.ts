/**
 * JSON with exact Longs. Job and version ids are BigInt inside the emulator; they are written as
 * bare digits (JSON numbers) even above 2^53, which `JSON.stringify` alone cannot do.
 */
import { randomBytes } from "node:crypto";
import { isSafeNumber, parse } from "lossless-json";

// A per-process nonce makes the placeholder impossible to forge from request data.
const MARK = `__bigint_${randomBytes(6).toString("hex")}_`;
const PLACEHOLDER = new RegExp(`"${MARK}(-?\\d+)"`, "g");

/** `JSON.stringify` that writes BigInt values as exact JSON numbers. */
export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${MARK}${v.toString()}` : v));
  return text === undefined ? "" : text.replace(PLACEHOLDER, "$1");
}

/** Parses a decimal id (path parameter or JSON value) as BigInt; undefined if it is not a Long. */
export function parseLong(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  if (typeof value === "string" && /^\d{1,19}$/.test(value)) {
    const n = BigInt(value);
    return n <= 9223372036854775807n ? n : undefined;
  }
  return undefined;
}

/**
 * Parses a request body like `JSON.parse`, except that an integer too large for a JavaScript number
 * (a Long id above 2^53) becomes a BigInt instead of being rounded.
 */
export function parseJsonKeepingLongs(text: string): unknown {
  return parse(text, null, (value: string) => (isSafeNumber(value) || !/^-?\d+$/.test(value) ? Number(value) : BigInt(value)));
}
