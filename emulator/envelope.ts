/**
 * The error envelope each API version answers with, chosen from the request path: v1 (and IAM)
 * `{"is_success": false, "error_code", "error_message"}`, v2 `{"error_code", "error_msg"}`. The fault
 * itself (status, code, message, headers) is the same `ApiFault` for both; only its rendering differs.
 */
import { ApiFault } from "./errors";

export type Envelope = "v1" | "v2";

/** The envelope of a request path: `/v2/...` is the new-version API, everything else the old one. */
export function envelopeOf(url: string): Envelope {
  return url === "/v2" || url.startsWith("/v2/") ? "v2" : "v1";
}

/** The body of an error answer in the given envelope. */
export function faultBody(fault: ApiFault, envelope: Envelope): Record<string, unknown> {
  if (envelope === "v1") return fault.body();
  return { error_code: fault.code, error_msg: fault.message };
}
