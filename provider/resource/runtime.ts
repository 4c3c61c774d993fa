/**
 * The entry point the serialized stub loads in the provider process: it turns the stack's
 * `modelarts:` configuration into API clients and dispatches the engine's calls to the provider
 * implementation. One implementation per stub object (one per distinct serialized provider).
 */
import { createClient, parseProfiles, profileSettings, PROFILES_KEY, type ModelArtsSettings, type Profiles } from "../api/config";
import { ConfigurationError, ModelArtsError } from "../api/errors";
import type { ModelArtsApi } from "../api/types";
import { reportProgress } from "./progress";
import { TrainingJobProviderImpl, type JobTarget } from "./provider";

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
] as const;

export interface ConfigSource {
  get(key: string): unknown;
}

/**
 * Builds the provider from stack configuration (falling back to the environment per setting). A
 * resource that names a `profile` is served from `modelarts:profiles.<profile>` alone.
 */
export function providerFromConfig(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): TrainingJobProviderImpl {
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
  const clients = new Map<string, ModelArtsApi>();
  return new TrainingJobProviderImpl({
    clientFor(target: JobTarget) {
      const key = JSON.stringify([target.profile, target.region, target.projectId, target.endpoint]);
      let client = clients.get(key);
      if (!client) {
        const { profile, ...overrides } = target;
        client =
          profile === undefined
            ? createClient({ ...settings, ...overrides } as Partial<ModelArtsSettings>, env)
            : profileClient(profile, overrides);
        clients.set(key, client);
      }
      return client;
    },
    profileNames: () => [...loadProfiles().keys()],
    progress: reportProgress,
  });

  function profileClient(name: string, overrides: Omit<JobTarget, "profile">): ModelArtsApi {
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
      return createClient({ ...profileSettings(settings, profile), ...overrides }, {});
    } catch (error) {
      if (ModelArtsError.isInstance(error) && error.name === "ConfigurationError") {
        throw new ConfigurationError(`credentials profile "${name}" (${PROFILES_KEY}.${name}): ${error.message}`);
      }
      throw error;
    }
  }
}

const providers = new WeakMap<object, TrainingJobProviderImpl>();

type Method = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";

/** Called by the serialized stub for every engine call. */
export async function dispatch(stub: object, method: Method, args: unknown[]): Promise<unknown> {
  if (method === "configure") {
    const req = args[0] as { config?: ConfigSource } | undefined;
    providers.set(stub, providerFromConfig(req?.config));
    return undefined;
  }
  let provider = providers.get(stub);
  if (!provider) {
    provider = providerFromConfig(undefined);
    providers.set(stub, provider);
  }
  const fn = provider[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(provider, args);
}
