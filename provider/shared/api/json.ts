/**
 * Lossless JSON for the wire: every JSON number is parsed into a `LosslessNumber` that keeps its exact
 * text, so a Long id above 2^53 (which `JSON.parse` silently rounds) survives; request bodies carry
 * Long ids as `LosslessNumber` and are serialised exactly.
 */
import { LosslessNumber, parse, stringify } from "lossless-json";

/** Parses a response body; undefined when it is empty or not JSON. */
export function parseWireJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** Serialises a request body; `LosslessNumber` values are written as bare numbers, exactly. */
export function stringifyWireJson(value: unknown): string {
  return stringify(value) ?? "null";
}

/** A decimal id string as a JSON number that keeps every digit. */
export function longOut(id: string): LosslessNumber {
  return new LosslessNumber(id);
}
