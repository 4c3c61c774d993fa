/**
 * The "linked clock" set-up of the provider tests, for benchmarks: the emulator's clock is frozen
 * and every `sleep(ms)` of the code under test advances it, so a 120 s removal takes milliseconds
 * of wall time and the figures are exact emulated times, independent of machine load.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { createClient } from "../../provider/shared/api/config";
import { PaceRegistry } from "../../provider/shared/api/pace";
import type { JobConfig, ModelArtsApi } from "../../provider/v1/api/types";
import type { Clock } from "../../provider/shared/resource/waiter";

export const BENCH_PROJECT = "0123456789abcdef0123456789abcdef";

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

/** Fresh AK/SK credentials for one emulator. */
export function freshCredentials(): Credentials {
  return { accessKey: `AK${randomBytes(9).toString("hex").toUpperCase()}`, secretKey: randomBytes(24).toString("base64url") };
}

/** Starts an emulator on a free port that serves `BENCH_PROJECT` to fresh AK/SK credentials. */
export async function benchEmulator(options: EmulatorOptions = {}): Promise<{ emu: RunningEmulator; credentials: Credentials }> {
  const credentials = freshCredentials();
  const emu = await startEmulator({
    port: 0,
    accessKeys: { [credentials.accessKey]: credentials.secretKey },
    projectId: BENCH_PROJECT,
    ...options,
  });
  return { emu, credentials };
}

/** A valid job configuration for the emulator's default catalogue (flavour 1, TensorFlow engine 4). */
export const BENCH_JOB_CONFIG: JobConfig = {
  workerServerNum: 1,
  specId: 1,
  engineId: 4,
  appUrl: "/bench-bucket/code/",
  bootFileUrl: "/bench-bucket/code/train.py",
  dataUrl: "/bench-bucket/data/",
  trainUrl: "/bench-bucket/output/",
};

export interface LinkedEmulator {
  emu: RunningEmulator;
  client: ModelArtsApi;
  /** Emulated time: `now` reads the emulator's clock, `sleep` advances it. */
  clock: Clock;
}

/** Starts a frozen-clock emulator with fresh AK/SK credentials and a client signed with them. */
export async function linkedEmulator(options: EmulatorOptions = {}): Promise<LinkedEmulator> {
  const { emu, credentials } = await benchEmulator({ frozenClock: true, ...options });
  // An empty environment: no HW_*/OS_* variable of the caller may change the client's configuration.
  const clock: Clock = {
    now: () => emu.control.clock().now,
    sleep: async (ms) => void emu.control.advance(Math.max(0, Math.round(ms))),
  };
  // The account's pace runs on emulated time too (its waits advance the clock, as the provider's do).
  const client = createClient({ endpoint: emu.url, projectId: BENCH_PROJECT, ...credentials }, {}, { paces: new PaceRegistry(clock) });
  return { emu, client, clock };
}

/** Set inside a call of a tracked client. */
const tracked = new AsyncLocalStorage<boolean>();

/**
 * Emulated time for many concurrent operations against a frozen-clock emulator: a sleep is a timer,
 * and the emulator's clock jumps to the next timer only once no API call is in flight and nothing
 * else is ready to run, as a discrete-event simulation does. (The linked clock above lets one
 * sleeper advance time while others wait for HTTP answers, which would make time fly during a burst
 * of calls.) Calls are counted through `track`.
 */
export class QuiescentClock {
  /** Sleeps run side by side, as real timers do (the shared poller then times each waiter out on its own). */
  readonly concurrent = true;
  private readonly timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;
  private inflight = 0;
  private idle: (() => void) | undefined;
  private driving = false;

  constructor(private readonly emu: RunningEmulator) {}

  now = (): number => this.emu.control.clock().now;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    // A tracked call that sleeps here (the account's pace) waits for time to move: it is not in flight meanwhile.
    if (tracked.getStore() !== true) return this.timer(ms, signal);
    if (--this.inflight === 0) this.idle?.();
    return this.timer(ms, signal).finally(() => this.inflight++);
  };

  private timer = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = { at: this.now() + Math.max(0, Math.round(ms)), seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          const i = this.timers.indexOf(timer);
          if (i >= 0) this.timers.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      this.drive();
    });

  /** The client with every call counted as in flight until it settles (a call sleeping on this clock is not). */
  track<T extends object = ModelArtsApi>(client: T): T {
    return new Proxy(client, {
      get: (target, prop) => {
        // The target itself as `this`: getters may read private fields, which a proxy does not have.
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const result = tracked.run(true, () => (value as (...a: unknown[]) => unknown).apply(target, args));
          if (!(result instanceof Promise)) return result;
          this.inflight++;
          return result.finally(() => {
            if (--this.inflight === 0) this.idle?.();
          });
        };
      },
    });
  }

  private drive(): void {
    if (this.driving) return;
    this.driving = true;
    void (async () => {
      try {
        while (this.timers.length > 0) {
          await new Promise((resolve) => setImmediate(resolve));
          if (this.inflight > 0) {
            await new Promise<void>((resolve) => (this.idle = resolve));
            this.idle = undefined;
            continue;
          }
          this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
          const next = this.timers.shift();
          if (!next) break;
          const ahead = next.at - this.now();
          if (ahead > 0) this.emu.control.advance(ahead);
          next.resolve();
        }
      } finally {
        this.driving = false;
      }
    })();
  }
}
