/**
 * The provider against a real emulator on emulated time, for the provider-level suites: the
 * emulator's clock is frozen and the provider's sleeps (and, when asked, the client's retry
 * backoffs) advance it, so every wait costs milliseconds of wall time and cannot depend on load.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../emulator";
import { createClient } from "../../../provider/shared/api/config";
import { PaceRegistry } from "../../../provider/shared/api/pace";
import type { ModelArtsApi } from "../../../provider/v1/api/types";
import { TrainingJobProviderImpl } from "../../../provider/v1/resource/provider";

export const PROJECT = "0123456789abcdef0123456789abcdef";
export const AK = "AKPROVIDERTEST000001";
export const SK = "SKprovider-test-s3cr3t-Qm7Xk2Vz9Lp4";
/** What the engine passes as `__provider`: opaque to the implementation. */
export const SERIALIZED = "exports.handler = () => stub";

export interface EmulatedProvider {
  emu: RunningEmulator;
  client: ModelArtsApi;
  provider: TrainingJobProviderImpl;
  /** Every progress line the provider reported. */
  progress: string[];
}

export interface EmulatedOptions {
  emulator?: EmulatorOptions;
  /** Let the client's retry backoffs advance the emulated clock too (else they sleep in wall time). */
  clientSleepsAdvance?: boolean;
  /** Autonaming suffix (default: derived from the seed, as in production). */
  randomSuffix?: (seed: string | undefined) => string;
}

export async function emulatedProvider(options: EmulatedOptions = {}): Promise<EmulatedProvider> {
  const emu = await startEmulator({
    port: 0,
    accessKeys: { [AK]: SK },
    frozenClock: true,
    jobDurationMs: 60_000,
    deleteDelayMs: 5_000,
    ...options.emulator,
  });
  const advance = async (ms: number) => void emu.control.advance(Math.max(ms, 1));
  const client = createClient(
    { endpoint: emu.url, projectId: PROJECT, accessKey: AK, secretKey: SK },
    {},
    {
      ...(options.clientSleepsAdvance ? { clock: { sleep: advance } } : {}),
      // The account's pace runs on emulated time too: its waits advance the clock instead of stalling the test.
      paces: new PaceRegistry({ now: () => emu.control.clock().now, sleep: advance }),
    },
  );
  const progress: string[] = [];
  const provider = new TrainingJobProviderImpl({
    clientFor: () => client,
    clock: { now: () => emu.control.clock().now, sleep: advance },
    progress: (line) => progress.push(line),
    ...(options.randomSuffix ? { randomSuffix: options.randomSuffix } : {}),
  });
  return { emu, client, provider, progress };
}

/** `check` then `create`, as the engine calls them; asserts that `check` found nothing wrong. */
export async function checkAndCreate(h: EmulatedProvider, inputs: Record<string, unknown>) {
  const { inputs: checked, failures } = await h.provider.check({}, { ...inputs, __provider: SERIALIZED });
  assert.deepEqual(failures, []);
  return h.provider.create({ ...checked, __provider: SERIALIZED });
}
