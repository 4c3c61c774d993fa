/**
 * The "linked clock" set-up of the provider tests, for benchmarks: the emulator's clock is frozen
 * and every `sleep(ms)` of the code under test advances it, so a 120 s removal takes milliseconds
 * of wall time and the figures are exact emulated times, independent of machine load.
 */
import { randomBytes } from "node:crypto";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { createClient } from "../../provider/shared/api/config";
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
  const client = createClient({ endpoint: emu.url, projectId: BENCH_PROJECT, ...credentials }, {});
  const clock: Clock = {
    now: () => emu.control.clock().now,
    sleep: async (ms) => void emu.control.advance(Math.max(0, Math.round(ms))),
  };
  return { emu, client, clock };
}
