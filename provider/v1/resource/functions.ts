/**
 * The v1 function, hosting-agnostic: a read of one old-version training job. The plugin serves it as
 * `modelarts:v1:getTrainingJob`; `provider/v1/functions.ts` exports it to TypeScript programs.
 */
import type { JobTarget } from "../../shared/resource/lifecycle";
import type { TrainingJobOutputs } from "./inputs";
import type { TrainingJobProviderImpl } from "./provider";

/** The arguments of v1 `getTrainingJob`. */
export interface GetTrainingJobArgs {
  /** The job id (a decimal string). */
  id: string;
  /** Region override (else the profile's or `modelarts:region`). */
  region?: string;
  /** Project id override (else the profile's or `modelarts:projectId`). */
  projectId?: string;
  /** Endpoint URL override (else the profile's, `modelarts:endpoint` or the region's endpoint). */
  endpoint?: string;
  /** The named credentials profile (`modelarts:profiles.<profile>`) to call with. */
  profile?: string;
}

/** The result of v1 `getTrainingJob`: the job and its current version as the service reports them. */
export type GetTrainingJobResult = Omit<TrainingJobOutputs, "autonamePrefix" | "autonameSeed" | "jobNameAutonamed">;

/** One job read as `TrainingJob.get` reads it; fails when the service does not know the id. */
export async function getTrainingJob(provider: TrainingJobProviderImpl, args: GetTrainingJobArgs): Promise<GetTrainingJobResult> {
  const lookup: Partial<JobTarget> = {};
  for (const key of ["region", "projectId", "endpoint", "profile"] as const) {
    const value = args[key];
    if (typeof value === "string" && value !== "") lookup[key] = value;
  }
  const { props } = await provider.read(args.id, { ...lookup });
  return props as unknown as GetTrainingJobResult;
}
