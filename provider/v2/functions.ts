/**
 * The v2 functions for TypeScript programs (`v2.getFlavors(...)`): the same as the plugin's
 * `modelarts:v2:*` functions, called with the stack's `modelarts:*` configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { clientsFromConfig, v2ProviderFromConfig, type ConfigSource } from "../runtime";
import { createV2Client } from "./api/client";
import type { ModelArtsV2Api } from "./api/types";
import * as functions from "./resource/functions";
import type {
  GetEnginesArgs,
  GetEnginesResult,
  GetFlavorsArgs,
  GetFlavorsResult,
  GetTrainingJobArgs,
  GetTrainingJobResult,
} from "./resource/functions";

export type { GetEnginesArgs, GetEnginesResult, GetFlavorsArgs, GetFlavorsResult, GetTrainingJobArgs, GetTrainingJobResult };

/** The running program's `modelarts:*` configuration. */
function stackConfig(): ConfigSource {
  return { get: (key) => pulumi.runtime.getConfig(key) };
}

/**
 * The region's public training flavours, optionally of one `flavorType`.
 * @example
 * ```ts
 * const { flavors } = await v2.getFlavors({ flavorType: "CPU" });
 * ```
 */
export function getFlavors(args: GetFlavorsArgs = {}): Promise<GetFlavorsResult> {
  const source = clientsFromConfig<ModelArtsV2Api>(stackConfig(), process.env, createV2Client);
  return functions.getFlavors(source.clientFor, args);
}

/**
 * The region's preset training engines, optionally of one `engineName` (and `engineVersion`).
 * @example
 * ```ts
 * const { engines } = await v2.getEngines({ engineName: "PyTorch" });
 * ```
 */
export function getEngines(args: GetEnginesArgs = {}): Promise<GetEnginesResult> {
  const source = clientsFromConfig<ModelArtsV2Api>(stackConfig(), process.env, createV2Client);
  return functions.getEngines(source.clientFor, args);
}

/** Reads one v2 training job by id, without managing it (as `v2.TrainingJob.get`, but as plain data). */
export function getTrainingJob(args: GetTrainingJobArgs): Promise<GetTrainingJobResult> {
  return functions.getTrainingJob(v2ProviderFromConfig(stackConfig()), args);
}
