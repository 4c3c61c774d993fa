/**
 * Conformance of the emulator with the public sources of docs/api-v1.md: the OTC reference's
 * old-version training pages and the live worked example ("Creating a Training Job Using the
 * TensorFlow Framework"), item by item.
 */
import { strict as assert } from "node:assert";
import { type Caller, createJob, jobBody, rawField, useEmulator, without } from "./helpers";

const JOB_MS = 10_000;

type Json = Record<string, unknown>;

/** A create body without any flavour field, plus the given config members. */
function bodyWith(name: string, config: Json): Json {
  const body = jobBody(name);
  return { ...body, config: { ...without(body.config, "spec_id"), ...config } };
}

async function create(call: Caller, body: unknown): Promise<{ jobId: string; versionId: string }> {
  const res = await call("POST", "/training-jobs", body);
  assert.equal(res.status, 200, res.text);
  return { jobId: rawField(res.text, "job_id"), versionId: rawField(res.text, "version_id") };
}

async function details(call: Caller, ids: { jobId: string; versionId: string }): Promise<Json> {
  const res = await call("GET", `/training-jobs/${ids.jobId}/versions/${ids.versionId}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function listedVersion(call: Caller, ids: { jobId: string; versionId: string }): Promise<Json> {
  const res = await call("GET", `/training-jobs/${ids.jobId}/versions`);
  assert.equal(res.status, 200, res.text);
  const item = (res.json.versions as Json[]).find((v) => String(v.version_id) === ids.versionId);
  assert.ok(item, res.text);
  return item;
}

async function refused(call: Caller, body: unknown, code: string, message: RegExp, status = 400): Promise<void> {
  const res = await call("POST", "/training-jobs", body);
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.is_success, false);
  assert.equal(res.json.error_code, code, res.text);
  assert.match(res.json.error_message as string, message);
}

describe("emulator conformance with the reference and the live example", () => {
  const { emu, call } = useEmulator({ jobDurationMs: JOB_MS, deleteDelayMs: 5_000 });

  describe("1. flavour by code", () => {
    it("accepts the live example's create body verbatim: flavor.code, a data_source item, notification, workspace 0", async () => {
      const res = await call()("POST", "/training-jobs", {
        job_name: "jobtest_TF",
        job_desc: "using TensorFlow for handwritten digit recognition",
        config: {
          worker_server_num: 1,
          parameter: [],
          flavor: { code: "modelarts.vm.cpu.8u" },
          train_url: "/test-modelarts/mnist-model/output/",
          engine_id: 4,
          app_url: "/test-modelarts/mnist-tensorflow-code/",
          boot_file_url: "/test-modelarts/mnist-tensorflow-code/train_mnist_tf.py",
          data_source: [{ type: "obs", data_url: "/test-modelarts/dataset-mnist/" }],
        },
        notification: { topic_urn: "", events: [] },
        workspace_id: "0",
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.version_name, "V0001");
      assert.equal(res.json.status, 1);
      const ids = { jobId: rawField(res.text, "job_id"), versionId: rawField(res.text, "version_id") };
      emu().control.advance(JOB_MS);
      const d = await details(call(), ids);
      // The live answer to this request (docs/api-v1.md §3.3), for every field the emulator can know.
      const live: Json = {
        job_name: "jobtest_TF",
        status: 10,
        spec_id: 27,
        spec_code: "modelarts.vm.cpu.8u",
        flavor_code: "modelarts.vm.cpu.8u",
        core: "8",
        cpu: "32",
        gpu_num: 0,
        gpu_type: "",
        max_num: 1,
        worker_server_num: 1,
        engine_id: 4,
        engine_name: "TensorFlow",
        engine_version: "TF-1.8.0-python3.6",
        engine_type: 1,
        parameter: [],
        app_url: "/test-modelarts/mnist-tensorflow-code/",
        boot_file_url: "/test-modelarts/mnist-tensorflow-code/train_mnist_tf.py",
        train_url: "/test-modelarts/mnist-model/output/",
        data_url: "/test-modelarts/dataset-mnist/",
        data_source: [{ type: "obs", data_url: "/test-modelarts/dataset-mnist/" }],
        log_url: null,
        dataset_id: null,
        dataset_version_id: null,
        model_id: null,
        user_image_url: null,
        user_command: null,
        volumes: null,
        pre_version_id: null,
        pool_id: "pool7d1e384a",
        pool_name: "hec-train-pub-cpu",
        pool_type: "SYSTEM_DEFINED",
        nas_type: "efs",
        nas_share_addr: null,
        nas_mount_path: null,
        model_metric_list: "{}",
        model_outputs: [],
        task_summary: {},
        job_type: 1,
        storage: "",
        no_resource: false,
        gpu: null,
      };
      assert.deepEqual(Object.fromEntries(Object.keys(live).map((k) => [k, d[k]])), live);
      const files = await call()("GET", `/training-jobs/${ids.jobId}/versions/${ids.versionId}/log/file-names`);
      assert.deepEqual(files.json.log_file_list, ["job-jobtest-tf.0"]);
    });

    it("answers a flavor.code job with its spec_id, flavor_code and the public pool", async () => {
      const ids = await create(call(), bodyWith("by-code", { flavor: { code: "modelarts.vm.cpu.8u" } }));
      const d = await details(call(), ids);
      assert.equal(d.spec_id, 27);
      assert.equal(d.spec_code, "modelarts.vm.cpu.8u");
      assert.equal(d.flavor_code, "modelarts.vm.cpu.8u");
      assert.equal(d.pool_id, "pool7d1e384a");
      assert.equal(d.pool_name, "hec-train-pub-cpu");
      assert.equal(d.pool_type, "SYSTEM_DEFINED");
      assert.equal(d.core, "8");
      assert.equal(d.cpu, "32");
    });

    it("answers a spec_id job with the spec's code as flavor_code and the public pool", async () => {
      const ids = await createJob(call(), "by-id", { spec_id: 4 });
      const d = await details(call(), ids);
      assert.equal(d.spec_id, 4);
      assert.equal(d.flavor_code, "modelarts.vm.gpu.p100");
      assert.equal(d.pool_id, "pool3b5a9e07");
      assert.equal(d.pool_name, "hec-train-pub-gpu");
      assert.equal(d.gpu_num, 1);
    });

    it("accepts flavor.code with a dedicated pool_id, as production clients send it", async () => {
      const ids = await create(call(), bodyWith("pool-code", { flavor: { code: "modelarts.vm.cpu.2u" }, pool_id: "poolc0ffee01" }));
      const d = await details(call(), ids);
      assert.equal(d.spec_id, null);
      assert.equal(d.flavor_code, "modelarts.vm.cpu.2u");
      assert.equal(d.spec_code, "modelarts.vm.cpu.2u");
      assert.equal(d.pool_id, "poolc0ffee01");
      assert.equal(d.pool_name, "cpu-pool");
      assert.equal(d.pool_type, "USER_DEFINED");
      assert.equal(d.core, "2");
    });

    it("accepts pool_id alone and reports the pool's own flavour", async () => {
      const ids = await create(call(), bodyWith("pool-only", { pool_id: "pool9928813f" }));
      const d = await details(call(), ids);
      assert.equal(d.pool_id, "pool9928813f");
      assert.equal(d.pool_name, "pnt1");
      assert.equal(d.flavor_code, "modelarts.vm.gpu.p100");
    });

    it("takes an empty pool_id as none, as clients that send every field write it", async () => {
      const ids = await create(call(), bodyWith("empty-pool", { flavor: { code: "modelarts.vm.cpu.8u" }, pool_id: "" }));
      assert.equal((await details(call(), ids)).pool_id, "pool7d1e384a");
    });

    it("refuses spec_id together with flavor.code, and a job with no flavour at all", async () => {
      await refused(call(), jobBody("both", { flavor: { code: "modelarts.vm.cpu.2u" } }), "ModelArts.0101", /config\.flavor/);
      await refused(call(), bodyWith("none", {}), "ModelArts.0101", /spec_id or flavor\.code .* or pool_id/);
    });

    it("checks the flavour object, the code, the pool's flavours and max_num", async () => {
      await refused(call(), bodyWith("f1", { flavor: "modelarts.vm.cpu.8u" }), "ModelArts.0101", /config\.flavor: must be an object/);
      await refused(call(), bodyWith("f2", { flavor: { code: "" } }), "ModelArts.0101", /config\.flavor\.code/);
      await refused(call(), bodyWith("f3", { flavor: { code: "modelarts.vm.none" } }), "ModelArts.2781", /modelarts\.vm\.none/);
      await refused(
        call(),
        bodyWith("f4", { flavor: { code: "modelarts.pool.x" }, pool_id: "pool9928813f" }),
        "ModelArts.2763",
        /pool9928813f/,
      );
      await refused(
        call(),
        bodyWith("f5", { flavor: { code: "modelarts.vm.cpu.2u" }, worker_server_num: 3 }),
        "ModelArts.2793",
        /maximum 2/,
      );
      await refused(call(), bodyWith("f6", { flavor: { code: "modelarts.vm.gpu.v100.8" } }), "ModelArts.3976", /v100/);
    });

    it("accepts flavor.code in a new version too", async () => {
      const ids = await createJob(call(), "version-code");
      const res = await call()("POST", `/training-jobs/${ids.jobId}/versions`, {
        config: {
          ...without(jobBody("x").config, "spec_id"),
          flavor: { code: "modelarts.vm.cpu.8u" },
          pre_version_id: Number(ids.versionId),
        },
      });
      assert.equal(res.status, 200, res.text);
      const d = await details(call(), { jobId: ids.jobId, versionId: rawField(res.text, "version_id") });
      assert.equal(d.flavor_code, "modelarts.vm.cpu.8u");
      assert.equal(d.spec_id, 27);
    });
  });

  describe("2. NAS fields", () => {
    it("accepts nas_share_addr, nas_mount_path and nas_type in config and echoes them", async () => {
      const nas = { nas_share_addr: "192.168.8.150:/", nas_mount_path: "/home/work/nas", nas_type: "nfs" };
      const ids = await createJob(call(), "nas", nas);
      const d = await details(call(), ids);
      assert.deepEqual([d.nas_share_addr, d.nas_mount_path, d.nas_type], [nas.nas_share_addr, nas.nas_mount_path, nas.nas_type]);
      const item = await listedVersion(call(), ids);
      assert.deepEqual([item.nas_share_addr, item.nas_mount_path, item.nas_type], [nas.nas_share_addr, nas.nas_mount_path, nas.nas_type]);
    });

    it("reports nas_type efs and null share and path when none were sent, as the live answer did", async () => {
      const d = await details(call(), await createJob(call(), "no-nas"));
      assert.equal(d.nas_type, "efs");
      assert.equal(d.nas_share_addr, null);
      assert.equal(d.nas_mount_path, null);
    });

    it("accepts the empty NAS fields of clients that send every field, and refuses a relative mount path", async () => {
      await createJob(call(), "nas-empty", { nas_share_addr: "", nas_mount_path: "", nas_type: "efs" });
      await refused(call(), jobBody("nas-rel", { nas_mount_path: "home/nas" }), "ModelArts.0101", /config\.nas_mount_path/);
      await refused(call(), jobBody("nas-num", { nas_type: 1 }), "ModelArts.0101", /config\.nas_type/);
    });
  });

  describe("3. version details as the live service answers them", () => {
    it("fills data_url from a data_source OBS item and adds no null keys to the items", async () => {
      const ids = await createJob(call(), "ds-obs", { data_url: undefined, data_source: [{ type: "obs", data_url: "/bucket/mnist/" }] });
      const d = await details(call(), ids);
      assert.equal(d.data_url, "/bucket/mnist/");
      assert.deepEqual(d.data_source, [{ type: "obs", data_url: "/bucket/mnist/" }]);
      const item = await listedVersion(call(), ids);
      assert.deepEqual(item.data_source, [{ type: "obs", data_url: "/bucket/mnist/" }]);
    });

    it("echoes a dataset item with exactly its members and leaves data_url null", async () => {
      const ids = await createJob(call(), "ds-set", { data_url: undefined, data_source: [{ dataset_id: "ds1", dataset_version: "v1" }] });
      const d = await details(call(), ids);
      assert.deepEqual(d.data_source, [{ dataset_id: "ds1", dataset_version: "v1" }]);
      assert.equal(d.data_url, null);
    });

    it("answers system_metric_list with the live answer's series and interval, an object in details and a string in the list", async () => {
      const ids = await createJob(call(), "metrics");
      emu().control.advance(JOB_MS);
      const series = ["cpuUsage", "memUsage", "gpuUtil", "gpuMemUsage", "diskReadRate", "diskWriteRate", "recvBytesRate", "sendBytesRate"];
      const d = await details(call(), ids);
      const metrics = d.system_metric_list as Json;
      assert.deepEqual(Object.keys(metrics).sort(), [...series, "interval"].sort());
      assert.equal(metrics.interval, 1);
      for (const name of series) {
        const values = metrics[name] as unknown[];
        assert.ok(values.length > 0 && values.every((x) => typeof x === "string" && Number.isFinite(Number(x))), name);
      }
      const listed = JSON.parse((await listedVersion(call(), ids)).system_metric_list as string) as Json;
      assert.deepEqual(Object.keys(listed).sort(), Object.keys(metrics).sort());
    });

    it("answers the live answer's values for the undocumented keys, none of them null", async () => {
      const d = await details(call(), await createJob(call(), "extras"));
      assert.deepEqual(d.model_outputs, []);
      assert.deepEqual(d.task_summary, {});
      assert.equal(d.job_type, 1);
      assert.equal(d.storage, "");
      assert.equal(d.no_resource, false);
      assert.equal(d.flavor_code, "modelarts.vm.cpu.2u");
      assert.equal(d.max_num, 2);
      assert.equal(typeof d.pool_id, "string");
      assert.equal(typeof d.pool_name, "string");
    });

    it('answers model_metric_list as "{}" for a custom-code job and with metrics for a finished built-in algorithm', async () => {
      const custom = await createJob(call(), "custom-code");
      const builtIn = await createJob(call(), "built-in", {
        app_url: undefined,
        boot_file_url: undefined,
        engine_id: undefined,
        model_id: 1,
      });
      emu().control.advance(JOB_MS);
      assert.equal((await details(call(), custom)).model_metric_list, "{}");
      const metrics = JSON.parse((await details(call(), builtIn)).model_metric_list as string) as Json;
      assert.equal(typeof metrics.total_metric, "object");
    });
  });

  describe("4. parameter items", () => {
    it("accepts items without label or without value, as the reference marks both optional, and echoes them as sent", async () => {
      const parameter = [{ label: "epochs", value: "10" }, { label: "flag" }, { value: "positional" }, {}];
      const d = await details(call(), await createJob(call(), "params", { parameter }));
      assert.deepEqual(d.parameter, parameter);
    });

    it("still refuses members that are not text", async () => {
      await refused(call(), jobBody("p1", { parameter: [{ label: ["x"] }] }), "ModelArts.0101", /parameter\[0\]\.label/);
      await refused(call(), jobBody("p2", { parameter: [{ label: "x", value: { a: 1 } }] }), "ModelArts.0101", /parameter\[0\]\.value/);
    });
  });

  describe("5. not found", () => {
    it("answers HTTP 400 ModelArts.2775 for the details, the versions, a stop and a DELETE of a job that is gone", async () => {
      const ids = await createJob(call(), "gone");
      emu().control.deleteJob(ids.jobId, { immediate: true });
      for (const [method, path] of [
        ["GET", `/training-jobs/${ids.jobId}/versions/${ids.versionId}`],
        ["GET", `/training-jobs/${ids.jobId}/versions`],
        ["POST", `/training-jobs/${ids.jobId}/versions/${ids.versionId}/stop`],
        ["DELETE", `/training-jobs/${ids.jobId}`],
      ] as const) {
        const res = await call()(method, path);
        assert.equal(res.status, 400, `${method} ${path}: ${res.text}`);
        assert.equal(res.json.error_code, "ModelArts.2775");
        assert.equal(res.json.is_success, false);
      }
    });

    it("answers 2775 for a deleted version while the list still shows its job", async () => {
      const ids = await createJob(call(), "version-gone");
      assert.equal((await call()("DELETE", `/training-jobs/${ids.jobId}/versions/${ids.versionId}`)).status, 200);
      emu().control.advance(2_000);
      const res = await call()("GET", `/training-jobs/${ids.jobId}/versions/${ids.versionId}`);
      assert.equal(res.status, 400);
      assert.equal(res.json.error_code, "ModelArts.2775");
      const list = await call()("GET", "/training-jobs?search_content=version-gone");
      assert.deepEqual(
        (list.json.jobs as Json[]).map((j) => String(j.job_id)),
        [ids.jobId],
      );
    });
  });

  describe("6. log file names", () => {
    it("names log files job-<name>.<node> with the name in lower case and _ as -, as the live service did", async () => {
      const single = await create(call(), { ...jobBody("jobtest_TF") });
      const one = await call()("GET", `/training-jobs/${single.jobId}/versions/${single.versionId}/log/file-names`);
      assert.deepEqual(one.json.log_file_list, ["job-jobtest-tf.0"]);
      const multi = await createJob(call(), "Dist_Job", { worker_server_num: 2 });
      const two = await call()("GET", `/training-jobs/${multi.jobId}/versions/${multi.versionId}/log/file-names`);
      assert.deepEqual(two.json.log_file_list, ["job-dist-job.0", "job-dist-job.1"]);
    });

    it("serves the lines of a file by that name", async () => {
      const ids = await createJob(call(), "logs_Job");
      emu().control.advance(JOB_MS);
      const res = await call()("GET", `/training-jobs/${ids.jobId}/versions/${ids.versionId}/aom-log?log_file=job-logs-job.0&lines=500`);
      assert.equal(res.status, 200, res.text);
      assert.match(res.json.content as string, /Training completed/);
    });
  });
});
