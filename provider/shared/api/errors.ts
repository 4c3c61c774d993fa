/**
 * The error hierarchy of the package. Every error is branded so that `isInstance` works across two
 * copies of the package (the serialized provider may load another copy than the program did).
 * Messages never carry headers, tokens, secret keys or passwords: `redact` runs over every message.
 */

import { Redactor } from "./redactor";

const BRAND = Symbol.for("pulumi-modelarts:error");

/** The process's secrets: every message built by this module is masked with them. */
const redactor = new Redactor();

/**
 * Registers a secret value (secret key, password, token) so that no error or log line shows it, nor
 * any piece of it, raw or however a server may have echoed it (see {@link Redactor}).
 */
export function registerSecret(value: string | undefined): void {
  redactor.register(value);
}

/**
 * The registry's generation, and forgetting what was not registered again since one.
 * @internal For the test runner's isolation of suites (see Redactor.forgetUpTo); not for programs.
 */
export const secretRegistry = Object.freeze({
  generation: (): number => redactor.generation,
  forgetUpTo: (generation: number): void => redactor.forgetUpTo(generation),
});

/** Removes registered secrets and anything shaped like a credential from a text. */
export function redact(text: string): string {
  return redactor.redact(text);
}

export abstract class ModelArtsError extends Error {
  readonly [BRAND] = true;
  constructor(message: string) {
    super(redact(message));
  }
  static isInstance(value: unknown): value is ModelArtsError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export interface ApiErrorDetails {
  /** HTTP status (0 when no response arrived). */
  httpStatus: number;
  /** `ModelArts.NNNN`, or undefined for errors without a code (gateway, network). */
  errorCode?: string;
  /** The service's own message (redacted). */
  serviceMessage?: string;
  /** `X-request-id` response header. */
  requestId?: string;
  /** What was being done, e.g. `create training job "demo"` or `DELETE /v1/{project}/training-jobs/10`. */
  operation: string;
}

/** The service answered with a failure (non-2xx, or `is_success: false`). */
export class ModelArtsApiError extends ModelArtsError {
  override readonly name: string = "ModelArtsApiError";
  readonly httpStatus: number;
  readonly errorCode: string | undefined;
  readonly serviceMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly operation: string;
  constructor(message: string, details: ApiErrorDetails) {
    super(message);
    this.httpStatus = details.httpStatus;
    this.errorCode = details.errorCode;
    this.serviceMessage = details.serviceMessage === undefined ? undefined : redact(details.serviceMessage);
    this.requestId = details.requestId === undefined ? undefined : redact(details.requestId);
    // The operation names user input (job names): redacted like the message.
    this.operation = redact(details.operation);
  }
  static override isInstance(value: unknown): value is ModelArtsApiError {
    return ModelArtsError.isInstance(value) && "httpStatus" in value && "operation" in value;
  }
}

/**
 * The endpoint is not ModelArts, or cannot be reached: the connection was refused, the host name
 * did not resolve, TLS failed, or what answered is not ModelArts (an HTML page, a proxy's error).
 * `target` is the origin that was called; `reason` says which of these it was.
 */
export class EndpointUnreachableError extends ModelArtsApiError {
  override readonly name = "EndpointUnreachableError";
  readonly target: string;
  readonly reason: string;
  constructor(message: string, details: ApiErrorDetails & { target: string; reason: string }) {
    super(message, details);
    this.target = details.target;
    this.reason = redact(details.reason);
  }
}

/** True for an {@link EndpointUnreachableError}, also one from another copy of this package. */
export function isUnreachable(error: unknown): error is EndpointUnreachableError {
  return ModelArtsApiError.isInstance(error) && error.name === "EndpointUnreachableError";
}

/**
 * Ends a step whose endpoint is unreachable before it sent anything that changes a job: giving up
 * loses nothing, so the step fails at once (after the client's own retries), naming the setting to
 * check, instead of trying until its timeout.
 */
export function nothingSent(error: EndpointUnreachableError): EndpointUnreachableError {
  return new EndpointUnreachableError(
    `${error.message}. Nothing was sent that changes anything, so the step ends here instead of trying until its timeout: ` +
      `check modelarts:endpoint (or modelarts:region, from which the endpoint is derived) and the network, then run the command again`,
    {
      httpStatus: error.httpStatus,
      operation: error.operation,
      target: error.target,
      reason: error.reason,
      ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
    },
  );
}

/** Credentials missing, wrong or expired (HTTP 401/403 from the service or IAM). */
export class AuthenticationError extends ModelArtsApiError {
  override readonly name = "AuthenticationError";
}

/**
 * A call or a wait ran out of time. `lastStatus` is the last job status seen, if any (a status code,
 * or the words a shared poller's waiter reported, e.g. `JOBSTAT_KILLING (12)`);
 * `lastFailure` says why the last poll of a wait got no answer, when it got none.
 */
export class ModelArtsTimeoutError extends ModelArtsError {
  override readonly name = "ModelArtsTimeoutError";
  readonly operation: string;
  readonly lastStatus: number | string | undefined;
  readonly lastFailure: string | undefined;
  constructor(message: string, operation: string, lastStatus?: number | string, lastFailure?: string) {
    super(message);
    this.operation = redact(operation);
    this.lastStatus = lastStatus;
    this.lastFailure = lastFailure === undefined ? undefined : redact(lastFailure);
  }
}

/** A wait ended because the operation was cancelled (the engine's Cancel, passed on by the hosting). */
export class CancelledError extends ModelArtsError {
  override readonly name = "CancelledError";
  readonly operation: string;
  constructor(message: string, operation: string) {
    super(message);
    this.operation = redact(operation);
  }
}

/**
 * The step's deadline passed before a call could be sent. It says nothing about the service, so a
 * caller that repeats calls reports the last answer it did get instead (see `isDeadlineRefusal`).
 */
export class DeadlineReachedError extends ModelArtsTimeoutError {
  readonly notSent = true;
}

/** True for a {@link DeadlineReachedError}, also one from another copy of this package. */
export function isDeadlineRefusal(error: unknown): boolean {
  return ModelArtsError.isInstance(error) && (error as { notSent?: unknown }).notSent === true;
}

/**
 * A list scan that does not provably cover every matching job: the service reported more jobs than
 * paging can reach, or its pages contradicted each other or the total. Absence is never concluded
 * from it. `transient` is true when the pages changed while they were read (another scan may agree).
 */
export class IncompleteListError extends ModelArtsError {
  override readonly name = "IncompleteListError";
  readonly operation: string;
  readonly transient: boolean;
  constructor(message: string, operation: string, transient: boolean) {
    super(message);
    this.operation = redact(operation);
    this.transient = transient;
  }
}

/** A setting is missing, malformed or contradictory; the message names the key and variable. */
export class ConfigurationError extends ModelArtsError {
  override readonly name = "ConfigurationError";
}

/**
 * True for failures that say nothing about the job, only that the service or the network could not
 * answer now (429, 5xx, no response, a timed-out call), after the client's own retries.
 */
export function isTransient(error: unknown): boolean {
  if (ModelArtsApiError.isInstance(error)) {
    if (error.name === "EndpointUnreachableError") return true;
    return error.name !== "AuthenticationError" && (error.httpStatus === 0 || error.httpStatus === 429 || error.httpStatus >= 500);
  }
  if (ModelArtsError.isInstance(error) && error.name === "IncompleteListError") return (error as IncompleteListError).transient;
  return ModelArtsError.isInstance(error) && error.name === "ModelArtsTimeoutError";
}

/**
 * Codes that mean "this job or version does not exist", whatever the HTTP status: v1's (docs/api-v1.md
 * §9.2) and v2's HTTP 400 `ModelArts.2775` (docs/api-v2.md §4).
 */
const NOT_FOUND_CODES = new Set(["ModelArts.2775", "ModelArts.0015"]);

/** 404 codes that name the path, not the job: "no such API" (v1 4204, v2 2836). */
const PATH_NOT_FOUND_CODES = new Set(["ModelArts.4204", "ModelArts.2836"]);

/**
 * True when an error says the addressed job or version does not exist: a not-found code, or a 404
 * that is neither a path error nor an authentication failure (v2's 404 `ModelArts.2786`, a project
 * that does not match the token, says nothing about the job).
 */
export function isNotFound(error: unknown): boolean {
  if (!ModelArtsApiError.isInstance(error)) return false;
  if (error.errorCode !== undefined && NOT_FOUND_CODES.has(error.errorCode)) return true;
  if (error.name === "AuthenticationError") return false;
  return error.httpStatus === 404 && (error.errorCode === undefined || !PATH_NOT_FOUND_CODES.has(error.errorCode));
}
