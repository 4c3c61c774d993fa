import { strict as assert } from "node:assert";
import { Heartbeat, heartbeatLine } from "../../../provider/shared/resource/heartbeat";
import { FakeTimers } from "../../helpers/fake-timers";

describe("the heartbeat", () => {
  it("repeats the last status after 15 s of silence, and every 15 s after that, with the time since the start", () => {
    const timers = new FakeTimers();
    const beats: string[] = [];
    const heartbeat = new Heartbeat((l) => beats.push(l), { timers });
    timers.advance(2000);
    heartbeat.note('training job 7 ("demo") to be removed: JOBSTAT_KILLING (9) after 2s');
    timers.advance(14_999);
    assert.deepEqual(beats, [], "no heartbeat before 15 s of silence");
    timers.advance(1);
    timers.advance(15_000);
    assert.deepEqual(beats, [
      'still waiting for training job 7 ("demo") to be removed: JOBSTAT_KILLING (9), 17s',
      'still waiting for training job 7 ("demo") to be removed: JOBSTAT_KILLING (9), 32s',
    ]);
    heartbeat.stop();
  });

  it("stays quiet while status lines keep coming", () => {
    const timers = new FakeTimers();
    const beats: string[] = [];
    const heartbeat = new Heartbeat((l) => beats.push(l), { timers });
    for (let i = 0; i < 10; i++) {
      heartbeat.note(`job 1: JOBSTAT_RUNNING (8) after ${i * 10}s`);
      timers.advance(10_000);
    }
    assert.deepEqual(beats, []);
    heartbeat.stop();
  });

  it("says nothing before the first status line", () => {
    const timers = new FakeTimers();
    const beats: string[] = [];
    const heartbeat = new Heartbeat((l) => beats.push(l), { timers });
    timers.advance(60_000);
    assert.deepEqual(beats, []);
    heartbeat.stop();
  });

  it("leaves no timer behind and never speaks once stopped", () => {
    const timers = new FakeTimers();
    const beats: string[] = [];
    const heartbeat = new Heartbeat((l) => beats.push(l), { timers });
    heartbeat.note("job 1: JOBSTAT_INIT (1) after 1s");
    assert.equal(timers.active, 1);
    heartbeat.stop();
    assert.equal(timers.active, 0);
    heartbeat.note("job 1: JOBSTAT_RUNNING (8) after 2s");
    timers.advance(60_000);
    assert.deepEqual(beats, []);
    assert.equal(timers.active, 0);
  });

  it("rejects an interval that is not positive, naming the number", () => {
    assert.throws(() => new Heartbeat(() => undefined, { everyMs: 0 }), /everyMs 0 must be > 0/);
  });

  it("words a line that is not a status change as still waiting, with the line", () => {
    assert.equal(
      heartbeatLine('training job 7 ("demo"): delete requested; waiting for the service to remove it', 45_000),
      'still waiting, 45s: training job 7 ("demo"): delete requested; waiting for the service to remove it',
    );
    assert.equal(
      heartbeatLine("job 1 version 2 to be running: JOBSTAT_INIT (1) after 3s", 90_000),
      "still waiting for job 1 version 2 to be running: JOBSTAT_INIT (1), 1m30s",
    );
  });
});
