/**
 * The error envelopes of both API versions, read in one place: v1 answers carry `is_success`,
 * `error_code` and `error_message`; v2 errors are `{error_code, error_msg, error_solution?}` with no
 * `is_success`. The error factory reads either; only v1 calls check `is_success` on success.
 */
import { isLosslessNumber } from "lossless-json";

export interface Envelope {
  isSuccess: boolean;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  /** v2's `error_solution`, when the service gives one. */
  errorSolution?: string;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return undefined;
}

/** Reads `is_success`, `error_code` and `error_message` (or v2's `error_msg`), and `error_solution`. */
export function readEnvelope(body: unknown): Envelope {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { isSuccess: false, errorCode: undefined, errorMessage: undefined };
  }
  const b = body as Record<string, unknown>;
  const envelope: Envelope = {
    isSuccess: b["is_success"] === true,
    errorCode: text(b["error_code"]),
    errorMessage: text(b["error_message"]) ?? text(b["error_msg"]),
  };
  const solution = text(b["error_solution"]);
  if (solution !== undefined && solution !== "") envelope.errorSolution = solution;
  return envelope;
}
