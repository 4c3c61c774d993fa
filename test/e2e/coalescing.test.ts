/**
 * Coalesced waits under the Pulumi CLI: the deletes of a destroy run in one provider process and
 * share its list scans, so 20 concurrent deletes make about the list calls of one, and each still
 * returns only after its own job is really gone.
 */
import { strict as assert } from "node:assert";
import { TrainingJob } from "pulumi-modelarts";
import type { RequestLogEntry } from "../../emulator";
import { DEFAULT_PACES, scansWithin } from "../../provider/shared/resource/poller";
import { isTerminal } from "../../provider/v1/api/status";
import { LOOKUP_GATHER_MS } from "../../provider/v1/resource/provider";
import { API, checkPackageBuilt, eventually, pulumiCli, withScenario, type Scenario } from "./harness";
import { jobConfig } from "./programs";

const JOBS = 20;
/** Long enough that the wait, not the engine, makes most of the destroy. */
const REMOVAL_DELAY_MS = 8_000;

/** The emulator's log entries for one route (the query left out of the match). */
const route = (s: Scenario, method: string, path: RegExp): RequestLogEntry[] => s.requests(method, path);

describe("e2e: concurrent deletes share their list scans", function () {
  this.timeout(10 * 60_000);

  before(async function () {
    this.timeout(60 * 60_000);
    checkPackageBuilt();
    await pulumiCli();
  });

  it(`a destroy of ${JOBS} jobs makes about the list calls of one delete, and each delete waits for its job's real removal`, async () => {
    const program = async () => {
      const jobs = Array.from({ length: JOBS }, (_, i) => new TrainingJob(`many-${i}`, { config: jobConfig() }));
      return { jobIds: jobs.map((j) => j.jobId) };
    };
    // Jobs that end within a second: none runs when destroy starts, so no delete stops one first.
    const emulator = { jobDurationMs: 500, deleteDelayMs: REMOVAL_DELAY_MS };
    await withScenario({ program, emulator }, async (s) => {
      await s.up({ parallel: 64 });
      assert.equal(s.jobs().length, JOBS);
      await eventually("every job to finish", () => (s.jobs().every((j) => isTerminal(j.status)) ? true : undefined), 60_000);
      const ids = new Map(s.jobs().map((j) => [j.jobId, j.jobName]));

      s.emulator.control.clearRequests();
      const lines: string[] = [];
      await s.stack.destroy({ parallel: 64, onOutput: (l) => lines.push(...l.split(/\r?\n/)), color: "never" });
      s.output.push(...lines);
      assert.deepEqual(s.jobs(), [], "every job is gone");

      // When each job really left the list: its DELETE (nothing to stop) plus the removal delay.
      const deletes = route(s, "DELETE", API.job).filter((r) => typeof r.status === "number" && r.status < 300);
      assert.equal(deletes.length, JOBS, "one DELETE per job");
      const goneAt = new Map(
        deletes.map((r) => [/\/training-jobs\/(\d+)$/.exec(r.path.split("?")[0]!)![1]!, r.emulatorTime + REMOVAL_DELAY_MS]),
      );
      const firstDelete = Math.min(...deletes.map((r) => r.emulatorTime));
      const lastDelete = Math.max(...deletes.map((r) => r.emulatorTime));
      const lastGone = Math.max(...goneAt.values());
      const lists = route(s, "GET", API.jobs);
      const during = lists.filter((r) => r.emulatorTime >= firstDelete && r.emulatorTime <= lastGone + DEFAULT_PACES.near.maxMs + 1_000);

      // Each delete waited for the real removal: a list call after its job's removal showed it gone,
      // and the job's own row says it was removed no sooner than the removal delay after its delete began.
      for (const [id, at] of goneAt) {
        assert.ok(
          lists.some((r) => r.emulatorTime >= at && r.status === 200),
          `no list call after job ${id} left the list, yet its delete returned`,
        );
        const removed = lines.find((l) => l.includes(`training job ${id} ("${ids.get(id)}") removed after`));
        assert.ok(removed, `the removal of job ${id} is reported:\n${lines.join("\n")}`);
        const seconds = Number(/removed after (\d+)s/.exec(removed)?.[1]);
        assert.ok(seconds >= Math.floor(REMOVAL_DELAY_MS / 1000), `job ${id} reported removed after ${seconds} s`);
      }

      // The bound, from the poller's schedule: one delete alone makes the scans of the near pace over
      // the removal delay, plus the one that sees the job gone. Twenty share the scope's schedule,
      // which runs from the first DELETE to the last removal (longer by the spread of the DELETEs);
      // a delete arriving takes the scan already planned, and only a look-up arriving while no wait
      // is pending asks for a scan of its own, at most one per LOOKUP_GATHER_MS of the spread.
      const oneDelete = scansWithin(REMOVAL_DELAY_MS, DEFAULT_PACES.near) + 1;
      const spread = lastDelete - firstDelete;
      const bound = scansWithin(REMOVAL_DELAY_MS + spread, DEFAULT_PACES.near) + 1 + Math.ceil(spread / LOOKUP_GATHER_MS);
      process.stderr.write(
        `      figures: ${during.length} list calls during the removal of ${JOBS} jobs (DELETEs spread over ${spread} ms); ` +
          `one delete alone: ${oneDelete}; bound ${bound}; ${JOBS} deletes polling each on its own: ${JOBS * oneDelete}\n`,
      );
      assert.ok(during.length <= bound, `${during.length} list calls, more than the ${bound} the shared schedule allows`);
      // And the bound is what makes the point: far below one poll schedule per job.
      assert.ok(bound < (JOBS * oneDelete) / 4, `the arrivals spread over ${spread} ms: the bound ${bound} proves nothing`);
      assert.ok(during.length >= oneDelete - 2, `${during.length} list calls: fewer than one delete's schedule needs`);
    });
  });
});
