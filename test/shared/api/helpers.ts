/** Shared helpers of the API client tests: an emulator with known (fake) credentials, and clients for it. */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../emulator/index";
import { ModelArtsClient, type ClientOptions } from "../../../provider/v1/api/client";
import { resolveClientConfig, type ModelArtsSettings } from "../../../provider/shared/api/config";
import type { CreateJobRequest } from "../../../provider/v1/api/types";

export const PROJECT = "0123456789abcdef0123456789abcdef";
export const AK = "AKTESTCLIENT00000001";
export const SK = "SK-test-s3cr3t-key-do-not-print-0001";
export const USER = "alice";
export const PASSWORD = "alice-passw0rd-do-not-print-0001";
export const DOMAIN = "acme";

/** Credentials the emulator knows; the client gets the same ones (or wrong ones) per test. */
export function emulatorOptions(extra: EmulatorOptions = {}): EmulatorOptions {
  return {
    accessKeys: { [AK]: SK },
    users: [{ name: USER, password: PASSWORD, domainName: DOMAIN }],
    projects: { "eu-de": PROJECT },
    frozenClock: true,
    ...extra,
  };
}

export async function startTestEmulator(extra: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator(emulatorOptions(extra));
}

/** Fast retries for tests that are not about timing. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 } as const;

export function akskClient(emu: RunningEmulator, settings: Partial<ModelArtsSettings> = {}, options: ClientOptions = {}): ModelArtsClient {
  return new ModelArtsClient(
    resolveClientConfig({ endpoint: emu.url, projectId: PROJECT, accessKey: AK, secretKey: SK, ...settings }, {}),
    { retry: FAST_RETRY, ...options },
  );
}

export function passwordClient(
  emu: RunningEmulator,
  settings: Partial<ModelArtsSettings> = {},
  options: ClientOptions = {},
): ModelArtsClient {
  return new ModelArtsClient(
    resolveClientConfig(
      { endpoint: emu.url, projectId: PROJECT, username: USER, password: PASSWORD, domainName: DOMAIN, projectName: "eu-de", ...settings },
      {},
    ),
    { retry: FAST_RETRY, ...options },
  );
}

/** A valid create request (code directory, OBS data, public flavour 1). */
export function jobRequest(jobName: string): CreateJobRequest {
  return {
    jobName,
    jobDesc: "a test job",
    config: {
      workerServerNum: 1,
      appUrl: "/bucket/app/",
      bootFileUrl: "/bucket/app/train.py",
      dataUrl: "/bucket/data/",
      trainUrl: "/bucket/out/",
      specId: 1,
      engineId: 1,
      parameters: [{ label: "lr", value: "0.01" }],
    },
  };
}

/** Polls `probe` until it returns true, within a deadline (never a fixed sleep). */
export async function waitFor(probe: () => boolean | Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
