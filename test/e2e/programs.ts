/**
 * Inline programs for the end-to-end scenarios. They import the package by name, as a user's
 * program does (the checkout resolves `pulumi-modelarts` to its own build).
 */
import * as pulumi from "@pulumi/pulumi";
import { TrainingJob, type TrainingJobArgs, type TrainingJobConfig } from "pulumi-modelarts";

/** A valid job config for the emulator's default catalogue (flavour 1, TensorFlow engine 4). */
export function jobConfig(overrides: Partial<TrainingJobConfig> = {}): TrainingJobConfig {
  return {
    workerServerNum: 1,
    specId: 1,
    engineId: 4,
    appUrl: "/e2e-bucket/code/",
    bootFileUrl: "/e2e-bucket/code/train.py",
    dataUrl: "/e2e-bucket/data/",
    trainUrl: "/e2e-bucket/output/",
    parameters: [{ label: "epochs", value: "3" }],
    ...overrides,
  };
}

/** The outputs every single-job program exports. */
export const JOB_OUTPUTS = [
  "jobId",
  "jobName",
  "versionId",
  "versionName",
  "status",
  "statusName",
  "createTime",
  "duration",
  "versionCount",
] as const;

/**
 * A program declaring one TrainingJob named `name`, whose args (and options) are read from `current`
 * each time the program runs, so a scenario changes them between operations.
 */
export function singleJob(
  name: string,
  current: () => { args: TrainingJobArgs; opts?: pulumi.CustomResourceOptions },
): () => Promise<Record<string, unknown>> {
  return async () => {
    const { args, opts } = current();
    const job = new TrainingJob(name, args, opts);
    return Object.fromEntries(JOB_OUTPUTS.map((key) => [key, job[key]]));
  };
}
