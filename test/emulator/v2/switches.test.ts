import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials";
import { optionsFromArgs } from "../../../emulator/cli";
import { RunningEmulator, startEmulator } from "../../../emulator/index";
import { PROJECT, answer, useEmulator } from "../helpers";
import { createV2Job, errorOf, v2Body, v2Caller } from "./helpers";

type Obj = Record<string, unknown>;

describe("emulator v2: the shared switches apply to v2 routes", () => {
  describe("on an open emulator", () => {
    const { emu } = useEmulator();
    const call = () => v2Caller(emu());

    it("a scripted fault strikes a v2 route and answers in the v2 envelope, with Retry-After on a 429", async () => {
      emu().control.addFaultScript({ method: "POST", pathRegex: "^/v2/.*/training-jobs$", steps: ["429", "503"] });
      const throttled = await call()("POST", "/training-jobs", v2Body("faulted"));
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers.get("retry-after"), "1");
      assert.deepEqual(errorOf(throttled).keys, ["error_code", "error_msg"]);
      assert.equal(errorOf(throttled).code, "ModelArts.2799");
      assert.equal((await call()("POST", "/training-jobs", v2Body("faulted"))).status, 503);
      assert.equal((await call()("POST", "/training-jobs", v2Body("faulted"))).status, 201);
    });

    it("a fault after the work is done leaves the job created although the client saw an error", async () => {
      emu().control.addFaultScript({ method: "POST", pathRegex: "^/v2/", phase: "after", steps: ["500"] });
      const res = await call()("POST", "/training-jobs", v2Body("committed"));
      assert.equal(res.status, 500);
      const jobs = emu().control.v2Jobs(PROJECT);
      assert.deepEqual(
        jobs.map((j) => (j.metadata as Obj).name),
        ["committed"],
      );
    });

    it("the request log records v2 requests with status, auth and error code", async () => {
      const id = await createV2Job(call(), "logged");
      await call()("GET", "/training-jobs/00000000-0000-0000-0000-000000000000");
      await call()("DELETE", `/training-jobs/${id}`);
      const log = emu().control.requests({ pathRegex: "^/v2/" });
      assert.deepEqual(
        log.map((e) => [e.method, e.status, e.auth, e.errorCode]),
        [
          ["POST", 201, "token", undefined],
          ["GET", 400, "token", "ModelArts.2775"],
          ["DELETE", 202, "token", undefined],
        ],
      );
    });

    it("the read-after-create lag answers 2775 on GET for v2ReadVisibilityDelayMs", async () => {
      emu().control.setBehaviour({ v2ReadVisibilityDelayMs: 1_000 });
      const id = await createV2Job(call(), "lagging");
      assert.equal(errorOf(await call()("GET", `/training-jobs/${id}`)).code, "ModelArts.2775");
      emu().control.advance(1_000);
      assert.equal((await call()("GET", `/training-jobs/${id}`)).status, 200);
    });

    it("an unknown v2 behaviour value is refused with the accepted values", () => {
      assert.throws(
        () => emu().control.setBehaviour({ v2DeleteRunning: "maybe" as never }),
        /allow, reject-2796, reject-2878, terminate-first/,
      );
    });
  });

  describe("from the command line", () => {
    it("--v2 KEY=VALUE sets v2 switches, reading numbers and booleans, and refuses unknown keys and values", () => {
      const o = optionsFromArgs(
        ["--v2", "v2DeleteRunning=terminate-first", "--v2", "v2ReadVisibilityDelayMs=1500", "--v2", "v2KindRequired=true"],
        {},
      );
      assert.notEqual(o, "help");
      assert.deepEqual(o === "help" ? {} : [o.v2DeleteRunning, o.v2ReadVisibilityDelayMs, o.v2KindRequired], [
        "terminate-first",
        1500,
        true,
      ]);
      assert.throws(() => optionsFromArgs(["--v2", "notFoundStyle=404-0015"], {}), /v2 switch/);
      assert.throws(() => optionsFromArgs(["--v2", "v2DeleteRunning=sometimes"], {}), /allow, reject-2796/);
    });
  });

  describe("with access keys configured", () => {
    const AK = "AKEXAMPLE0123456789A";
    const SK = "SKexample0123456789abcdefghijklmnopqrstuv";
    const USER = { name: "alice", password: "correct horse", domainName: "acme" };
    let emu: RunningEmulator;
    before(async () => {
      emu = await startEmulator({ accessKeys: { [AK]: SK }, users: [USER], projects: { "eu-de": PROJECT } });
    });
    after(async () => emu.close());

    async function signed(sk: string) {
      const data = v2Body(`signed-${sk.length}`);
      const credentials = new BasicCredentials().withAk(AK).withSk(sk).withProjectId(PROJECT);
      const request = {
        method: "POST",
        endpoint: `${emu.url}/v2/${PROJECT}/training-jobs`,
        headers: { "content-type": "application/json", "X-Project-Id": PROJECT },
        queryParams: {},
        data,
      };
      const { host: _host, ...headers } = AKSKSigner.sign(request as never, credentials) as Record<string, string>;
      return answer(await fetch(request.endpoint, { method: "POST", headers, body: JSON.stringify(data) }));
    }

    it("a v2 create signed with AK/SK by the SDK's signer is accepted, a wrong secret is 401 in the v2 envelope", async () => {
      const ok = await signed(SK);
      assert.equal(ok.status, 201, ok.text);
      const bad = await signed(SK.replace("S", "X"));
      assert.equal(bad.status, 401);
      assert.deepEqual(errorOf(bad).keys, ["error_code", "error_msg"]);
      const unsigned = await v2Caller(emu, PROJECT, "any-token")("GET", "/training-job-engines");
      assert.equal(unsigned.status, 401);
      assert.equal(emu.control.requests({ pathRegex: "^/v2/" })[0]?.auth, "aksk");
    });

    it("an IAM token works on v2 routes for its own project only, and a revoked one is 401", async () => {
      const issued = await fetch(`${emu.url}/v3/auth/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ["password"],
              password: { user: { name: USER.name, password: USER.password, domain: { name: USER.domainName } } },
            },
            scope: { project: { name: "eu-de" } },
          },
        }),
      });
      const token = issued.headers.get("x-subject-token") as string;
      assert.equal((await v2Caller(emu, PROJECT, token)("GET", "/training-job-engines")).status, 200);
      const elsewhere = await v2Caller(emu, "fedcba9876543210fedcba9876543210", token)("GET", "/training-job-engines");
      assert.deepEqual([elsewhere.status, errorOf(elsewhere).code], [403, "ModelArts.0210"]);
      emu.control.revokeTokens();
      assert.equal((await v2Caller(emu, PROJECT, token)("GET", "/training-job-engines")).status, 401);
    });
  });

  describe("with a state file", () => {
    let dir = "";
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "v2emu-state-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("v2 jobs, their deletion in progress and the clock survive a restart", async () => {
      const stateFile = join(dir, "state.json");
      const first = await startEmulator({ stateFile, frozenClock: true, deleteDelayMs: 10_000 });
      const kept = await createV2Job(v2Caller(first), "kept");
      const deleting = await createV2Job(v2Caller(first), "deleting");
      await v2Caller(first)("DELETE", `/training-jobs/${deleting}`);
      await first.close();
      const second = await startEmulator({ stateFile, frozenClock: true, deleteDelayMs: 10_000 });
      try {
        const call = v2Caller(second);
        assert.equal(((await call("GET", `/training-jobs/${kept}`)).json.metadata as Obj).name, "kept");
        assert.equal((await call("GET", `/training-jobs/${deleting}`)).status, 200);
        second.control.advance(10_000);
        assert.equal((await call("GET", `/training-jobs/${deleting}`)).status, 400);
        second.control.reset();
        assert.deepEqual(second.control.v2Jobs(), []);
      } finally {
        await second.close();
      }
    });
  });
});
