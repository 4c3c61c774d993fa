import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ModelArtsError } from "../../../provider/shared/api/errors";
import { fromWireJob } from "../../../provider/v2/api/mapping";
import { scanAllSearchPages } from "../../../provider/v2/api/search-scan";
import type { Job, SearchPage } from "../../../provider/v2/api/types";
import { wireJob } from "./search-server";

const LIMIT = 50;
type Semantics = "every-match" | "page";

function jobs(n: number): Job[] {
  return Array.from({ length: n }, (_, i) => fromWireJob(wireJob(`j-${i}`)));
}

/** A service that holds `listed` and claims `claimed` matches (the same when it is honest). */
function service(listed: Job[], semantics: Semantics, claimed = listed.length): (offset: number) => Promise<SearchPage> {
  return async (offset) => {
    const items = listed.slice(offset * LIMIT, offset * LIMIT + LIMIT);
    return { total: claimed + 3, count: semantics === "page" ? items.length : claimed, limit: LIMIT, offset, items };
  };
}

async function outcome(fetchPage: (offset: number) => Promise<SearchPage>): Promise<Job[] | "incomplete"> {
  try {
    return await scanAllSearchPages(fetchPage, LIMIT, "search training jobs");
  } catch (error) {
    assert.ok(ModelArtsError.isInstance(error) && error.name === "IncompleteListError", String(error));
    return "incomplete";
  }
}

const semantics = fc.constantFrom<Semantics>("every-match", "page");

describe("v2 search scan (properties)", () => {
  it("an honest service's jobs come back all, in order, under either reading of count", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 260 }), semantics, async (n, s) => {
        const all = jobs(n);
        assert.deepEqual(await outcome(service(all, s)), all);
      }),
    );
  });

  it("a job left off a page while count says every match is never a complete answer", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 260 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        async ([n, hidden]) => {
          const all = jobs(n);
          const listed = all.filter((_, i) => i !== hidden);
          assert.equal(await outcome(service(listed, "every-match", n)), "incomplete");
        },
      ),
    );
  });

  it("a page cut short in the middle of the list is never a complete answer", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 6 })
          .chain((pages) => fc.tuple(fc.constant(pages), fc.integer({ min: 0, max: pages - 2 }), fc.integer({ min: 1, max: 49 }))),
        semantics,
        async ([pages, cut, keep], s) => {
          const all = jobs(pages * LIMIT);
          const fetchPage = async (offset: number): Promise<SearchPage> => {
            const full = all.slice(offset * LIMIT, offset * LIMIT + LIMIT);
            const items = offset === cut ? full.slice(0, keep) : full;
            return { total: all.length, count: s === "page" ? items.length : all.length, limit: LIMIT, offset, items };
          };
          assert.equal(await outcome(fetchPage), "incomplete");
        },
      ),
    );
  });
});
