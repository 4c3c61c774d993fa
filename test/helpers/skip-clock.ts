/**
 * A clock on which sleeps pass at once (they add to an offset) while everything else takes its real
 * time: what a step spends in real HTTP attempts counts, what it spends waiting is skipped. Shared
 * by a provider and its client, it measures a step's duration as the real service would see it.
 */
export class SkipClock {
  private skipped = 0;
  /** Every sleep asked for, in ms. */
  readonly sleeps: number[] = [];
  now = (): number => Date.now() + this.skipped;
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.skipped += ms;
  };
  /** Deterministic jitter: the full backoff each time. */
  random = (): number => 0.999;
}
