/** Training-job status codes of the v1 API (docs/api-v1.md §4) and their classes. */
export const JOB_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: "JOBSTAT_UNKNOWN",
  1: "JOBSTAT_INIT",
  2: "JOBSTAT_IMAGE_CREATING",
  3: "JOBSTAT_IMAGE_FAILED",
  4: "JOBSTAT_SUBMIT_TRYING",
  5: "JOBSTAT_SUBMIT_FAILED",
  6: "JOBSTAT_DELETE_FAILED",
  7: "JOBSTAT_WAITING",
  8: "JOBSTAT_RUNNING",
  9: "JOBSTAT_KILLING",
  10: "JOBSTAT_COMPLETED",
  11: "JOBSTAT_FAILED",
  12: "JOBSTAT_KILLED",
  13: "JOBSTAT_CANCELED",
  14: "JOBSTAT_LOST",
  15: "JOBSTAT_SCALING",
  16: "JOBSTAT_SUBMIT_MODEL_FAILED",
  17: "JOBSTAT_DEPLOY_SERVICE_FAILED",
  18: "JOBSTAT_CHECK_INIT",
  19: "JOBSTAT_CHECK_RUNNING",
  20: "JOBSTAT_CHECK_RUNNING_COMPLETED",
  21: "JOBSTAT_CHECK_FAILED",
};

export const JobStatus = {
  UNKNOWN: 0,
  INIT: 1,
  IMAGE_CREATING: 2,
  IMAGE_FAILED: 3,
  SUBMIT_TRYING: 4,
  SUBMIT_FAILED: 5,
  DELETE_FAILED: 6,
  WAITING: 7,
  RUNNING: 8,
  KILLING: 9,
  COMPLETED: 10,
  FAILED: 11,
  KILLED: 12,
  CANCELED: 13,
  LOST: 14,
  SCALING: 15,
} as const;

export type StatusClass = "in-progress" | "succeeded" | "stopped" | "failed" | "unknown";

const IN_PROGRESS = new Set([1, 2, 4, 7, 8, 9, 15, 18, 19]);
const SUCCEEDED = new Set([10, 20]);
const STOPPED = new Set([12, 13]);
const FAILED = new Set([3, 5, 6, 11, 14, 16, 17, 21]);

/** Classifies a status code; codes outside the table are "unknown" rather than a crash. */
export function statusClass(status: number): StatusClass {
  if (IN_PROGRESS.has(status)) return "in-progress";
  if (SUCCEEDED.has(status)) return "succeeded";
  if (STOPPED.has(status)) return "stopped";
  if (FAILED.has(status)) return "failed";
  return "unknown";
}

/** The status's documented name, or `STATUS_<n>` for a code outside the table. */
export function statusName(status: number): string {
  return JOB_STATUS_NAMES[status] ?? `STATUS_${status}`;
}

/** True for statuses after which a version no longer runs (success, stop or failure). */
export function isTerminal(status: number): boolean {
  const c = statusClass(status);
  return c === "succeeded" || c === "stopped" || c === "failed";
}
