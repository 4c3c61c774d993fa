/**
 * The v2 functions (data sources), hosting-agnostic: the region's flavour and engine catalogues and
 * a read of one training job. The plugin serves them as `modelarts:v2:getFlavors`, `getEngines` and
 * `getTrainingJob`; `provider/v2/functions.ts` exports them to TypeScript programs.
 */
import type { JobTarget } from "../../shared/resource/lifecycle";
import type { EngineSpec, FlavorSpec, ModelArtsV2Api } from "../api/types";
import type { TrainingJobOutputs } from "./inputs";
import type { TrainingJobV2ProviderImpl } from "./provider";

/** Where a function looks: the same per-resource overrides of the provider configuration a job has. */
export interface FunctionTarget {
  /** Region override (else the profile's or `modelarts:region`). */
  region?: string;
  /** Project id override (else the profile's or `modelarts:projectId`). */
  projectId?: string;
  /** Endpoint URL override (else the profile's, `modelarts:endpoint` or the region's endpoint). */
  endpoint?: string;
  /** The named credentials profile (`modelarts:profiles.<profile>`) to call with. */
  profile?: string;
}

/** A kind of training flavour. */
export type FlavorType = "CPU" | "GPU" | "Ascend";

/** The arguments of `getFlavors`. */
export interface GetFlavorsArgs extends FunctionTarget {
  /** Only flavours of this kind. @default every kind */
  flavorType?: FlavorType;
}

/** The result of `getFlavors`. */
export interface GetFlavorsResult {
  /** The region's public training flavours (`spec.resource.flavorId` takes a `flavorId`). */
  flavors: FlavorSpec[];
}

/** The arguments of `getEngines`. */
export interface GetEnginesArgs extends FunctionTarget {
  /** Only engines of this name, e.g. `PyTorch`. @default every engine */
  engineName?: string;
  /** Only engines of this version, e.g. `pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64`. @default every version */
  engineVersion?: string;
}

/** The result of `getEngines`. */
export interface GetEnginesResult {
  /** The region's preset training engines (`algorithm.engine` takes their names and versions). */
  engines: EngineSpec[];
}

/** The arguments of `getTrainingJob`. */
export interface GetTrainingJobArgs extends FunctionTarget {
  /** The job's UUID. */
  id: string;
  /** The workspace to search when GET does not find the job at once. @default "0" */
  workspaceId?: string;
}

/** The result of `getTrainingJob`: the job as the service reports it, in the resource's shapes. */
export type GetTrainingJobResult = Omit<TrainingJobOutputs, "autonamePrefix" | "autonameSeed" | "jobNameAutonamed">;

function targetOfArgs(args: FunctionTarget): JobTarget {
  const target: JobTarget = {};
  for (const key of ["region", "projectId", "endpoint", "profile"] as const) {
    const value = args[key];
    if (typeof value === "string" && value !== "") target[key] = value;
  }
  return target;
}

/** The region's flavour catalogue, filtered by `flavorType`. */
export async function getFlavors(clientFor: (target: JobTarget) => ModelArtsV2Api, args: GetFlavorsArgs = {}): Promise<GetFlavorsResult> {
  const client = clientFor(targetOfArgs(args));
  const flavors = await client.listFlavors(args.flavorType !== undefined ? { flavorType: args.flavorType } : {});
  return { flavors };
}

/** The region's engine catalogue, filtered by `engineName` and `engineVersion`. */
export async function getEngines(clientFor: (target: JobTarget) => ModelArtsV2Api, args: GetEnginesArgs = {}): Promise<GetEnginesResult> {
  const client = clientFor(targetOfArgs(args));
  const engines = (await client.listEngines()).filter(
    (e) =>
      (args.engineName === undefined || e.engineName === args.engineName) &&
      (args.engineVersion === undefined || e.engineVersion === args.engineVersion),
  );
  return { engines };
}

/** One job read as `v2.TrainingJob.get` reads it; fails when the service does not know the id. */
export async function getTrainingJob(provider: TrainingJobV2ProviderImpl, args: GetTrainingJobArgs): Promise<GetTrainingJobResult> {
  const lookup: Record<string, unknown> = { ...targetOfArgs(args) };
  if (args.workspaceId !== undefined) lookup["workspaceId"] = args.workspaceId;
  const { props } = await provider.read(args.id, lookup);
  return props as unknown as GetTrainingJobResult;
}
