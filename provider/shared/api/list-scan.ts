/**
 * A complete scan of the job list. A job is absent only if a scan that provably covered every
 * matching job did not show it, so the pages are checked against each other and against
 * `job_total_count`: a total beyond what paging can reach, a page longer than asked, a job on two
 * pages, a total that changes between pages or that the pages do not add up to, all make the scan
 * incomplete (an error), never "not there". Pages that changed while they were read are read again.
 */
import { IncompleteListError } from "./errors";
import type { JobSummary, ListJobsResult } from "../../v1/api/types";

/** Most jobs one list page may hold (§3.2 of the API reference). */
export const MAX_PER_PAGE = 1000;
/** Highest page number the API accepts (§3.2). */
export const MAX_PAGE = 65535;
/** Scans tried when the pages keep changing while they are read. */
export const MAX_SCANS = 3;

type Outcome = { complete: true; jobs: JobSummary[] } | { complete: false; reason: string; transient: boolean };

/**
 * Reads pages 1, 2, … with `fetchPage` until they provably cover every matching job, and returns
 * the jobs; rejects with `IncompleteListError` naming `operation` and what did not add up.
 */
export async function scanAllPages(
  fetchPage: (page: number) => Promise<ListJobsResult>,
  perPage: number,
  operation: string,
): Promise<JobSummary[]> {
  let last: Extract<Outcome, { complete: false }> | undefined;
  for (let scan = 1; scan <= MAX_SCANS; scan++) {
    const outcome = await scanOnce(fetchPage, perPage);
    if (outcome.complete) return outcome.jobs;
    last = outcome;
    if (!outcome.transient) break;
  }
  const tries = last!.transient ? ` (${MAX_SCANS} scans)` : "";
  throw new IncompleteListError(
    `could not ${operation} completely: ${last!.reason}${tries}; nothing is concluded about jobs missing from it`,
    operation,
    last!.transient,
  );
}

async function scanOnce(fetchPage: (page: number) => Promise<ListJobsResult>, perPage: number): Promise<Outcome> {
  const seen = new Map<string, JobSummary>();
  let total: number | undefined;
  for (let page = 1; page <= MAX_PAGE; page++) {
    const result = await fetchPage(page);
    const reported = result.jobTotalCount;
    if (reported !== undefined && (!Number.isSafeInteger(reported) || reported < 0)) {
      return { complete: false, reason: `the service reported job_total_count ${reported}`, transient: false };
    }
    if (page === 1) {
      total = reported;
      if (total !== undefined && total > MAX_PAGE * perPage) {
        return {
          complete: false,
          reason: `the service reports ${total} matching jobs, more than ${MAX_PAGE} pages of ${perPage} can show`,
          transient: false,
        };
      }
    } else if (reported !== total) {
      return { complete: false, reason: `job_total_count changed from ${total} to ${reported} between pages`, transient: true };
    }
    if (result.jobs.length > perPage) {
      return {
        complete: false,
        reason: `page ${page} held ${result.jobs.length} jobs, more than the ${perPage} asked for`,
        transient: false,
      };
    }
    for (const job of result.jobs) {
      if (seen.has(job.jobId)) {
        return { complete: false, reason: `job ${job.jobId} appeared on two pages (the list shifted while it was read)`, transient: true };
      }
      seen.set(job.jobId, job);
    }
    const short = result.jobs.length < perPage;
    if (total === undefined) {
      // No total: only a short page ends the list.
      if (short) return { complete: true, jobs: [...seen.values()] };
      continue;
    }
    if (seen.size > total) {
      return { complete: false, reason: `the pages hold more jobs than the ${total} the service reports`, transient: true };
    }
    if (seen.size === total) return { complete: true, jobs: [...seen.values()] };
    if (short) {
      return {
        complete: false,
        reason: `page ${page} ended the list after ${seen.size} jobs, but the service reports ${total}`,
        transient: true,
      };
    }
  }
  return { complete: false, reason: `the list still had full pages after page ${MAX_PAGE}`, transient: false };
}
