/**
 * Cancellation of a provider's waits, for hostings whose engine can cancel (the plugin's Cancel,
 * sent on Ctrl-C): after `cancel()`, every wait of the lifecycle that uses `clock` and `pollers`
 * ends at once with a {@link CancelledError}. A create whose job the service accepted then fails
 * with the partial state (the job is recorded), exactly as when its wait times out.
 */
import { realSleep } from "../api/retry";
import { ModelArtsError } from "../api/errors";
import { Pollers, type Pending, type Scope, type WatchOptions } from "./poller";
import type { Clock } from "./waiter";

/** A wait ended because the engine cancelled the operation (Ctrl-C). */
export class CancelledError extends ModelArtsError {
  override readonly name = "CancelledError";
}

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
    const onAbort = () => reject(new CancelledError(`the operation was cancelled while waiting for ${what}`));
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
  }

  override watch<T, R>(scope: Scope<T>, job: Pending, options: WatchOptions<T, R>): Promise<R> {
    if (this.signal.aborted) return unlessCancelled(this.signal, options.what, new Promise<R>(() => undefined));
    // The waiter the poller keeps ends at its own deadline; the caller is released at once.
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
