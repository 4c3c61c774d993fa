/**
 * A complete scan of a job list. A job is absent only if a scan that provably covered every
 * matching job did not show it, so the pages are checked against each other and against the
 * service's counts; anything that does not add up makes the scan incomplete (an error), never "not
 * there". Pages that changed while they were read are read again (`scanUntilComplete`, for both API
 * versions). The v1 rule for `job_total_count` is `scanAllPages` here; v2's rule is in
 * `provider/v2/api/search-scan.ts`.
 */
import { IncompleteListError } from "./errors";

/** A v1 job summary as far as the scan is concerned. */
interface ListedJob {
  jobId: string;
}

/** A v1 list page as far as the scan is concerned. */
interface ListPage<T extends ListedJob> {
  jobTotalCount?: number | undefined;
  jobs: T[];
}

/** Most jobs one list page may hold (§3.2 of the API reference). */
export const MAX_PER_PAGE = 1000;
/** Highest page number the API accepts (§3.2). */
export const MAX_PAGE = 65535;
/** Scans tried when the pages keep changing while they are read. */
export const MAX_SCANS = 3;

/** What one scan found: every matching job, or why it cannot say. */
export type ScanOutcome<T> = { complete: true; jobs: T[] } | { complete: false; reason: string; transient: boolean };

/**
 * Runs `scanOnce` until one scan is complete, at most {@link MAX_SCANS} times while the pages keep
 * changing (a transient outcome); rejects with `IncompleteListError` naming `operation` and what did
 * not add up.
 */
export async function scanUntilComplete<T>(scanOnce: () => Promise<ScanOutcome<T>>, operation: string): Promise<T[]> {
  let last: Extract<ScanOutcome<T>, { complete: false }> | undefined;
  for (let scan = 1; scan <= MAX_SCANS; scan++) {
    const outcome = await scanOnce();
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

/**
 * Reads v1 pages 1, 2, … with `fetchPage` until they provably cover every matching job, and returns
 * the jobs; rejects with `IncompleteListError` naming `operation` and what did not add up.
 */
export function scanAllPages<T extends ListedJob>(
  fetchPage: (page: number) => Promise<ListPage<T>>,
  perPage: number,
  operation: string,
): Promise<T[]> {
  return scanUntilComplete(() => scanOnce(fetchPage, perPage), operation);
}

async function scanOnce<T extends ListedJob>(fetchPage: (page: number) => Promise<ListPage<T>>, perPage: number): Promise<ScanOutcome<T>> {
  const seen = new Map<string, T>();
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
