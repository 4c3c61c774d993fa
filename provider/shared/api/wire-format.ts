import { ModelArtsError } from "./errors";

/**
 * An answer did not have the shape the API documents (no id, not an object). Raised by the mappings
 * of both versions; the client turns it into a `ModelArtsApiError` naming the operation.
 */
export class WireFormatError extends ModelArtsError {
  override readonly name = "WireFormatError";
}

/**
 * Refuses an answer about another object than the one asked for (a proxy or cache that mixed up
 * two requests): recorded, it would put another job's id and name in the state.
 */
export function requireSameId(what: string, asked: string, answered: string): void {
  if (answered !== asked) {
    throw new WireFormatError(`the service answered about ${what} ${answered} when asked for ${what} ${asked}; the answer is not used`);
  }
}
