/**
 * Cancellation, whatever the hosting. `cancelAll` is the hook a hosting calls when the engine
 * cancels (the provider plugin's `Cancel`): every wait of the process ends at once with a
 * `CancelledError` (a create that was accepted then ends as a partial-state error, so the job is
 * recorded). `cancelSeen` only says on the waiting rows that the cancel was seen, for a hosting that
 * cannot act on it (the dynamic-provider host, which answers `Cancel` without passing it on).
 */
import { processPollers, type Pollers } from "./poller";
import { reportOnWaitingRows } from "./progress";

/** What the row says when a cancel was seen but the waits go on (the dynamic provider). */
export const CANCEL_SEEN =
  "cancel seen (Ctrl-C): the dynamic-provider host cannot stop this step, so it keeps waiting until it ends or reaches its timeout (`timeouts`); " +
  "press Ctrl-C again to stop now, then run `pulumi refresh --clear-pending-creates` and see the README's Ctrl-C section to take back a job that was accepted";

/** Ends every wait of `pollers` (the process's by default) now; returns how many ended. */
export function cancelAll(reason = "the operation was cancelled", pollers: Pollers = processPollers()): number {
  const ended = pollers.cancelAll(reason);
  reportOnWaitingRows(`cancelled: ${reason}; the waits end now`);
  return ended;
}

/** Says on every waiting row that a cancel was seen, once per cancel; returns how many rows heard it. */
export function cancelSeen(): number {
  return reportOnWaitingRows(CANCEL_SEEN);
}
