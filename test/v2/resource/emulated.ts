/**
 * The v2 provider against a real emulator on emulated time: the emulator's clock is frozen and the
 * provider's sleeps (its own, the shared poller's and, when asked, the client's retry backoffs)
 * advance it, so every wait costs milliseconds of wall time and cannot depend on load.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../emulator";
import { createV2Client } from "../../../provider/v2/api/client";
import { PaceRegistry } from "../../../provider/shared/api/pace";
import type { ModelArtsV2Api } from "../../../provider/v2/api/types";
import { Pollers } from "../../../provider/shared/resource/poller";
import { TrainingJobV2ProviderImpl } from "../../../provider/v2/resource/provider";

export const PROJECT = "0123456789abcdef0123456789abcdef";
export const AK = "AKPROVIDERTEST000001";
export const SK = "SKprovider-test-s3cr3t-Qm7Xk2Vz9Lp4";
/** What the engine passes as `__provider`: opaque to the implementation. */
export const SERIALIZED = "exports.handler = () => stub";
export const ENGINE = "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64";

export interface EmulatedProvider {
  emu: RunningEmulator;
  client: ModelArtsV2Api;
  provider: TrainingJobV2ProviderImpl;
  /** Every progress line the provider reported. */
  progress: string[];
  /** Emulated milliseconds since the harness started. */
  elapsed(): Promise<number>;
}

export interface EmulatedOptions {
  emulator?: EmulatorOptions;
  /** Let the client's retry backoffs advance the emulated clock too (else they sleep in wall time). */
  clientSleepsAdvance?: boolean;
  /** Autonaming suffix (default: derived from the seed, as in production). */
  randomSuffix?: (seed: string | undefined) => string;
  /** How far the provider's clock runs ahead of the service's (clock skew). @default 0 */
  providerClockAheadMs?: number;
}

export async function emulatedProvider(options: EmulatedOptions = {}): Promise<EmulatedProvider> {
  const emu = await startEmulator({
    port: 0,
    accessKeys: { [AK]: SK },
    frozenClock: true,
    jobDurationMs: 60_000,
    killMs: 3_000,
    deleteDelayMs: 5_000,
    ...options.emulator,
  });
  // Whole milliseconds, as a real clock gives: the poller's paces grow by factors such as 1.5.
  const advance = async (ms: number) => void emu.control.advance(Math.max(Math.ceil(ms), 1));
  const ahead = options.providerClockAheadMs ?? 0;
  const clock = { now: () => emu.control.clock().now + ahead, sleep: advance };
  const client = createV2Client(
    { endpoint: emu.url, projectId: PROJECT, accessKey: AK, secretKey: SK },
    {},
    {
      ...(options.clientSleepsAdvance ? { clock: { sleep: advance } } : {}),
      // The account's pace runs on emulated time too: its waits advance the clock instead of stalling the test.
      paces: new PaceRegistry(clock),
    },
  );
  const progress: string[] = [];
  const provider = new TrainingJobV2ProviderImpl({
    clientFor: () => client,
    clock,
    pollers: new Pollers(clock),
    progress: (line) => progress.push(line),
    ...(options.randomSuffix ? { randomSuffix: options.randomSuffix } : {}),
  });
  const start = clock.now();
  return { emu, client, provider, progress, elapsed: async () => clock.now() - start };
}

/** A complete v2 job's inputs: own code on a preset engine, OBS input and output, a public CPU flavour. */
export function jobInputs(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: "a provider test job",
    algorithm: {
      codeDir: "/bucket/code/",
      bootFile: "/bucket/code/train.py",
      engine: { engineName: "PyTorch", engineVersion: ENGINE },
      parameters: [{ name: "lr", value: "0.01" }],
      inputs: [{ name: "data_url", remote: { obs: { obsUrl: "/bucket/data/" } } }],
      outputs: [{ name: "train_url", remote: { obs: { obsUrl: "/bucket/out/" } } }],
      environments: { NCCL_DEBUG: "INFO" },
    },
    spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1 } },
    ...patch,
  };
}

/** `check` then `create`, as the engine calls them; asserts that `check` found nothing wrong. */
export async function checkAndCreate(h: EmulatedProvider, inputs: Record<string, unknown>) {
  const { inputs: checked, failures } = await h.provider.check({}, { ...inputs, __provider: SERIALIZED });
  assert.deepEqual(failures, []);
  return h.provider.create({ ...checked, __provider: SERIALIZED });
}
