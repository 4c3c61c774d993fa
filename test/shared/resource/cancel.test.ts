import { strict as assert } from "node:assert";
import { ModelArtsError } from "../../../provider/shared/api/errors";
import { deadlineIn } from "../../../provider/shared/api/retry";
import { CANCEL_SEEN, cancelAll, cancelSeen } from "../../../provider/shared/resource/cancel";
import { Pollers, type Scope } from "../../../provider/shared/resource/poller";
import { setProgressSink, withOperation } from "../../../provider/shared/resource/progress";

/** A clock whose sleeps end only when aborted: a wait that nothing but a cancel can end. */
const stillClock = {
  now: () => 1_000,
  sleep: (_ms: number, signal?: AbortSignal) =>
    new Promise<void>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true })),
};

describe("cancellation (the hosting-agnostic hook)", () => {
  it("cancelAll ends every wait of every scope at once with a CancelledError naming what it waited for", async () => {
    const pollers = new Pollers(stillClock);
    const scope = (key: string): Scope<string> => ({ key, scan: async () => new Map([["1", "KILLING"]]) });
    const waits = ["a", "b"].map((key) =>
      pollers.watch(
        scope(key),
        { id: "1" },
        { what: `job 1 in ${key} to be removed`, deadline: deadlineIn(60_000, stillClock.now), decide: () => ({ done: false }) },
      ),
    );
    assert.equal(cancelAll("the engine asked to cancel", pollers), 2);
    const outcomes = await Promise.allSettled(waits);
    for (const [i, o] of outcomes.entries()) {
      assert.equal(o.status, "rejected");
      const error = (o as PromiseRejectedResult).reason as Error;
      assert.ok(ModelArtsError.isInstance(error) && error.name === "CancelledError");
      assert.match(error.message, new RegExp(`stopped waiting for job 1 in ${["a", "b"][i]} to be removed: the engine asked to cancel`));
    }
  });

  it("cancelSeen says on each waiting row that the cancel was seen and how to stop now", async () => {
    const lines: Array<{ line: string; urn: string }> = [];
    const previous = setProgressSink((line, urn) => lines.push({ line, urn }));
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const urn = "urn:pulumi:dev::p::modelarts:TrainingJob::mnist";
      const op = withOperation(urn, () => held, { heartbeat: true });
      assert.equal(cancelSeen(), 1);
      release();
      await op;
      assert.equal(cancelSeen(), 0, "a finished call has no row to tell");
      assert.deepEqual(lines, [{ line: CANCEL_SEEN, urn }]);
      assert.match(CANCEL_SEEN, /press Ctrl-C again to stop now/);
    } finally {
      setProgressSink(previous);
    }
  });
});
