/**
 * Cancellation, whatever the hosting.
 * - A hosting whose engine can cancel (the plugin's `Cancel`, sent on Ctrl-C) runs its lifecycle on a
 *   {@link realCancellation}: after `cancel()`, every wait that uses its clock and pollers ends at once
 *   with a {@link CancelledError}, and so does the sleep between look-ups. A create whose job the
 *   service accepted then fails with the partial state (the job is recorded), exactly as when its wait
 *   times out.
 * - `cancelAll` ends every wait of a set of pollers (the process's by default).
 * - `cancelSeen` only says on the waiting rows that the cancel was seen, for a hosting that cannot act
 *   on it (the dynamic-provider host, which answers `Cancel` without passing it on).
 */
import { realSleep } from "../api/retry";
import { CancelledError } from "../api/errors";
import { Pollers, processPollers, type Pending, type Scope, type WatchOptions } from "./poller";
import { reportOnWaitingRows } from "./progress";
import type { Clock } from "./waiter";

export { CancelledError };

/** A clock and pollers whose waits end when `cancel()` is called. */
export interface Cancellation {
  readonly clock: Clock;
  readonly pollers: Pollers;
  readonly signal: AbortSignal;
  cancel(): void;
}

/** `work`, unless `signal` aborts first: then a CancelledError naming `what`. */
function unlessCancelled<T>(signal: AbortSignal, what: string, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError(`the operation was cancelled while waiting for ${what}`, what));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** The pollers of one cancellable provider: each wait also ends when the signal aborts. */
class CancellablePollers extends Pollers {
  constructor(private readonly signal: AbortSignal) {
    super({ now: () => Date.now(), sleep: realSleep, concurrent: true });
    // The waiters the poller keeps end too, so that no scan goes on for a cancelled operation.
    signal.addEventListener("abort", () => this.cancelAll("the operation was cancelled"), { once: true });
  }

  override watch<T, R>(scope: Scope<T>, job: Pending, options: WatchOptions<T, R>): Promise<R> {
    if (this.signal.aborted) return unlessCancelled(this.signal, options.what, new Promise<R>(() => undefined));
    return unlessCancelled(this.signal, options.what, super.watch(scope, job, options));
  }
}

/** A cancellation on the real clock. */
export function realCancellation(): Cancellation {
  const controller = new AbortController();
  const clock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => {
      const timer = new AbortController();
      const slept = realSleep(ms, timer.signal).catch(() => undefined);
      return unlessCancelled(controller.signal, "the next look-up", slept).finally(() => timer.abort());
    },
  };
  return { clock, pollers: new CancellablePollers(controller.signal), signal: controller.signal, cancel: () => controller.abort() };
}

/** What the row says when a cancel was seen but the waits go on (the dynamic provider). */
export const CANCEL_SEEN =
  "cancel seen (Ctrl-C): the dynamic-provider host cannot stop this step, so it keeps waiting until it ends or reaches its timeout (`timeouts`); " +
  "press Ctrl-C again to stop now, then run `pulumi refresh --clear-pending-creates` and see docs/waits-and-progress.md (Ctrl-C) to take back a job that was accepted";

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
