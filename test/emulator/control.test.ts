import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorControl, EmulatorControlError, startEmulator } from "../../emulator/index";
import { PROJECT, caller, createJob, jobBody, rawField, useEmulator } from "./helpers";

describe("emulator: control API", () => {
  const { emu, call } = useEmulator({ jobDurationMs: 10_000, deleteDelayMs: 5_000 });
  const control = () => new EmulatorControl(emu().url);

  describe("over HTTP with EmulatorControl", () => {
    it("advances, freezes and unfreezes the clock", async () => {
      const c = control();
      const before = await c.clock();
      assert.equal(before.frozen, true);
      const after = await c.advance(120_000);
      assert.equal(after.now, before.now + 120_000);
      assert.equal((await c.unfreeze()).frozen, false);
      assert.equal((await c.freeze()).frozen, true);
      const set = await c.setTime(1_700_000_000_000);
      assert.equal(set.now, 1_700_000_000_000);
    });

    it("registers a scenario rule before the job exists and applies it by name prefix", async () => {
      const c = control();
      const rule = await c.addRule({ match: { jobNamePrefix: "fail-" }, failAt: "submit", deleteDelayMs: 100 });
      assert.equal(rule.id, "rule-1");
      const { jobId, versionId } = await createJob(call(), "fail-early");
      await c.advance(20_000);
      const details = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`);
      assert.equal(details.json.status, 5);
      const view = await c.job(jobId);
      assert.equal(view?.ruleId, "rule-1");
      assert.equal((await c.rules())[0]?.applied, 1);
      assert.equal(await c.removeRule("rule-1"), true);
      assert.equal(await c.removeRule("rule-1"), false);
    });

    it("retires a rule after `times` jobs", async () => {
      emu().control.addRule({ match: { jobNameRegex: "^once" }, failAt: "run", times: 1 });
      await createJob(call(), "once-a");
      await createJob(call(), "once-b");
      emu().control.advance(20_000);
      assert.deepEqual(
        emu()
          .control.jobs()
          .map((j) => [j.jobName, j.status]),
        [
          ["once-a", 11],
          ["once-b", 10],
        ],
      );
    });

    it("reports bad control input with 400 and the reason", async () => {
      const c = control();
      await assert.rejects(
        c.addRule({ match: {} }),
        (e: unknown) => e instanceof EmulatorControlError && e.status === 400 && /jobName/.test(e.message),
      );
      await assert.rejects(c.setBehaviour({ notFoundStyle: "418" as never }), /notFoundStyle must be one of/);
      await assert.rejects(c.setFaultRate({ rate: 2 }), /rate must be a number from 0 to 1/);
      await assert.rejects(c.patchJob("123", { status: 8 }), (e: unknown) => e instanceof EmulatorControlError && e.status === 404);
    });

    it("creates a job out of band (to adopt) and deletes one out of band, without credentials", async () => {
      const c = control();
      const created = await c.createJob(PROJECT, jobBody("pre-existing"));
      assert.match(created.jobId, /^\d+$/);
      const list = await call()("GET", "/training-jobs?search_content=pre-existing");
      assert.equal(String((list.json.jobs as Array<Record<string, unknown>>)[0]?.job_id), created.jobId);
      await assert.rejects(c.createJob(PROJECT, { job_name: "bad name" }), /job_name/);
      assert.equal(await c.deleteJob(created.jobId, { immediate: true }), true);
      assert.equal((await call()("GET", "/training-jobs")).json.job_total_count, 0);
      assert.equal(await c.deleteJob(created.jobId), false);
    });

    it("deletes out of band asynchronously, like the API", async () => {
      const { jobId } = await createJob(call(), "oob-async");
      assert.equal(emu().control.deleteJob(jobId), true);
      assert.equal(emu().control.job(jobId)?.deletion, "pending");
      assert.equal((await call()("GET", "/training-jobs")).json.job_total_count, 1);
      emu().control.advance(6_000 + 1_000);
      assert.equal(emu().control.job(jobId), undefined);
    });

    it("patches an existing job: status, durations, fail now, delete behaviour", async () => {
      const c = control();
      const { jobId, versionId } = await createJob(call(), "patched");
      const status = async () => (await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).json.status;
      assert.equal((await c.patchJob(jobId, { status: 8 })).status, 8);
      assert.equal(await status(), 8);
      await c.patchJob(jobId, { failNow: true });
      assert.equal(await status(), 11);

      const second = await createJob(call(), "patched-durations");
      await c.patchJob(second.jobId, { durations: { initMs: 0, submitMs: 0, waitMs: 0, runMs: 1_000_000 } });
      await c.advance(10_000);
      assert.equal(emu().control.job(second.jobId)?.status, 8);
      await c.patchJob(second.jobId, { failNow: true });
      assert.equal(emu().control.job(second.jobId)?.status, 11);

      const third = await createJob(call(), "patched-delete");
      await c.patchJob(third.jobId, { deleteOutcome: "fail", deleteDelayMs: 10 });
      await c.advance(20_000);
      await call()("DELETE", `/training-jobs/${third.jobId}`);
      await c.advance(10);
      assert.equal(emu().control.job(third.jobId)?.status, 6);
      assert.equal(emu().control.job(third.jobId)?.deletion, "failed");
    });

    it("reads and changes behaviour switches", async () => {
      const c = control();
      assert.equal((await c.behaviour()).idsAsStrings, false);
      const changed = await c.setBehaviour({ idsAsStrings: true, deleteDelayMs: 120_000 });
      assert.equal(changed.idsAsStrings, true);
      assert.equal(changed.deleteDelayMs, 120_000);
      const res = await call()("POST", "/training-jobs", jobBody("as-strings"));
      assert.equal(typeof res.json.job_id, "string");
    });

    it("revokes tokens, clears faults and requests, and resets everything", async () => {
      const c = control();
      await c.addFaultScript({ steps: ["500"] });
      assert.equal((await c.faults()).scripts.length, 1);
      await c.clearFaults();
      await createJob(call(), "before-reset");
      assert.equal((await c.requests()).length, 1);
      await c.clearRequests();
      assert.deepEqual(await c.requests(), []);
      assert.equal(typeof (await c.revokeTokens()), "number");
      await c.setBehaviour({ lenient: true });
      await c.reset();
      assert.deepEqual(await c.jobs(), []);
      assert.equal((await c.behaviour()).lenient, false);
      assert.equal((await c.clock()).frozen, true);
    });

    it("answers 404 for an unknown control route", async () => {
      const res = await fetch(`${emu().url}/__emulator/nothing`);
      assert.equal(res.status, 404);
      assert.match(((await res.json()) as { error: string }).error, /no control route/);
    });
  });
});

describe("emulator: ids, id base and state file", () => {
  it("returns ids above 2^53 exactly as bare JSON numbers", async () => {
    const emu = await startEmulator({ idBase: "9007199254740993", versionIdBase: 18014398509481985n });
    try {
      const c = caller(emu);
      const created = await c("POST", "/training-jobs", jobBody("big-ids"));
      assert.match(created.text, /"job_id":9007199254740993[,}]/);
      assert.match(created.text, /"version_id":18014398509481985[,}]/);
      const list = await c("GET", "/training-jobs");
      assert.match(list.text, /"job_id":9007199254740993,/);
      const details = await c("GET", "/training-jobs/9007199254740993/versions/18014398509481985");
      assert.equal(details.status, 200, details.text);
      assert.match(details.text, /"version_id":18014398509481985,/);
      const second = await c("POST", "/training-jobs", jobBody("big-ids-2"));
      assert.equal(rawField(second.text, "job_id"), "9007199254740994");
      assert.equal(emu.control.jobs()[1]?.jobId, "9007199254740994");
      const deleted = await c("DELETE", "/training-jobs/9007199254740994");
      assert.equal(deleted.status, 200);
      assert.equal((await c("DELETE", "/training-jobs/9007199254740995")).json.error_code, "ModelArts.2775");
    } finally {
      await emu.close();
    }
  });

  it("rejects a path id that is not a Long", async () => {
    const emu = await startEmulator();
    try {
      const res = await caller(emu)("DELETE", "/training-jobs/abc");
      assert.equal(res.status, 400);
      assert.match(res.json.error_message as string, /job_id/);
    } finally {
      await emu.close();
    }
  });

  it("keeps jobs, ids and deletions across a restart with the same state file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-state-"));
    const stateFile = join(dir, "state.json");
    try {
      const first = await startEmulator({ stateFile, idBase: 500, frozenClock: true, deleteDelayMs: 1_000 });
      const a = await createJob(caller(first), "survivor");
      const b = await createJob(caller(first), "leaving");
      first.control.advance(40_000);
      await caller(first)("DELETE", `/training-jobs/${b.jobId}`);
      const clockBefore = first.control.clock().now;
      await first.close();
      assert.match(readFileSync(stateFile, "utf8"), /survivor/);

      const second = await startEmulator({ stateFile, frozenClock: true });
      try {
        assert.ok(Math.abs(second.control.clock().now - clockBefore) < 5_000, "the clock offset is restored");
        const c = caller(second);
        const details = await c("GET", `/training-jobs/${a.jobId}/versions/${a.versionId}`);
        assert.equal(details.status, 200);
        assert.equal(details.json.status, 10);
        assert.equal(second.control.job(b.jobId)?.deletion, "pending");
        second.control.advance(1_000);
        assert.equal(second.control.job(b.jobId), undefined);
        const next = await createJob(c, "after-restart");
        assert.equal(next.jobId, "502");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
