/** Helpers shared by the route modules: per-request state, JSON bodies, path ids. */
import { FastifyRequest } from "fastify";
import { Envelope } from "./envelope";
import { ApiFault, Faults } from "./errors";
import { FaultDecision } from "./faults";
import { parseJsonKeepingLongs, parseLong } from "./json";
import { RequestAuth } from "./requestLog";

/** What the hooks learn about a request while it passes through. */
export interface RequestState {
  startedAt: number;
  emulatorTime: number;
  control: boolean;
  /** Which API version's error envelope the request is answered with. */
  envelope: Envelope;
  auth: RequestAuth;
  fault?: FaultDecision;
  dropped?: boolean;
  errorCode?: string;
  logged?: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    emu: RequestState;
  }
}

/** The raw body bytes (the only content-type parser keeps them as a Buffer). */
export function rawBody(request: FastifyRequest): Buffer | undefined {
  return Buffer.isBuffer(request.body) ? request.body : undefined;
}

/** Parses the JSON body; an empty body is ModelArts.4202, bad JSON ModelArts.2787. */
export function jsonBody(request: FastifyRequest): unknown {
  const buf = rawBody(request);
  if (!buf || buf.length === 0) throw Faults.emptyBody();
  try {
    return parseJsonKeepingLongs(buf.toString("utf8"));
  } catch (e) {
    throw Faults.invalidJson((e as Error).message);
  }
}

/** A Long path parameter as BigInt; anything else is a named invalid argument. */
export function pathId(value: string | undefined, name: string): bigint {
  const id = parseLong(value);
  if (id === undefined) throw Faults.invalidArgument(name, `must be a Long, got "${value ?? ""}"`);
  return id;
}

export function asApiFault(error: unknown): ApiFault {
  if (error instanceof ApiFault) return error;
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return Faults.bodyTooLarge();
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiFault(400, "ModelArts.0101", `Invalid request: ${e.message ?? "bad request"}`);
  }
  return Faults.internal();
}
