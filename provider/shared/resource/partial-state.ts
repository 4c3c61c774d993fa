import { redact } from "../api/errors";

/**
 * An error that carries the job id and its properties: the dynamic-provider host turns it into a
 * partial-state (initialisation) failure, so a job the service accepted is always in the state.
 * `failure.ts` recognises it by shape, so v1's class of the same shape is treated alike.
 */
export class PartialStateError extends Error {
  override readonly name = "PartialStateError";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(raw: string, id: string, properties: Record<string, unknown>) {
    // The message quotes the service's account of the failure, which may echo a secret.
    const message = redact(raw);
    super(message);
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}
