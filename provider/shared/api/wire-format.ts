import { ModelArtsError } from "./errors";

/**
 * An answer did not have the shape the API documents (no id, not an object). Raised by the mappings
 * of both versions; the client turns it into a `ModelArtsApiError` naming the operation.
 */
export class WireFormatError extends ModelArtsError {
  override readonly name = "WireFormatError";
}
