/**
 * The `modelarts` provider plugin's calls, in plain values (no gRPC): the engine's configuration,
 * resource and function calls translated onto the one lifecycle (`TrainingJobProviderImpl`,
 * `TrainingJobV2ProviderImpl`) and the functions. `server.ts` binds it to the gRPC protocol.
 */
import { randomBytes } from "node:crypto";
import { ModelArtsError } from "../shared/api/errors";
import { PROFILES_KEY } from "../shared/api/config";
import { realCancellation, type Cancellation } from "../shared/resource/cancel";
import type { CheckFailure } from "../shared/resource/check";
import { reportProgress } from "../shared/resource/progress";
import type { JobTarget } from "../shared/resource/lifecycle";
import { CONFIG_KEYS, clientsFromConfig, type ConfigSource } from "../runtime";
import { createClient } from "../v1/api/client";
import type { ModelArtsApi } from "../v1/api/types";
import { getTrainingJob as getV1TrainingJob, type GetTrainingJobArgs as V1GetArgs } from "../v1/resource/functions";
import { TrainingJobProviderImpl } from "../v1/resource/provider";
import { createV2Client } from "../v2/api/client";
import type { ModelArtsV2Api } from "../v2/api/types";
import * as v2functions from "../v2/resource/functions";
import { TrainingJobV2ProviderImpl } from "../v2/resource/provider";

type Bag = Record<string, unknown>;

/** The package name: resource tokens are `modelarts:<module>:<Type>`. */
export const PACKAGE = "modelarts";
export const V2_TRAINING_JOB = "modelarts:v2:TrainingJob";
export const V1_TRAINING_JOB = "modelarts:v1:TrainingJob";
export const FUNCTIONS = [
  "modelarts:v2:getFlavors",
  "modelarts:v2:getEngines",
  "modelarts:v2:getTrainingJob",
  "modelarts:v1:getTrainingJob",
] as const;

/**
 * The provider resource's hidden per-stack identity, made once by `checkConfig` and kept from the
 * old inputs after that: it lives in the provider's state before any job exists, and seeds autonames.
 */
export const IDENTITY_KEY = "identity";

/** The lifecycle's own inputs that a program must not set (the adapter sets them from the URN and the identity). */
const AUTONAME_INPUTS = ["autonamePrefix", "autonameSeed", "jobNameAutonamed"] as const;

/** The settings a provider takes: the stack-config keys, without the `modelarts:` prefix, and `profiles`. */
export const PROVIDER_CONFIG_KEYS: readonly string[] = [...CONFIG_KEYS, "profiles"];

/** Raised for a call the plugin does not serve: a token it does not know. */
export class UnknownTokenError extends ModelArtsError {
  override readonly name = "UnknownTokenError";
}

export interface PluginProviderOptions {
  /** The environment each setting falls back to. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** A fresh identity. @default 16 random bytes, hex */
  newIdentity?: () => string;
  /** Builds the v1 lifecycle from a configuration (tests pass emulated clocks). */
  v1?: (config: ConfigSource, env: NodeJS.ProcessEnv, cancellation: Cancellation) => TrainingJobProviderImpl;
  /** Builds the v2 lifecycle from a configuration, and the v2 clients the functions call. */
  v2?: (config: ConfigSource, env: NodeJS.ProcessEnv, cancellation: Cancellation) => V2Parts;
  /** What `cancel()` ends: the waits on its clock and pollers. @default one on the real clock */
  cancellation?: Cancellation;
}

interface V2Parts {
  provider: TrainingJobV2ProviderImpl;
  clientFor: (target: JobTarget) => ModelArtsV2Api;
}

/** The parts of a URN the adapter needs: `urn:pulumi:<stack>::<project>::<parent$type>::<name>`. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const parts = urn.split("::");
  const head = parts[0] ?? "";
  const qualified = parts[2] ?? "";
  return {
    stack: head.startsWith("urn:pulumi:") ? head.slice("urn:pulumi:".length) : head,
    project: parts[1] ?? "",
    type: qualified.split("$").pop() ?? "",
    name: parts.slice(3).join("::"),
  };
}

function defaultV1(config: ConfigSource, env: NodeJS.ProcessEnv, { clock, pollers }: Cancellation): TrainingJobProviderImpl {
  const source = clientsFromConfig<ModelArtsApi>(config, env, (s, e) => createClient(s, e));
  return new TrainingJobProviderImpl({
    clientFor: source.clientFor,
    profileNames: source.profileNames,
    progress: reportProgress,
    clock,
    pollers,
  });
}

function defaultV2(config: ConfigSource, env: NodeJS.ProcessEnv, { clock, pollers }: Cancellation): V2Parts {
  const source = clientsFromConfig<ModelArtsV2Api>(config, env, (s, e) => createV2Client(s, e));
  const deps = { clientFor: source.clientFor, profileNames: source.profileNames, progress: reportProgress, clock, pollers };
  return { provider: new TrainingJobV2ProviderImpl(deps), clientFor: source.clientFor };
}

/**
 * One plugin process's provider: configured once by the engine (`configure`), then serving the
 * resources and functions of that configuration. Each explicit `modelarts` provider resource is
 * its own plugin process, so several accounts are several instances.
 */
export class PluginProvider {
  private readonly env: NodeJS.ProcessEnv;
  private readonly newIdentity: () => string;
  private readonly makeV1: NonNullable<PluginProviderOptions["v1"]>;
  private readonly makeV2: NonNullable<PluginProviderOptions["v2"]>;
  private config: ConfigSource = { get: () => undefined };
  private identity = "";
  private v1?: TrainingJobProviderImpl;
  private v2?: V2Parts;
  private readonly cancellation: Cancellation;

  constructor(options: PluginProviderOptions = {}) {
    this.env = options.env ?? process.env;
    this.newIdentity = options.newIdentity ?? (() => randomBytes(16).toString("hex"));
    this.makeV1 = options.v1 ?? defaultV1;
    this.makeV2 = options.v2 ?? defaultV2;
    this.cancellation = options.cancellation ?? realCancellation();
  }

  /** The engine's Cancel (Ctrl-C): every wait ends now; a job the service accepted is still recorded. */
  cancel(): void {
    this.cancellation.cancel();
  }

  /**
   * Keeps the configuration as given (secrets stay marked for the engine) and adds the identity:
   * the old one when the provider has one, else a new one. Unknown keys are refused by name.
   */
  checkConfig(olds: Bag, news: Bag): { inputs: Bag; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    for (const key of Object.keys(news)) {
      if (key === IDENTITY_KEY || key === "version" || PROVIDER_CONFIG_KEYS.includes(key)) continue;
      failures.push({
        property: key,
        reason: `${key} is not a modelarts provider setting; the settings are ${PROVIDER_CONFIG_KEYS.join(", ")}`,
      });
    }
    const old = olds[IDENTITY_KEY];
    const identity = typeof old === "string" && old !== "" ? old : this.newIdentity();
    return { inputs: { ...news, [IDENTITY_KEY]: identity }, failures };
  }

  /** A changed setting is an update of the provider, never a replacement (which would replace every job). */
  diffConfig(olds: Bag, news: Bag): { changes: boolean; diffs: string[] } {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    keys.delete(IDENTITY_KEY);
    const diffs = [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
    return { changes: diffs.length > 0, diffs };
  }

  /** Takes the provider's settings (plain values: the engine strips secrets for this provider). */
  configure(args: Bag): void {
    const settings: Bag = { ...args };
    const identity = settings[IDENTITY_KEY];
    delete settings[IDENTITY_KEY];
    this.identity = typeof identity === "string" ? identity : "";
    this.config = {
      get: (key: string) => {
        if (key === PROFILES_KEY) return settings["profiles"];
        return key.startsWith(`${PACKAGE}:`) ? settings[key.slice(PACKAGE.length + 1)] : undefined;
      },
    };
    this.v1 = undefined;
    this.v2 = undefined;
  }

  /** Autonames from the resource name and the stack's identity, then the lifecycle's own check. */
  async check(urn: string, olds: Bag, news: Bag): Promise<{ inputs: Bag; failures: CheckFailure[] }> {
    const { stack, project, type, name } = parseUrn(urn);
    const inputs: Bag = { ...news };
    for (const key of AUTONAME_INPUTS) delete inputs[key];
    inputs["autonamePrefix"] = name;
    inputs["autonameSeed"] = this.identity === "" ? `${project}/${stack}` : `${project}/${stack}/${this.identity}`;
    return this.lifecycle(type).check(olds, inputs);
  }

  diff(id: string, urn: string, olds: Bag, news: Bag) {
    return this.lifecycle(parseUrn(urn).type).diff(id, olds, news);
  }

  create(urn: string, inputs: Bag): Promise<{ id: string; outs: Bag }> {
    return this.lifecycle(parseUrn(urn).type).create(inputs);
  }

  /**
   * A refresh (the stored outputs) or an import (no outputs: the job is read from the service,
   * its inputs included, so that the program that declares it next previews no change).
   */
  read(id: string, urn: string, props: Bag): Promise<{ id?: string; props?: Bag; inputs?: Bag }> {
    return this.lifecycle(parseUrn(urn).type).read(id, props);
  }

  update(id: string, urn: string, olds: Bag, news: Bag): Promise<{ outs: Bag }> {
    return this.lifecycle(parseUrn(urn).type).update(id, olds, news);
  }

  delete(id: string, urn: string, props: Bag): Promise<void> {
    return this.lifecycle(parseUrn(urn).type).delete(id, props);
  }

  /** The functions: failures name the argument; a service error rejects. */
  async invoke(token: string, args: Bag): Promise<{ outputs?: Bag; failures?: CheckFailure[] }> {
    switch (token) {
      case "modelarts:v2:getFlavors": {
        const flavorType = args["flavorType"];
        if (flavorType !== undefined && !["CPU", "GPU", "Ascend"].includes(flavorType as string)) {
          return {
            failures: [
              { property: "flavorType", reason: `flavorType must be one of CPU, GPU, Ascend (got ${JSON.stringify(flavorType)})` },
            ],
          };
        }
        return { outputs: { ...(await v2functions.getFlavors(this.v2Parts().clientFor, args as v2functions.GetFlavorsArgs)) } };
      }
      case "modelarts:v2:getEngines":
        return { outputs: { ...(await v2functions.getEngines(this.v2Parts().clientFor, args as v2functions.GetEnginesArgs)) } };
      case "modelarts:v2:getTrainingJob": {
        const failure = requireId(args);
        if (failure) return { failures: [failure] };
        return {
          outputs: { ...(await v2functions.getTrainingJob(this.v2Parts().provider, args as unknown as v2functions.GetTrainingJobArgs)) },
        };
      }
      case "modelarts:v1:getTrainingJob": {
        const failure = requireId(args);
        if (failure) return { failures: [failure] };
        return { outputs: { ...(await getV1TrainingJob(this.v1Lifecycle(), args as unknown as V1GetArgs)) } };
      }
      default:
        throw new UnknownTokenError(`unknown function ${token}; the modelarts functions are ${FUNCTIONS.join(", ")}`);
    }
  }

  private lifecycle(type: string): TrainingJobProviderImpl | TrainingJobV2ProviderImpl {
    if (type === V2_TRAINING_JOB) return this.v2Parts().provider;
    if (type === V1_TRAINING_JOB) return this.v1Lifecycle();
    throw new UnknownTokenError(`unknown resource type ${type}; the modelarts resources are ${V2_TRAINING_JOB} and ${V1_TRAINING_JOB}`);
  }

  private v1Lifecycle(): TrainingJobProviderImpl {
    return (this.v1 ??= this.makeV1(this.config, this.env, this.cancellation));
  }

  private v2Parts() {
    return (this.v2 ??= this.makeV2(this.config, this.env, this.cancellation));
  }
}

function requireId(args: Bag): CheckFailure | undefined {
  const id = args["id"];
  if (typeof id === "string" && id !== "") return undefined;
  return { property: "id", reason: "id is required: the job's id" };
}
