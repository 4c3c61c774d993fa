/**
 * Inline programs and fixtures for the v2 end-to-end scenarios. They import the package by name, as
 * a user's program does (the checkout resolves `pulumi-modelarts` to its own build).
 */
import * as pulumi from "@pulumi/pulumi";
import { v2 } from "pulumi-modelarts";
import type { Algorithm, Spec } from "../../provider/v2/api/types";

/** The args of `new v2.TrainingJob(name, args)`. */
export type V2Args = v2.TrainingJobArgs;

/** The preset engine of the fixtures, by id (the examples name theirs by name and version). */
export const ENGINE_ID = "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64";

/** A valid algorithm for the emulator's catalogue: own code on a preset engine, OBS input and output. */
export function v2Algorithm(overrides: Partial<Algorithm> = {}): Algorithm {
  return {
    codeDir: "/e2e-bucket/v2/code/",
    bootFile: "/e2e-bucket/v2/code/train.py",
    engine: { engineId: ENGINE_ID },
    parameters: [{ name: "epochs", value: "3" }],
    inputs: [{ name: "data_url", remote: { obs: { obsUrl: "/e2e-bucket/v2/data/" } } }],
    outputs: [{ name: "train_url", remote: { obs: { obsUrl: "/e2e-bucket/v2/output/" } } }],
    environments: { E2E: "1" },
    ...overrides,
  };
}

/** A public CPU flavour of the emulator's catalogue ("Computing CPU(8U) instance", at most 16 nodes). */
export function v2Spec(overrides: Partial<Spec["resource"]> = {}): Spec {
  return { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1, ...overrides } };
}

/** The flavour name the emulator reports for {@link v2Spec}'s flavour. */
export const FLAVOR_NAME = "Computing CPU(8U) instance";

/**
 * The create body (snake_case, as on the wire) of a job with `v2Algorithm()` and `v2Spec()`: what
 * a colleague's script would have sent, for jobs made behind Pulumi's back.
 */
export function v2WireBody(name: string, description = "created by hand"): Record<string, unknown> {
  return {
    kind: "job",
    metadata: { name, description, workspace_id: "0" },
    algorithm: {
      code_dir: "/e2e-bucket/v2/code/",
      boot_file: "/e2e-bucket/v2/code/train.py",
      engine: { engine_id: ENGINE_ID },
      parameters: [{ name: "epochs", value: "3" }],
      inputs: [{ name: "data_url", remote: { obs: { obs_url: "/e2e-bucket/v2/data/" } } }],
      outputs: [{ name: "train_url", remote: { obs: { obs_url: "/e2e-bucket/v2/output/" } } }],
      environments: { E2E: "1" },
    },
    spec: { resource: { flavor_id: "modelarts.vm.cpu.8u", node_count: 1 } },
  };
}

/** The outputs every single-job v2 program exports. */
export const V2_JOB_OUTPUTS = [
  "jobId",
  "jobName",
  "phase",
  "secondaryPhase",
  "createTime",
  "startTime",
  "duration",
  "flavorName",
  "tasks",
] as const;

/**
 * A program declaring one v2 TrainingJob named `name`, whose args (and options) are read from
 * `current` each time the program runs, so a scenario changes them between operations.
 */
export function singleV2Job(
  name: string,
  current: () => { args: V2Args; opts?: pulumi.CustomResourceOptions },
): () => Promise<Record<string, unknown>> {
  return async () => {
    const { args, opts } = current();
    const job = new v2.TrainingJob(name, args, opts);
    return Object.fromEntries(V2_JOB_OUTPUTS.map((key) => [key, job[key]]));
  };
}
