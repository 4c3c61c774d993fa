/** Shared helpers of the emulator conformance tests: plain HTTP (fetch), no project client. */
import { EmulatorOptions, RunningEmulator, startEmulator } from "../../emulator/index";

export const PROJECT = "0123456789abcdef0123456789abcdef";
export const OTHER_PROJECT = "fedcba9876543210fedcba9876543210";

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body (numbers above 2^53 lose digits: check `text` for those). */
  json: Record<string, unknown>;
}

export interface Caller {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
}

/** A caller for one project with a token header (open mode accepts any non-empty token). */
export function caller(emu: RunningEmulator, project = PROJECT, token = "test-token"): Caller {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = {
      method,
      headers: { "content-type": "application/json", "x-auth-token": token, ...headers },
    };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const res = await fetch(`${emu.url}/v1/${project}${path}`, init);
    return answer(res);
  };
}

export async function answer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = {};
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A valid create body (code directory, OBS data, public flavour 1). */
export function jobBody(name: string, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    job_name: name,
    job_desc: "a test job",
    config: {
      worker_server_num: 1,
      app_url: "/bucket/app/",
      boot_file_url: "/bucket/app/train.py",
      data_url: "/bucket/data/",
      train_url: "/bucket/out/",
      spec_id: 1,
      engine_id: 1,
      parameter: [{ label: "lr", value: "0.01" }],
      ...config,
    },
    ...extra,
  };
}

/** Removes keys whose value is undefined (to drop fields from a body). */
export function without(config: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out = { ...config };
  for (const k of keys) delete out[k];
  return out;
}

/** Starts an emulator with a frozen clock for the suite; returns getters set in before/after hooks. */
export function useEmulator(options: EmulatorOptions = {}): { emu: () => RunningEmulator; call: () => Caller } {
  let emu: RunningEmulator | undefined;
  before(async () => {
    emu = await startEmulator({ frozenClock: true, ...options });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => {
    emu?.control.reset();
  });
  return {
    emu: () => emu as RunningEmulator,
    call: () => caller(emu as RunningEmulator),
  };
}

/** Creates a job and returns its ids as strings (from the raw text, exact). */
export async function createJob(
  call: Caller,
  name: string,
  config: Record<string, unknown> = {},
): Promise<{ jobId: string; versionId: string }> {
  const res = await call("POST", "/training-jobs", jobBody(name, config));
  if (res.status !== 200) throw new Error(`create ${name} failed: ${res.status} ${res.text}`);
  return { jobId: rawField(res.text, "job_id"), versionId: rawField(res.text, "version_id") };
}

/** A numeric or string field read from the raw JSON text without losing digits. */
export function rawField(text: string, key: string): string {
  const m = new RegExp(`"${key}":"?(\\d+)"?`).exec(text);
  if (!m) throw new Error(`no ${key} in ${text}`);
  return m[1] as string;
}

/** Polls `fn` until it returns true, or fails after `timeoutMs` (no fixed sleeps). */
export async function waitFor(fn: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
