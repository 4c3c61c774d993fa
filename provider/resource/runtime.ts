/**
 * The entry point the serialized stub loads in the provider process: it turns the stack's
 * `modelarts:` configuration into API clients and dispatches the engine's calls to the provider
 * implementation. One implementation per stub object (one per distinct serialized provider).
 */
import { createClient, type ModelArtsSettings } from "../api/config";
import type { ModelArtsApi } from "../api/types";
import { reportProgress } from "./progress";
import { TrainingJobProviderImpl, type JobTarget } from "./provider";

/** The stack-config keys read under the `modelarts:` namespace. */
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
  get(key: string): string | undefined;
}

/** Builds the provider from stack configuration (falling back to the environment per setting). */
export function providerFromConfig(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): TrainingJobProviderImpl {
  const settings: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = config?.get(`modelarts:${key}`);
    if (value !== undefined && value !== "") settings[key] = value;
  }
  const clients = new Map<string, ModelArtsApi>();
  return new TrainingJobProviderImpl({
    clientFor(target: JobTarget) {
      const key = JSON.stringify([target.region, target.projectId, target.endpoint]);
      let client = clients.get(key);
      if (!client) {
        client = createClient({ ...settings, ...target } as Partial<ModelArtsSettings>, env);
        clients.set(key, client);
      }
      return client;
    },
    progress: reportProgress,
  });
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
