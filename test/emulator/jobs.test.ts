import { strict as assert } from "node:assert";
import { OTHER_PROJECT, caller, createJob, jobBody, useEmulator } from "./helpers";

const JOB_MS = 10_000; // init 500, submit 1000, wait 1000, run 7500

describe("emulator: training jobs over HTTP", () => {
  const { emu, call } = useEmulator({ jobDurationMs: JOB_MS, deleteDelayMs: 5_000, killMs: 1_000, versionDeleteDelayMs: 1_000 });

  describe("create", () => {
    it("answers the documented create fields with numbers by default", async () => {
      const res = await call()("POST", "/training-jobs", jobBody("demo-job"));
      assert.equal(res.status, 200);
      const b = res.json;
      assert.equal(b.is_success, true);
      assert.equal(b.job_name, "demo-job");
      assert.equal(typeof b.job_id, "number");
      assert.equal(typeof b.version_id, "number");
      assert.equal(b.status, 1);
      assert.equal(b.create_time, emu().control.clock().now);
      assert.equal(b.version_name, "V0001");
      assert.match(b.resource_id as string, /^job[0-9a-f]{8}$/);
      assert.equal(b.error_code, undefined);
      assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f]{32}-\d+-emulator$/);
    });

    it("answers ids, status and create_time as strings when idsAsStrings is on", async () => {
      emu().control.setBehaviour({ idsAsStrings: true });
      const res = await call()("POST", "/training-jobs", jobBody("strings"));
      for (const k of ["job_id", "status", "create_time", "version_id"]) assert.equal(typeof res.json[k], "string", k);
      assert.equal(res.json.status, "1");
    });

    it("rejects a duplicate name with ModelArts.0103, or 2751 when chosen", async () => {
      await createJob(call(), "dup");
      const first = await call()("POST", "/training-jobs", jobBody("dup"));
      assert.equal(first.status, 400);
      assert.equal(first.json.error_code, "ModelArts.0103");
      assert.equal(first.json.error_message, "Job name:dup is existed");
      emu().control.setBehaviour({ duplicateNameCode: "2751" });
      const second = await call()("POST", "/training-jobs", jobBody("dup"));
      assert.equal(second.json.error_code, "ModelArts.2751");
    });

    it("keeps projects apart: the same name is free in another project and jobs are not visible across", async () => {
      const { jobId } = await createJob(call(), "shared-name");
      const other = caller(emu(), OTHER_PROJECT);
      assert.equal((await other("POST", "/training-jobs", jobBody("shared-name"))).status, 200);
      const list = await other("GET", "/training-jobs?per_page=1000");
      assert.equal(list.json.job_total_count, 1);
      const cross = await other("GET", `/training-jobs/${jobId}/versions`);
      assert.equal(cross.status, 400);
      assert.equal(cross.json.error_code, "ModelArts.2775");
    });

    it("creates a job without a version when create_version is false", async () => {
      const res = await call()("POST", "/training-jobs", jobBody("no-version", { create_version: false }));
      assert.equal(res.status, 200);
      assert.equal(res.json.version_id, null);
      const list = await call()("GET", "/training-jobs?search_content=no-version");
      const job = (list.json.jobs as Array<Record<string, unknown>>)[0];
      assert.equal(job?.version_count, 0);
      assert.equal(job?.version_id, null);
    });

    it("refuses to create beyond the quota with ModelArts.2815", async () => {
      emu().control.setBehaviour({ quotas: 2 });
      await createJob(call(), "q1");
      await createJob(call(), "q2");
      const res = await call()("POST", "/training-jobs", jobBody("q3"));
      assert.equal(res.json.error_code, "ModelArts.2815");
      const list = await call()("GET", "/training-jobs");
      assert.equal(list.json.quotas, 2);
      assert.equal(list.json.job_count_limit, 0);
    });
  });

  describe("lifecycle", () => {
    it("moves a job from INIT through SUBMIT_TRYING, WAITING and RUNNING to COMPLETED as the clock advances", async () => {
      const { jobId, versionId } = await createJob(call(), "lifecycle");
      const statusNow = async () => (await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).json.status;
      const seen: unknown[] = [await statusNow()];
      for (const step of [500, 1_000, 1_000, 7_500]) {
        emu().control.advance(step);
        seen.push(await statusNow());
      }
      assert.deepEqual(seen, [1, 4, 7, 8, 10]);
      const details = (await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).json;
      assert.equal(details.duration, 7_500);
      assert.equal(typeof details.start_time, "number");
      // A custom-code job has no model metrics: the live service answers "{}" for it.
      assert.equal(details.model_metric_list, "{}");
    });

    it("passes through IMAGE_CREATING for a custom-image job", async () => {
      const { jobId, versionId } = await createJob(call(), "custom", {
        user_image_url: "swr.example/org/img:1.0",
        user_command: "bash /home/work/run_train.sh python /home/work/user-job-dir/app/train.py",
        engine_id: undefined,
      });
      emu().control.advance(600);
      assert.equal((await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).json.status, 2);
    });

    for (const [failAt, status] of [
      ["image", 3],
      ["submit", 5],
      ["run", 11],
      ["lost", 14],
    ] as const) {
      it(`fails at stage "${failAt}" with status ${status} when a scenario rule says so`, async () => {
        emu().control.addRule({ match: { jobNamePrefix: "fail-" }, failAt });
        const { jobId, versionId } = await createJob(call(), `fail-${failAt}`);
        emu().control.advance(JOB_MS * 2);
        assert.equal((await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).json.status, status);
      });
    }

    it("applies per-job durations from a rule", async () => {
      emu().control.addRule({ match: { jobName: "slow" }, durations: { initMs: 100, submitMs: 100, waitMs: 100, runMs: 60_000 } });
      const { jobId, versionId } = await createJob(call(), "slow");
      emu().control.advance(30_000);
      assert.equal((await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).json.status, 8);
    });
  });

  describe("list", () => {
    async function names(query: string): Promise<string[]> {
      const res = await call()("GET", `/training-jobs${query}`);
      assert.equal(res.status, 200, res.text);
      return (res.json.jobs as Array<{ job_name: string }>).map((j) => j.job_name);
    }

    it("pages with per_page (default 10) and page, and reports job_total_count", async () => {
      for (let i = 0; i < 12; i++) await createJob(call(), `page-${String(i).padStart(2, "0")}`);
      assert.equal((await names("")).length, 10);
      assert.deepEqual(await names("?per_page=5&page=3"), ["page-10", "page-11"]);
      const res = await call()("GET", "/training-jobs?per_page=5&page=3");
      assert.equal(res.json.job_total_count, 12);
      assert.deepEqual(await names("?per_page=5&page=4"), []);
    });

    it("sorts by job_name ascending by default and by create_time or status on request", async () => {
      await createJob(call(), "b-job");
      emu().control.advance(1_000);
      await createJob(call(), "a-job");
      emu().control.advance(1_000);
      await createJob(call(), "c-job");
      assert.deepEqual(await names(""), ["a-job", "b-job", "c-job"]);
      assert.deepEqual(await names("?order=desc"), ["c-job", "b-job", "a-job"]);
      assert.deepEqual(await names("?sortBy=create_time&order=asc"), ["b-job", "a-job", "c-job"]);
      // b-job is WAITING (7), a-job SUBMIT_TRYING (4), c-job INIT (1)
      assert.deepEqual(await names("?sortBy=status&order=desc"), ["b-job", "a-job", "c-job"]);
    });

    it("filters by status, by name substring and by workspace", async () => {
      await createJob(call(), "alpha-one");
      await createJob(call(), "beta-two");
      await call()("POST", "/training-jobs", jobBody("gamma-ws", {}, { workspace_id: "ws1" }));
      assert.deepEqual(await names("?search_content=one"), ["alpha-one"]);
      assert.deepEqual(await names("?search_content=a-"), ["alpha-one", "beta-two"]);
      assert.deepEqual(await names("?workspace_id=ws1"), ["gamma-ws"]);
      assert.deepEqual(await names("?status=1"), ["alpha-one", "beta-two"]);
      assert.deepEqual(await names("?status=10"), []);
    });

    it("answers the documented list fields", async () => {
      const { jobId, versionId } = await createJob(call(), "fields");
      emu().control.advance(3_500);
      const res = await call()("GET", "/training-jobs");
      assert.equal(res.json.quotas, 100);
      assert.equal(res.json.job_count_limit, 99);
      const job = (res.json.jobs as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
      assert.deepEqual(Object.keys(job).sort(), [
        "create_time",
        "duration",
        "job_desc",
        "job_id",
        "job_name",
        "status",
        "version_count",
        "version_id",
      ]);
      assert.equal(String(job.job_id), jobId);
      assert.equal(String(job.version_id), versionId);
      assert.equal(job.status, 8);
      assert.equal(job.duration, 1_000);
      assert.equal(job.version_count, 1);
    });

    it("rejects bad query parameters naming them", async () => {
      const cases: Array<[string, string]> = [
        ["?per_page=0", "ModelArts.2764"],
        ["?per_page=1001", "ModelArts.2764"],
        ["?page=0", "ModelArts.2764"],
        ["?page=65536", "ModelArts.2764"],
        ["?status=x", "ModelArts.2764"],
        ["?sortBy=size", "ModelArts.2790"],
        ["?order=up", "ModelArts.2765"],
        [`?search_content=${"x".repeat(65)}`, "ModelArts.2764"],
      ];
      for (const [q, code] of cases) {
        const res = await call()("GET", `/training-jobs${q}`);
        assert.equal(res.status, 400, q);
        assert.equal(res.json.error_code, code, q);
        const name = q.slice(1).split("=")[0] as string;
        assert.match(res.json.error_message as string, new RegExp(name), q);
      }
    });
  });

  describe("versions", () => {
    it("answers version details with the documented fields and the real service's null extras", async () => {
      const { jobId, versionId } = await createJob(call(), "details", { parameter: [{ label: "lr", value: 0.01 }] });
      const res = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`);
      assert.equal(res.status, 200);
      const d = res.json;
      for (const key of [
        "job_id",
        "job_name",
        "job_desc",
        "version_id",
        "version_name",
        "pre_version_id",
        "engine_type",
        "engine_name",
        "engine_version",
        "engine_id",
        "status",
        "app_url",
        "boot_file_url",
        "create_time",
        "start_time",
        "duration",
        "parameter",
        "spec_id",
        "spec_code",
        "core",
        "cpu",
        "gpu_num",
        "gpu_type",
        "worker_server_num",
        "data_url",
        "train_url",
        "log_url",
        "dataset_id",
        "dataset_version_id",
        "data_source",
        "model_id",
        "model_metric_list",
        "system_metric_list",
        "user_image_url",
        "user_command",
        "resource_id",
        "volumes",
        "pool_id",
        "pool_name",
        "nas_mount_path",
        "nas_share_addr",
        "nas_type",
        "is_zombie",
        "pool_type",
        "npu_info",
      ]) {
        assert.ok(key in d, `missing ${key}`);
      }
      assert.equal(d.engine_name, "TensorFlow");
      assert.equal(d.engine_type, 1);
      assert.equal(d.spec_code, "modelarts.vm.cpu.2u");
      assert.deepEqual(d.parameter, [{ label: "lr", value: "0.01" }]);
      assert.equal(d.pre_version_id, null);
      assert.equal(d.model_metric_list, "{}");
      assert.equal(typeof d.system_metric_list, "object");
      emu().control.setBehaviour({ extraFields: false });
      const plain = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`);
      assert.equal("is_zombie" in plain.json, false);
    });

    it("creates a version from a previous one and lists versions newest first, unpaged by default", async () => {
      const { jobId, versionId } = await createJob(call(), "versioned");
      const created = await call()("POST", `/training-jobs/${jobId}/versions/`, {
        job_desc: "second",
        config: { ...jobBody("x").config, pre_version_id: Number(versionId) },
      });
      assert.equal(created.status, 200, created.text);
      assert.equal(created.json.version_name, "V0002");
      assert.equal(created.json.status, 1);
      assert.equal("resource_id" in created.json, false);
      const list = await call()("GET", `/training-jobs/${jobId}/versions`);
      assert.equal(list.json.version_count, 2);
      assert.equal(list.json.job_desc, "second");
      const versions = list.json.versions as Array<Record<string, unknown>>;
      assert.deepEqual(
        versions.map((v) => v.version_name),
        ["V0002", "V0001"],
      );
      assert.equal(String(versions[0]?.pre_version_id), versionId);
      assert.equal(typeof versions[0]?.system_metric_list, "string");
      assert.equal(versions[0]?.gpu, false);
      assert.equal("job_name" in (versions[0] as object), false);
      const paged = await call()("GET", `/training-jobs/${jobId}/versions?per_page=1&page=2`);
      assert.deepEqual(
        (paged.json.versions as Array<Record<string, unknown>>).map((v) => v.version_name),
        ["V0001"],
      );
      const listJobs = await call()("GET", "/training-jobs");
      const row = (listJobs.json.jobs as Array<Record<string, unknown>>)[0];
      assert.equal(String(row?.version_id), String(created.json.version_id));
    });

    it("requires pre_version_id and train_url when creating a version", async () => {
      const { jobId, versionId } = await createJob(call(), "needs-pre");
      const noPre = await call()("POST", `/training-jobs/${jobId}/versions`, { config: jobBody("x").config });
      assert.equal(noPre.json.error_code, "ModelArts.0101");
      assert.match(noPre.json.error_message as string, /pre_version_id/);
      const { train_url: _t, ...noTrain } = jobBody("x").config;
      const res = await call()("POST", `/training-jobs/${jobId}/versions`, { config: { ...noTrain, pre_version_id: versionId } });
      assert.match(res.json.error_message as string, /train_url/);
      const foreign = await call()("POST", `/training-jobs/${jobId}/versions`, { config: { ...jobBody("x").config, pre_version_id: 1 } });
      assert.match(foreign.json.error_message as string, /pre_version_id/);
    });

    it("deletes a version asynchronously: still visible right after, gone after the delay", async () => {
      const { jobId, versionId } = await createJob(call(), "del-version");
      emu().control.advance(JOB_MS);
      const del = await call()("DELETE", `/training-jobs/${jobId}/versions/${versionId}`);
      assert.deepEqual(del.json, { is_success: true });
      assert.equal((await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).status, 200);
      emu().control.advance(1_000);
      const gone = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`);
      assert.equal(gone.status, 400);
      assert.equal(gone.json.error_code, "ModelArts.2775");
      assert.equal((await call()("GET", `/training-jobs/${jobId}/versions`)).json.version_count, 0);
    });
  });

  describe("description", () => {
    it("changes the description with PUT and requires job_desc", async () => {
      const { jobId } = await createJob(call(), "desc");
      assert.deepEqual((await call()("PUT", `/training-jobs/${jobId}`, { job_desc: "new text" })).json, { is_success: true });
      assert.equal((await call()("GET", `/training-jobs/${jobId}/versions`)).json.job_desc, "new text");
      const missing = await call()("PUT", `/training-jobs/${jobId}`, {});
      assert.equal(missing.json.error_code, "ModelArts.0101");
      assert.match(missing.json.error_message as string, /job_desc/);
      const long = await call()("PUT", `/training-jobs/${jobId}`, { job_desc: "d".repeat(257) });
      assert.match(long.json.error_message as string, /job_desc/);
    });
  });

  describe("stop", () => {
    it("stops a running version: KILLING for the kill time, then KILLED", async () => {
      const { jobId, versionId } = await createJob(call(), "stop-me");
      emu().control.advance(3_000);
      const stop = await call()("POST", `/training-jobs/${jobId}/versions/${versionId}/stop`);
      assert.deepEqual(stop.json, { is_success: true });
      const status = async () => (await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).json.status;
      assert.equal(await status(), 9);
      emu().control.advance(1_000);
      assert.equal(await status(), 12);
    });

    it("ends a stop in CANCELED when stopOutcome is canceled", async () => {
      emu().control.setBehaviour({ stopOutcome: "canceled" });
      const { jobId, versionId } = await createJob(call(), "cancel-me");
      await call()("POST", `/training-jobs/${jobId}/versions/${versionId}/stop`);
      emu().control.advance(1_000);
      assert.equal((await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).json.status, 13);
    });

    it("refuses to stop a finished version with 409 ModelArts.2796", async () => {
      const { jobId, versionId } = await createJob(call(), "finished");
      emu().control.advance(JOB_MS);
      const res = await call()("POST", `/training-jobs/${jobId}/versions/${versionId}/stop`);
      assert.equal(res.status, 409);
      assert.equal(res.json.error_code, "ModelArts.2796");
    });
  });

  describe("delete", () => {
    async function listed(jobId: string): Promise<Record<string, unknown> | undefined> {
      const res = await call()("GET", "/training-jobs?per_page=1000");
      return (res.json.jobs as Array<Record<string, unknown>>).find((j) => String(j.job_id) === jobId);
    }

    it("answers at once, keeps the job listed unchanged for the delete delay, then removes it", async () => {
      const { jobId, versionId } = await createJob(call(), "to-delete");
      emu().control.advance(JOB_MS);
      const del = await call()("DELETE", `/training-jobs/${jobId}`);
      assert.equal(del.status, 200);
      assert.deepEqual(del.json, { is_success: true });
      assert.equal((await listed(jobId))?.status, 10);
      emu().control.advance(4_999);
      assert.equal((await listed(jobId))?.status, 10);
      assert.equal((await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).status, 200);
      emu().control.advance(1);
      assert.equal(await listed(jobId), undefined);
      const after = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`);
      assert.equal(after.status, 400);
      assert.equal(after.json.error_code, "ModelArts.2775");
    });

    it("kills a running job first: KILLING, then KILLED while the delay runs, then gone", async () => {
      const { jobId } = await createJob(call(), "running-delete");
      emu().control.advance(3_000);
      assert.equal((await listed(jobId))?.status, 8);
      await call()("DELETE", `/training-jobs/${jobId}`);
      assert.equal((await listed(jobId))?.status, 9);
      emu().control.advance(1_000);
      assert.equal((await listed(jobId))?.status, 12);
      emu().control.advance(5_000);
      assert.equal(await listed(jobId), undefined);
    });

    it("rejects the delete of a running job with 409 ModelArts.2796 when rejectDeleteWhileRunning is on", async () => {
      emu().control.setBehaviour({ rejectDeleteWhileRunning: true });
      const { jobId } = await createJob(call(), "no-kill");
      const res = await call()("DELETE", `/training-jobs/${jobId}`);
      assert.equal(res.status, 409);
      assert.equal(res.json.error_code, "ModelArts.2796");
      assert.equal((await listed(jobId))?.status, 1);
    });

    it("ends in DELETE_FAILED for the first N attempts, and a new DELETE restarts the deletion", async () => {
      emu().control.addRule({ match: { jobNameRegex: "^flaky-del" }, deleteFailures: 1, deleteDelayMs: 2_000 });
      const { jobId } = await createJob(call(), "flaky-delete");
      emu().control.advance(JOB_MS);
      await call()("DELETE", `/training-jobs/${jobId}`);
      emu().control.advance(2_000);
      assert.equal((await listed(jobId))?.status, 6);
      emu().control.advance(60_000);
      assert.equal((await listed(jobId))?.status, 6, "a failed delete stays listed");
      await call()("DELETE", `/training-jobs/${jobId}`);
      emu().control.advance(2_000);
      assert.equal(await listed(jobId), undefined);
    });

    it("answers the not-found error for an unknown or already deleted job, in the chosen style", async () => {
      const unknown = await call()("DELETE", "/training-jobs/42");
      assert.equal(unknown.status, 400);
      assert.equal(unknown.json.error_code, "ModelArts.2775");
      assert.match(unknown.json.error_message as string, /training job \(42\) not found/);
      emu().control.setBehaviour({ notFoundStyle: "404-0015" });
      const s404 = await call()("DELETE", "/training-jobs/42");
      assert.equal(s404.status, 404);
      assert.equal(s404.json.error_code, "ModelArts.0015");
      emu().control.setBehaviour({ notFoundStyle: "200-false" });
      const s200 = await call()("DELETE", "/training-jobs/42");
      assert.equal(s200.status, 200);
      assert.equal(s200.json.is_success, false);
      emu().control.setBehaviour({ notFoundStyle: "400-2775", deleteDelayMs: 0 });
      const { jobId } = await createJob(call(), "twice");
      emu().control.advance(JOB_MS);
      await call()("DELETE", `/training-jobs/${jobId}`);
      assert.equal((await call()("DELETE", `/training-jobs/${jobId}`)).json.error_code, "ModelArts.2775");
    });

    it("answers a second DELETE during the deletion with success, or not-found when chosen", async () => {
      const { jobId } = await createJob(call(), "double");
      emu().control.advance(JOB_MS);
      await call()("DELETE", `/training-jobs/${jobId}`);
      assert.deepEqual((await call()("DELETE", `/training-jobs/${jobId}`)).json, { is_success: true });
      emu().control.setBehaviour({ repeatDeleteAnswer: "not-found" });
      assert.equal((await call()("DELETE", `/training-jobs/${jobId}`)).json.error_code, "ModelArts.2775");
    });

    it("keeps the name taken while the job is being deleted, unless deletingJobHoldsName is off", async () => {
      const { jobId } = await createJob(call(), "reuse");
      emu().control.advance(JOB_MS);
      await call()("DELETE", `/training-jobs/${jobId}`);
      assert.equal((await call()("POST", "/training-jobs", jobBody("reuse"))).json.error_code, "ModelArts.0103");
      emu().control.setBehaviour({ deletingJobHoldsName: false });
      assert.equal((await call()("POST", "/training-jobs", jobBody("reuse"))).status, 200);
    });
  });

  describe("read-after-create", () => {
    it("hides a new job from list and details for listVisibilityDelayMs", async () => {
      emu().control.setBehaviour({ listVisibilityDelayMs: 2_000 });
      const { jobId, versionId } = await createJob(call(), "late");
      assert.equal((await call()("GET", "/training-jobs")).json.job_total_count, 0);
      assert.equal((await call()("GET", `/training-jobs/${jobId}/versions/${versionId}`)).status, 400);
      emu().control.advance(2_000);
      assert.equal((await call()("GET", "/training-jobs")).json.job_total_count, 1);
    });
  });

  describe("catalogue and logs", () => {
    it("lists resource flavours with max_num and a no_resource one", async () => {
      const res = await call()("GET", "/job/resource-specs?job_type=train");
      assert.equal(res.status, 200);
      const specs = res.json.specs as Array<Record<string, unknown>>;
      assert.equal(res.json.spec_total_count, specs.length);
      assert.ok(specs.some((s) => s.no_resource === true));
      assert.ok(specs.some((s) => (s.gpu_num as number) > 0));
      for (const s of specs)
        for (const k of [
          "spec_id",
          "core",
          "cpu",
          "gpu_num",
          "gpu_type",
          "spec_code",
          "max_num",
          "unit_num",
          "storage",
          "interface_type",
          "no_resource",
        ])
          assert.ok(k in s, k);
      assert.equal((await call()("GET", "/job/resource-specs?job_type=deploy")).json.error_code, "ModelArts.2765");
    });

    it("lists AI engines with the reference's and the live example's ids and types", async () => {
      const res = await call()("GET", "/job/ai-engines?job_type=train");
      const engines = res.json.engines as Array<Record<string, unknown>>;
      assert.deepEqual(
        engines.find((e) => e.engine_id === 1),
        { engine_type: 1, engine_id: 1, engine_name: "TensorFlow", engine_version: "TF-1.4.0-python2.7" },
      );
      assert.ok(engines.some((e) => e.engine_name === "PyTorch" && e.engine_type === 10));
      assert.ok(engines.some((e) => e.engine_name === "MXNet" && e.engine_id === 501));
    });

    it("lists built-in algorithms, searchable and paged, with parameter as a JSON string", async () => {
      const res = await call()("GET", "/built-in-algorithms?search_content=_v1_50&sortBy=model_name&order=asc");
      const models = res.json.models as Array<Record<string, unknown>>;
      assert.equal(res.json.model_total_count, 2);
      assert.deepEqual(
        models.map((m) => m.model_name),
        ["Faster_RCNN_ResNet_v1_50", "ResNet_v1_50"],
      );
      assert.equal(typeof models[0]?.parameter, "string");
      assert.ok(Array.isArray(JSON.parse(models[0]?.parameter as string)));
      assert.equal((await call()("GET", "/built-in-algorithms?per_page=101")).json.error_code, "ModelArts.2764");
    });

    it("names one log file per worker and reads log lines with 19-digit string positions", async () => {
      const { jobId, versionId } = await createJob(call(), "logs", { spec_id: 2, worker_server_num: 2 });
      const files = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}/log/file-names`);
      const list = files.json.log_file_list as string[];
      assert.equal(list.length, 2);
      const file = encodeURIComponent(list[0] as string);
      const early = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}/aom-log?log_file=${file}`);
      assert.equal(early.json.error_code, "ModelArts.2818");
      emu().control.advance(JOB_MS);
      const all = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}/aom-log?log_file=${file}&lines=500`);
      assert.equal(all.status, 200, all.text);
      assert.match(all.json.start_line as string, /^\d{19}$/);
      assert.match(all.json.end_line as string, /^\d{19}$/);
      assert.match(all.json.content as string, /Training completed\./);
      const total = all.json.lines as number;
      const firstTwo = await call()(
        "GET",
        `/training-jobs/${jobId}/versions/${versionId}/aom-log?log_file=${file}&lines=2&base_line=0&order=desc`,
      );
      assert.equal(firstTwo.json.lines, 2);
      assert.equal(firstTwo.json.start_line, all.json.start_line);
      const rest = await call()(
        "GET",
        `/training-jobs/${jobId}/versions/${versionId}/aom-log?log_file=${file}&lines=500&base_line=${firstTwo.json.end_line as string}&order=desc`,
      );
      assert.equal(rest.json.lines, total - 2);
      const before = await call()(
        "GET",
        `/training-jobs/${jobId}/versions/${versionId}/aom-log?log_file=${file}&lines=1&base_line=${rest.json.start_line as string}&order=asc`,
      );
      assert.equal(before.json.end_line, firstTwo.json.end_line);
      const bad = await call()("GET", `/training-jobs/${jobId}/versions/${versionId}/aom-log?log_file=nope.log`);
      assert.match(bad.json.error_message as string, /log_file/);
    });
  });

  describe("routes", () => {
    it("answers an unknown route with 404 ModelArts.4204", async () => {
      const res = await call()("GET", "/visualization-jobs");
      assert.equal(res.status, 404);
      assert.equal(res.json.is_success, false);
      assert.equal(res.json.error_code, "ModelArts.4204");
    });

    it("answers HTTP 200 with is_success false for every error when errorsAsHttp200 is on", async () => {
      emu().control.setBehaviour({ errorsAsHttp200: true });
      const res = await call()("GET", "/training-jobs?per_page=0");
      assert.equal(res.status, 200);
      assert.equal(res.json.is_success, false);
      assert.equal(res.json.error_code, "ModelArts.2764");
    });

    it("accepts a doubled slash and a trailing slash as the docs' samples write them", async () => {
      const res = await fetch(`${emu().url}//v1/0123456789abcdef0123456789abcdef/training-jobs/`, { headers: { "x-auth-token": "t" } });
      assert.equal(res.status, 200);
    });
  });
});
