/**
 * A heartbeat for long waits: when no progress line was reported for `everyMs`, it repeats the last
 * one as "still waiting …" with the time elapsed since the operation began, so that a delete that
 * waits minutes for the service is never silent. Timers are injected so that tests run without time
 * passing; the heartbeat lives exactly as long as the operation (`stop` clears its only timer).
 */
import { formatDuration } from "./duration";

/** The timer functions the heartbeat uses. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    // A heartbeat never keeps the provider process alive on its own.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How long a wait may stay silent before the heartbeat speaks. @default 15000 */
export const HEARTBEAT_MS = 15_000;

export interface HeartbeatOptions {
  /** @default {@link HEARTBEAT_MS} */
  everyMs?: number;
  timers?: Timers;
}

/** Repeats the last progress line while an operation is silent; see the module comment. */
export class Heartbeat {
  private readonly everyMs: number;
  private readonly timers: Timers;
  private readonly started: number;
  private last: string | undefined;
  private handle: unknown;
  private stopped = false;

  constructor(
    private readonly emit: (line: string) => void,
    options: HeartbeatOptions = {},
  ) {
    this.everyMs = options.everyMs ?? HEARTBEAT_MS;
    if (!(this.everyMs > 0)) throw new RangeError(`invalid heartbeat interval: everyMs ${this.everyMs} must be > 0`);
    this.timers = options.timers ?? realTimers;
    this.started = this.timers.now();
  }

  /** Records a progress line that was just reported, and restarts the silence countdown. */
  note(line: string): void {
    if (this.stopped) return;
    this.last = line;
    this.schedule();
  }

  /** Ends the heartbeat: no line is emitted after this, and no timer is left behind. */
  stop(): void {
    this.stopped = true;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = this.timers.setTimeout(() => this.beat(), this.everyMs);
  }

  private beat(): void {
    this.handle = undefined;
    if (this.stopped || this.last === undefined) return;
    this.emit(heartbeatLine(this.last, this.timers.now() - this.started));
    this.schedule();
  }
}

/**
 * The heartbeat's words for the last progress line. A status line of a wait (`<what>: <STATUS (n)>
 * after <t>`) becomes `still waiting for <what>: <STATUS (n)>, <elapsed>`; any other line is
 * repeated after `still waiting, <elapsed>:`.
 */
export function heartbeatLine(last: string, elapsedMs: number): string {
  const elapsed = formatDuration(elapsedMs);
  const status = /^(.+): ([A-Z_]+ \(\d+\)) after \S+$/.exec(last);
  if (status) return `still waiting for ${status[1]}: ${status[2]}, ${elapsed}`;
  return `still waiting, ${elapsed}: ${last}`;
}
