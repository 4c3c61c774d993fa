/**
 * The ModelArts training-job emulator (v1 under `/v1/`, v2 under `/v2/`), as a library.
 *
 * ```ts
 * const emu = await startEmulator({ deleteDelayMs: 120_000, frozenClock: true });
 * // point the client at emu.url (ModelArts and IAM endpoint alike) ...
 * emu.control.advance(120_000); // the deleted job is gone now
 * await emu.close();
 * ```
 */
// First: without fastify, fail here with the install command, before ./server loads it.
import "./preflight";
import { AccessKeyEntry, AuthSettings, TokenRegistry, isOpen } from "./auth";
import { BEHAVIOUR_KEYS, DEFAULT_BEHAVIOUR, EmulatorBehaviour, checkBehaviour } from "./behaviour";
import { defaultCatalogue } from "./catalogue";
import { EmulatorClock } from "./clock";
import { EmulatorController } from "./control";
import { FaultInjector } from "./faults";
import { RateLimiter } from "./rate-limit";
import { EmulatorOptions } from "./options";
import { RequestLog } from "./requestLog";
import { RuleBook } from "./rules";
import { buildServer } from "./server";
import { TrainingService } from "./service";
import { FileJobStore, InMemoryJobStore, JobStore, readStateFile } from "./store";
import { V2TrainingService } from "./v2/service";
import { V2JobStore, V2_SECTION } from "./v2/store";

export type { EmulatorOptions } from "./options";
export type { EmulatorBehaviour } from "./behaviour";
export { DEFAULT_BEHAVIOUR } from "./behaviour";
export { EmulatorClock } from "./clock";
export type { Clock, ClockState } from "./clock";
export { EmulatorController, ControlError } from "./control";
export type { ControlOperations, CreatedJob } from "./control";
export { EmulatorControl, EmulatorControlError } from "./controlClient";
export type { ScenarioRule, StoredRule, RuleMatch } from "./rules";
export type { RateLimit, RateLimitState } from "./rate-limit";
export type { FaultKind, FaultRate, FaultScript, FaultStep, FaultState, FaultPhase, StoredScript, FaultDefaults } from "./faults";
export type { RequestLogEntry, RequestFilter } from "./requestLog";
export type { JobView, JobPatch } from "./service";
export type { JobOverrides } from "./model";
export type { IamUser, AccessKeyEntry } from "./auth";
export type { FailStage, StageDurations } from "./lifecycle";
export type { NotFoundStyle } from "./errors";
export type { Catalogue } from "./catalogue";
export { EmulatorDependencyError } from "./dependencies";
export type { V2Behaviour } from "./v2/behaviour";
export type { V2PhasePatch } from "./v2/service";

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`: the ModelArts endpoint and the IAM endpoint (`/v3/auth/tokens`). */
  url: string;
  port: number;
  /** True when no access keys and no users are configured (any well-formed credentials pass). */
  openAuth: boolean;
  /** The control operations, in process (the same as the HTTP control API under `/__emulator/`). */
  control: EmulatorController;
  /** Stops the server (open connections are closed) and writes the state file, if any. */
  close(): Promise<void>;
}

const MAX_LONG = 9223372036854775807n;

function toLong(value: bigint | number | string, name: string): bigint {
  let n: bigint;
  try {
    n = BigInt(value);
  } catch {
    throw new RangeError(`${name} must be a non-negative integer, got ${JSON.stringify(String(value))}`);
  }
  if (n < 0n || n > MAX_LONG) throw new RangeError(`${name} must be between 0 and ${MAX_LONG}, got ${n}`);
  return n;
}

function behaviourFrom(options: EmulatorOptions): EmulatorBehaviour {
  const picked: Record<string, unknown> = {};
  for (const key of BEHAVIOUR_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  return { ...DEFAULT_BEHAVIOUR, ...checkBehaviour(picked) };
}

function authFrom(options: EmulatorOptions): AuthSettings {
  const accessKeys = new Map<string, AccessKeyEntry>();
  for (const [ak, v] of Object.entries(options.accessKeys ?? {})) {
    const entry = typeof v === "string" ? { secretKey: v } : v;
    if (!ak || !entry.secretKey) throw new RangeError(`accessKeys: access key "${ak}" needs a non-empty secret key`);
    accessKeys.set(ak, entry);
  }
  for (const u of options.users ?? []) {
    if (!u.name || !u.domainName || typeof u.password !== "string")
      throw new RangeError("users: every user needs name, password and domainName");
  }
  const settings: AuthSettings = { accessKeys, users: [...(options.users ?? [])], projectNames: { ...(options.projects ?? {}) } };
  if (options.projectId !== undefined)
    settings.projectIds = Array.isArray(options.projectId) ? [...options.projectId] : [options.projectId];
  return settings;
}

/** Starts an emulator on 127.0.0.1 (port 0 = a free port). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer 0..65535, got ${port}`);
  const behaviour = behaviourFrom(options);
  const initialBehaviour = Object.freeze({ ...behaviour });
  const clock = options.clock ?? new EmulatorClock();
  const idBase = toLong(options.idBase ?? 100_000, "idBase");
  const versionIdBase = toLong(options.versionIdBase ?? idBase + 1_000_000n, "versionIdBase");
  const auth = authFrom(options);

  let store: JobStore;
  let savedV2: unknown;
  if (options.stateFile) {
    const saved = readStateFile(options.stateFile);
    if (saved) clock.advance(saved.clockOffsetMs - clock.state().offsetMs);
    savedV2 = saved?.sections[V2_SECTION];
    store = new FileJobStore(
      options.stateFile,
      saved?.counters ?? { nextJobId: idBase, nextVersionId: versionIdBase },
      saved?.jobs ?? [],
      () => clock.state().offsetMs,
    );
  } else {
    store = new InMemoryJobStore({ nextJobId: idBase, nextVersionId: versionIdBase });
  }

  const catalogue = { ...defaultCatalogue(), ...(options.catalogue ?? {}) };
  const rules = new RuleBook();
  const faults = new FaultInjector(options.seed ?? 1, {
    latencyMs: options.latencyMs ?? 1000,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
  });
  // The emulator's clock: real time unless frozen, so benchmarks on emulated time see the limit too.
  const rateLimit = new RateLimiter(() => clock.now());
  const restoreStartup = () => {
    rateLimit.set(options.rateLimit ?? null);
    if (options.frozenClock) clock.freeze();
    for (const rule of options.rules ?? []) rules.add(rule);
    if (options.faults) faults.setRate(options.faults);
    for (const script of options.faultScripts ?? []) faults.addScript(script);
  };
  restoreStartup();

  const tokens = new TokenRegistry();
  const requestLog = new RequestLog();
  const service = new TrainingService({ clock, behaviour, catalogue, store, rules });
  const v2 = new V2TrainingService({ clock, behaviour, store: new V2JobStore(store, savedV2) });
  const control = new EmulatorController({
    clock,
    behaviour,
    initialBehaviour,
    service,
    v2,
    store,
    rules,
    faults,
    rateLimit,
    requestLog,
    tokens,
    restoreStartup,
  });
  let url = "";
  const app = buildServer({
    service,
    v2,
    control,
    auth,
    tokens,
    clock,
    behaviour,
    faults,
    rateLimit,
    requestLog,
    logControlRequests: options.logControlRequests ?? false,
    baseUrl: () => url,
  });
  await app.listen({ host: "127.0.0.1", port });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : port;
  url = `http://127.0.0.1:${actualPort}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    openAuth: isOpen(auth),
    control,
    close: () => {
      closed ??= (async () => {
        await app.close();
        store.close();
      })();
      return closed;
    },
  };
}
