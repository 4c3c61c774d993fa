import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../emulator/index";
import { ModelArtsTimeoutError } from "../../provider/api/errors";
import type { Deadline } from "../../provider/api/retry";
import { PROJECT, akskClient, jobRequest, startTestEmulator } from "./helpers";

/** A deadline with `ms` left for the first `calls` questions, then none. */
function passingAfter(calls: number): Deadline {
  let asked = 0;
  return { remainingMs: () => (++asked <= calls ? 60_000 : 0) };
}

describe("API calls and the step's deadline", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => emu.control.reset());

  it("sends no list request once the deadline has passed", async () => {
    const error = await akskClient(emu)
      .listAllJobs({}, { deadline: passingAfter(0) })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ModelArtsTimeoutError, String(error));
    assert.equal(emu.control.requests({ method: "GET" }).length, 0);
  });

  it("still resolves an ambiguous create whose POST ended after the deadline, adopting the job it made", async () => {
    // The POST creates the job but answers 500; by then the step's time is up.
    emu.control.addFaultScript({ method: "POST", pathRegex: "/training-jobs$", phase: "after", steps: ["500"] });
    const created = await akskClient(emu).createJob(jobRequest("late-ambiguous"), { deadline: passingAfter(2) });
    const jobs = emu.control.jobs(PROJECT);
    assert.equal(jobs.length, 1);
    assert.equal(created.jobId, String(jobs[0]!.jobId));
  });
});
