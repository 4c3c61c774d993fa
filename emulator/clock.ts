/**
 * The emulator's clock. Job lifecycles, deletion delays and token expiry are computed from it, so a
 * test or a benchmark can move time forward instead of waiting.
 *
 * Default: real time plus an offset. `advance(ms)` moves the offset; `freeze()` switches to manual
 * mode, where time moves only by `advance` (or `set`).
 */
export interface Clock {
  /** Emulated time, epoch milliseconds. */
  now(): number;
}

export interface ClockState {
  /** Emulated time, epoch milliseconds. */
  now: number;
  /** Emulated minus real time, in milliseconds (while frozen: at the moment of reading). */
  offsetMs: number;
  frozen: boolean;
}

export class EmulatorClock implements Clock {
  private offsetMs: number;
  private frozenAt: number | undefined;

  /** @param realNow the wall clock (injectable for unit tests). */
  constructor(
    private readonly realNow: () => number = Date.now,
    initialOffsetMs = 0,
  ) {
    this.offsetMs = initialOffsetMs;
  }

  now(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  /** The wall clock, unaffected by offset and freezing (used for the X-Sdk-Date skew check). */
  wallNow(): number {
    return this.realNow();
  }

  /** Moves emulated time forward (or backward, with a negative value) by `ms`. */
  advance(ms: number): ClockState {
    if (!Number.isFinite(ms)) throw new RangeError(`advance: ms must be a finite number, got ${ms}`);
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
    return this.state();
  }

  /** Stops time: from now on it moves only by `advance` or `set`. */
  freeze(): ClockState {
    if (this.frozenAt === undefined) this.frozenAt = this.now();
    return this.state();
  }

  /** Lets time run again from the frozen instant (the offset absorbs the pause). */
  unfreeze(): ClockState {
    if (this.frozenAt !== undefined) {
      this.offsetMs = this.frozenAt - this.realNow();
      this.frozenAt = undefined;
    }
    return this.state();
  }

  /** Sets emulated time to an absolute instant (frozen or not). */
  set(nowMs: number): ClockState {
    if (!Number.isFinite(nowMs)) throw new RangeError(`set: now must be a finite number, got ${nowMs}`);
    if (this.frozenAt !== undefined) this.frozenAt = nowMs;
    else this.offsetMs = nowMs - this.realNow();
    return this.state();
  }

  state(): ClockState {
    const now = this.now();
    return { now, offsetMs: now - this.realNow(), frozen: this.frozenAt !== undefined };
  }
}
