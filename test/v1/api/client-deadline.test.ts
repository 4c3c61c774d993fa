import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../../emulator/index";
import { ModelArtsApiError, ModelArtsTimeoutError } from "../../../provider/shared/api/errors";
import type { Deadline } from "../../../provider/shared/api/retry";
import { PROJECT, akskClient, jobRequest, startTestEmulator } from "../../shared/api/helpers";

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

  it("hands an ambiguous create whose POST ended after the deadline back to the caller, without sending it again", async () => {
    // The POST creates the job but answers 500; by then the step's time is up. Settling it is the
    // provider's (provider/v1/resource/ownership.ts): the client neither re-sends nor adopts.
    emu.control.addFaultScript({ method: "POST", pathRegex: "/training-jobs$", phase: "after", steps: ["500"] });
    const error = await akskClient(emu)
      .createJob(jobRequest("late-ambiguous"), { deadline: passingAfter(2) })
      .catch((e: unknown) => e);
    assert.ok(ModelArtsApiError.isInstance(error) && error.httpStatus === 500, String(error));
    assert.equal(emu.control.requests({ method: "POST" }).length, 1, "the create was sent once");
    assert.equal(emu.control.jobs(PROJECT).length, 1, "and the service made the job");
  });
});
