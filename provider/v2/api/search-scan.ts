/**
 * The v2 rule for a complete search (docs/api-v2.md, "Completeness of a search"). The pages are
 * page indices 0, 1, … of at most `limit` jobs. The reference leaves open whether `count` is every
 * match or the page's own length, so a scan keeps both readings while the pages allow them and ends
 * only where one of them proves the end:
 *
 * - "count = this page": every page's `count` equals its length; the list ends at a short page, and
 *   a short page that is not empty is confirmed by an empty next page (a short page in the middle of
 *   the list would otherwise pass for the end).
 * - "count = every match": every page reports the same `count`; the list ends when that many
 *   distinct jobs were seen.
 *
 * A page longer than `limit`, a page answered for another index, a job on two pages, a `total` that
 * changes, more jobs than `total`, a `count` that fits neither reading, or a short page before the
 * number of matches: the scan is incomplete (`IncompleteListError`), never "not there". Pages that
 * changed while they were read are read again (the shared `scanUntilComplete`).
 */
import { scanUntilComplete, type ScanOutcome } from "../../shared/api/list-scan";
import type { Job, SearchPage } from "./types";

/** Pages read at most when the service reports no `total` to bound them. */
export const MAX_SEARCH_PAGES = 10_000;

type Incomplete = Extract<ScanOutcome<Job>, { complete: false }>;

function incomplete(reason: string, transient: boolean): Incomplete {
  return { complete: false, reason, transient };
}

function isCount(n: number | undefined): n is number {
  return n !== undefined && Number.isSafeInteger(n) && n >= 0;
}

/**
 * Reads every page with `fetchPage(offset)` and returns every matching job, or rejects with
 * `IncompleteListError` naming `operation`.
 */
export function scanAllSearchPages(
  fetchPage: (offset: number) => Promise<SearchPage>,
  limit: number,
  operation: string,
  enough?: (seen: ReadonlyMap<string, Job>) => boolean,
): Promise<Job[]> {
  return scanUntilComplete(() => scanOnce(fetchPage, limit, enough), operation);
}

/**
 * `enough`: the scan stops as soon as the pages read (checked as above) hold what the caller looks
 * for, and returns those pages' jobs: proof of presence only, never of absence.
 */
async function scanOnce(
  fetchPage: (offset: number) => Promise<SearchPage>,
  limit: number,
  enough?: (seen: ReadonlyMap<string, Job>) => boolean,
): Promise<ScanOutcome<Job>> {
  const seen = new Map<string, Job>();
  let total: number | undefined;
  let matches: number | undefined;
  // The two readings of `count` still consistent with every page read so far.
  let perPage = true;
  let everyMatch = true;
  // Set after a short, non-empty page under the per-page reading: the next page must be empty.
  let confirming = false;
  for (let offset = 0; ; offset++) {
    const bound = total !== undefined ? Math.ceil(total / limit) + 1 : MAX_SEARCH_PAGES;
    if (offset > bound) return incomplete(`the search still had pages after page ${offset - 1}`, false);
    const page = await fetchPage(offset);
    const n = page.items.length;
    if (page.offset !== offset) return incomplete(`the service answered page ${page.offset} when asked for page ${offset}`, false);
    if (n > limit) return incomplete(`page ${offset} held ${n} jobs, more than the ${limit} asked for`, false);
    if (!isCount(page.count)) return incomplete(`page ${offset} reported count ${page.count ?? "(none)"}, not a number of jobs`, false);
    if (page.total !== undefined && !isCount(page.total)) return incomplete(`page ${offset} reported total ${page.total}`, false);
    if (offset === 0) total = page.total;
    else if (page.total !== total) {
      return incomplete(`total changed from ${total ?? "(none)"} to ${page.total ?? "(none)"} between pages`, true);
    }
    if (confirming) {
      if (n === 0) return { complete: true, jobs: [...seen.values()] };
      return incomplete(`page ${offset - 1} was short, but page ${offset} still held ${n} jobs`, true);
    }
    for (const job of page.items) {
      if (seen.has(job.id)) return incomplete(`job ${job.id} appeared on two pages (the list shifted while it was read)`, true);
      seen.set(job.id, job);
    }
    if (total !== undefined && seen.size > total) {
      return incomplete(`the pages hold ${seen.size} jobs, more than the total of ${total} the service reports`, true);
    }
    if (enough?.(seen)) return { complete: true, jobs: [...seen.values()] };
    const count = page.count;
    if (count !== n) perPage = false;
    if (offset === 0) matches = count;
    else if (count !== matches) everyMatch = false;
    if (everyMatch && seen.size > (matches ?? 0)) everyMatch = false;
    if (!perPage && !everyMatch) {
      return incomplete(
        `page ${offset} reported count ${count} for ${n} jobs after ${seen.size - n} on earlier pages (first count ${matches}), which fits neither reading of count`,
        true,
      );
    }
    const short = n < limit;
    if (everyMatch && !perPage && seen.size === matches) return { complete: true, jobs: [...seen.values()] };
    if (!short) continue;
    if (everyMatch && seen.size === matches && (n === 0 || !perPage)) return { complete: true, jobs: [...seen.values()] };
    if (!perPage) {
      return incomplete(`page ${offset} ended the search after ${seen.size} jobs, but count says ${matches} match`, true);
    }
    if (n === 0) return { complete: true, jobs: [...seen.values()] };
    confirming = true;
  }
}
