/**
 * v1's part of the shared ownership rules (`provider/shared/resource/ownership.ts`): a job is looked
 * up by exact name with `findJobByName`, created with one `createJobs` POST, and compared with the
 * request through its current version's details (the config keys this create sets).
 */
import { isNotFound } from "../../shared/api/errors";
import {
  JOB_CONFIG_KEYS,
  type CreateJobRequest,
  type CreateJobResult,
  type JobSummary,
  type ModelArtsApi,
  type VersionDetails,
} from "../api/types";
import { submitJob as submitShared, type Submitted } from "../../shared/resource/ownership";
import type { Clock, PollSchedule } from "../../shared/resource/waiter";
import type { Deadline } from "../../shared/api/retry";

export { NOT_FOUND_GRACE_MS, OwnershipError } from "../../shared/resource/ownership";
export type { Submitted } from "../../shared/resource/ownership";

export interface SubmitOptions {
  client: ModelArtsApi;
  request: CreateJobRequest;
  /** True when the name was derived from project, stack and resource name (autonamed). */
  derivedName: boolean;
  /** Absolute time (on `clock`) by which the create must have settled. */
  deadline: number;
  clock: Clock;
  /** Backoff between look-ups and re-sends. */
  poll: PollSchedule;
  progress: (line: string) => void;
}

/** Creates the v1 job, or finds the one this resource made before (the shared rules). */
export function submitJob(o: SubmitOptions): Promise<Submitted<CreateJobResult>> {
  const workspaceId = o.request.workspaceId ?? "0";
  return submitShared<JobSummary, CreateJobResult>({
    jobName: o.request.jobName,
    workspaceId,
    projectId: o.client.projectId,
    derivedName: o.derivedName,
    deadline: o.deadline,
    clock: o.clock,
    poll: o.poll,
    progress: o.progress,
    retryCompare: isNotFound,
    hooks: {
      configNoun: "config",
      identify: (found) => ({ jobId: found.jobId, createTime: found.createTime }),
      findByName: (deadline) => o.client.findJobByName(o.request.jobName, { workspaceId, deadline }),
      post: () => o.client.createJob(o.request),
      compare: async (found, deadline) => {
        const version = await readVersion(o.client, found, deadline);
        const differing = version === undefined ? ["(no version to compare)"] : differingKeys(o.request.config, version);
        const job: CreateJobResult = {
          jobId: found.jobId,
          jobName: found.jobName,
          status: found.status,
          createTime: found.createTime,
          versionId: found.versionId,
          versionName: version?.versionName ?? "",
        };
        if (version?.resourceId !== undefined) job.resourceId = version.resourceId;
        return { differing, job };
      },
    },
  });
}

async function readVersion(client: ModelArtsApi, found: JobSummary, deadline: Deadline): Promise<VersionDetails | undefined> {
  if (found.versionId === "") return undefined;
  return client.getVersion(found.jobId, found.versionId, { deadline });
}

/** The config keys this create sets whose value the service reports differently. */
function differingKeys(sent: CreateJobRequest["config"], version: VersionDetails): string[] {
  return JOB_CONFIG_KEYS.filter((key) => {
    const value = sent[key];
    if (value === undefined) return false;
    const live = version[key];
    if (key === "parameters") {
      const norm = (list: unknown) =>
        JSON.stringify(((list ?? []) as Array<{ label: string; value: unknown }>).map((p) => [p.label, String(p.value)]));
      return norm(value) !== norm(live);
    }
    if (typeof value === "object") return false;
    return String(value) !== String(live ?? "");
  }).map((key) => `config.${key}`);
}
