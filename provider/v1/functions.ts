/**
 * The v1 function for TypeScript programs (`getTrainingJob(...)`): the same as the plugin's
 * `modelarts:v1:getTrainingJob`, called with the stack's `modelarts:*` configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { providerFromConfig } from "../runtime";
import { getTrainingJob as read, type GetTrainingJobArgs, type GetTrainingJobResult } from "./resource/functions";

export type { GetTrainingJobArgs, GetTrainingJobResult };

/** Reads one old-version (v1) training job by id, without managing it (as `TrainingJob.get`, but as plain data). */
export function getTrainingJob(args: GetTrainingJobArgs): Promise<GetTrainingJobResult> {
  return read(providerFromConfig({ get: (key) => pulumi.runtime.getConfig(key) }), args);
}
