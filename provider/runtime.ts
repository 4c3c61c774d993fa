/**
 * The entry point the serialized stub loads in the provider process: it turns the stack's
 * `modelarts:` configuration into API clients and dispatches the engine's calls to the provider
 * implementation. One implementation per stub object (one per distinct serialized provider).
 */
import {
  createClient,
  parseProfiles,
  profileSettings,
  PROFILES_KEY,
  resolveClientConfig,
  type ModelArtsSettings,
  type Profiles,
} from "./shared/api/config";
import type { ResolvedPlace } from "./shared/resource/lifecycle";
import { ConfigurationError, ModelArtsError } from "./shared/api/errors";
import type { ModelArtsApi } from "./v1/api/types";
import { shapeFailure } from "./shared/resource/failure";
import { cancelSeen } from "./shared/resource/cancel";
import { PROGRESS_URN_KEY, reportProgress, withOperation } from "./shared/resource/progress";
import { TrainingJobProviderImpl, type JobTarget } from "./v1/resource/provider";
import { createV2Client } from "./v2/api/client";
import type { ModelArtsV2Api } from "./v2/api/types";
import { TrainingJobV2ProviderImpl } from "./v2/resource/provider";
import { StackIdentityProviderImpl } from "./shared/resource/stack-identity";

/** The stack-config keys read under the `modelarts:` namespace (besides `modelarts:profiles`). */
export const CONFIG_KEYS = [
  "cloud",
  "region",
  "projectId",
  "endpoint",
  "accessKey",
  "secretKey",
  "securityToken",
  "iamEndpoint",
  "username",
  "password",
  "domainName",
  "projectName",
  "token",
  "requestTimeout",
  "maxAttempts",
  "maxRetryDuration",
  "maxRequestsPerSecond",
] as const;

export interface ConfigSource {
  get(key: string): unknown;
}

/** Per-target API clients built from the stack's `modelarts:` settings and profiles, and the profiles' names. */
export interface ClientSource<C> {
  clientFor(target: JobTarget): C;
  /** Where a target resolves to (endpoint, region, project), from the same settings as its client. */
  locate(target: JobTarget): ResolvedPlace;
  profileNames(): readonly string[];
}

/**
 * Clients from stack configuration (falling back to the environment per setting), one per target,
 * made by `make` (the v1 or v2 client factory). A resource that names a `profile` is served from
 * `modelarts:profiles.<profile>` alone.
 */
export function clientsFromConfig<C>(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
  make: (settings: Partial<ModelArtsSettings>, env: NodeJS.ProcessEnv) => C,
): ClientSource<C> {
  const settings: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = config?.get(`modelarts:${key}`);
    if (value !== undefined && value !== null && value !== "") settings[key] = String(value);
  }
  const raw = config?.get(PROFILES_KEY);
  // Parsed only when a resource names a profile: a malformed entry must not break the stack's other jobs.
  let profiles: Profiles | undefined;
  const loadProfiles = (): Profiles =>
    (profiles ??= parseProfiles(typeof raw === "string" || raw === undefined ? (raw as string | undefined) : JSON.stringify(raw)));
  const clients = new Map<string, C>();
  return {
    clientFor(target: JobTarget) {
      const key = JSON.stringify([target.profile, target.region, target.projectId, target.endpoint]);
      let client = clients.get(key);
      if (!client) {
        client = fromSettings(target, make);
        clients.set(key, client);
      }
      return client;
    },
    locate(target: JobTarget) {
      const { endpoint, region, projectId } = fromSettings(target, resolveClientConfig);
      return { endpoint, projectId, ...(region !== undefined ? { region } : {}) };
    },
    profileNames: () => [...loadProfiles().keys()],
  };

  /** `build` applied to the target's settings: the top-level ones with its overrides, or its profile's alone. */
  function fromSettings<T>(target: JobTarget, build: (settings: Partial<ModelArtsSettings>, env: NodeJS.ProcessEnv) => T): T {
    const { profile, ...overrides } = target;
    return profile === undefined
      ? build({ ...settings, ...overrides } as Partial<ModelArtsSettings>, env)
      : profileBuild(profile, overrides, build);
  }

  function profileBuild<T>(
    name: string,
    overrides: Omit<JobTarget, "profile">,
    build: (settings: Partial<ModelArtsSettings>, env: NodeJS.ProcessEnv) => T,
  ): T {
    const profile = loadProfiles().get(name);
    if (profile === undefined) {
      const known = [...loadProfiles().keys()].sort();
      throw new ConfigurationError(
        `profile: the credentials profile "${name}" is not defined in ${PROFILES_KEY}` +
          (known.length === 0 ? " (no profile is defined)" : `; the profiles are: ${known.join(", ")}`),
      );
    }
    try {
      // No environment: a profile is complete in itself, and never borrows the environment's identity.
      return build({ ...profileSettings(settings, profile), ...overrides }, {});
    } catch (error) {
      if (ModelArtsError.isInstance(error) && error.name === "ConfigurationError") {
        throw new ConfigurationError(`credentials profile "${name}" (${PROFILES_KEY}.${name}): ${error.message}`);
      }
      throw error;
    }
  }
}

/**
 * Builds the v1 provider from stack configuration (falling back to the environment per setting). A
 * resource that names a `profile` is served from `modelarts:profiles.<profile>` alone.
 */
export function providerFromConfig(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): TrainingJobProviderImpl {
  const source = clientsFromConfig<ModelArtsApi>(config, env, (settings, e) => createClient(settings, e));
  return new TrainingJobProviderImpl({
    clientFor: source.clientFor,
    locate: source.locate,
    profileNames: source.profileNames,
    progress: reportProgress,
  });
}

/** Builds the v2 provider from the same `modelarts:` configuration and profiles, with v2 clients. */
export function v2ProviderFromConfig(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): TrainingJobV2ProviderImpl {
  const source = clientsFromConfig<ModelArtsV2Api>(config, env, (settings, e) => createV2Client(settings, e));
  return new TrainingJobV2ProviderImpl({
    clientFor: source.clientFor,
    locate: source.locate,
    profileNames: source.profileNames,
    progress: reportProgress,
  });
}

/**
 * The provider a stub serves: v2 for stubs marked `a: "v2"`, the stack identity for `a: "identity"`,
 * v1 for every other (states written before v2 have no mark).
 */
function providerFor(stub: object, config: ConfigSource | undefined): AnyProvider {
  const kind = (stub as { a?: string }).a;
  if (kind === "identity") return new StackIdentityProviderImpl();
  return kind === "v2" ? v2ProviderFromConfig(config) : providerFromConfig(config);
}

type AnyProvider = TrainingJobProviderImpl | TrainingJobV2ProviderImpl | StackIdentityProviderImpl;

const providers = new WeakMap<object, AnyProvider>();

type Method = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";

/** Where each method finds the resource's inputs or state, which carry its URN. */
const PROPS_ARG: Record<Exclude<Method, "configure">, number> = { check: 1, diff: 2, create: 0, read: 1, update: 2, delete: 1 };

/** Methods that wait on the service, and so get a heartbeat. */
const WAITING = new Set<Method>(["create", "update", "delete"]);

/**
 * Called by the serialized stub for every engine call. Runs the call in its resource's progress
 * context, and shapes its failure for the dynamic-provider host (see `failure.ts`): an error the user
 * can act on is printed once, without stack frames.
 */
export async function dispatch(stub: object, method: Method, args: unknown[]): Promise<unknown> {
  watchForCancel();
  if (method === "configure") {
    const req = args[0] as { config?: ConfigSource } | undefined;
    providers.set(stub, providerFor(stub, req?.config));
    return undefined;
  }
  let provider = providers.get(stub);
  if (!provider) {
    provider = providerFor(stub, undefined);
    providers.set(stub, provider);
  }
  const fn = provider[method] as (...a: unknown[]) => Promise<unknown>;
  const props = args[PROPS_ARG[method]] as Record<string, unknown> | undefined;
  const urn = props?.[PROGRESS_URN_KEY];
  return withOperation(
    urn,
    async () => {
      try {
        if (method === "check") return await checkCarryingUrn(provider, args as [Record<string, unknown>, Record<string, unknown>], urn);
        return await fn.apply(provider, args);
      } catch (error) {
        throw await shapeFailure(error, method);
      }
    },
    { heartbeat: WAITING.has(method) },
  );
}

/**
 * `check` without the hidden URN (the runtime's concern, not an input the provider validates or
 * autonames from), which then goes back into the checked inputs so that the state carries it.
 */
async function checkCarryingUrn(
  provider: AnyProvider,
  [olds, news]: [Record<string, unknown>, Record<string, unknown>],
  urn: unknown,
): Promise<unknown> {
  const { [PROGRESS_URN_KEY]: _old, ...oldInputs } = olds ?? {};
  const { [PROGRESS_URN_KEY]: _new, ...newInputs } = news ?? {};
  const result = await provider.check(oldInputs, newInputs);
  if (urn !== undefined) result.inputs[PROGRESS_URN_KEY] = urn;
  return result;
}

/** The engine's Cancel call on the provider's gRPC service. */
const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";
let watching = false;

/**
 * The dynamic-provider host answers the engine's `Cancel` (the first Ctrl-C) and does nothing else,
 * and no signal reaches this process. Its gRPC server is an HTTP/2 server in this process, though:
 * listening to that server's request streams (never answering them) shows the `Cancel` arriving, so
 * the waiting rows can say it was seen and how to stop now. Node lists the server among the
 * process's active handles; where it does not (another Node.js, another host), nothing is watched.
 */
function watchForCancel(): void {
  if (watching) return;
  watching = true;
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  for (const handle of handles) {
    if (typeof handle !== "object" || handle === null || handle.constructor?.name !== "Http2Server") continue;
    (handle as { on(event: "stream", listener: (stream: unknown, headers: Record<string, unknown>) => void): void }).on(
      "stream",
      (_stream, headers) => {
        if (headers[":path"] === CANCEL_PATH) cancelSeen();
      },
    );
  }
}
