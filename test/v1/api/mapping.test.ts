import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseWireJson, stringifyWireJson } from "../../../provider/shared/api/json";
import {
  WireFormatError,
  fromWireCreateJob,
  fromWireListJobs,
  fromWireListVersions,
  fromWireLogFileNames,
  fromWireLogs,
  fromWireResourceSpecs,
  fromWireVersion,
  readEnvelope,
  toId,
  toWireCreateJob,
  toWireCreateVersion,
  toWireJobConfig,
  toWireListJobsQuery,
} from "../../../provider/v1/api/mapping";
import type { RunningEmulator } from "../../../emulator/index";
import type { ModelArtsClient } from "../../../provider/v1/api/client";
import { JOB_CONFIG_KEYS, type JobConfig } from "../../../provider/v1/api/types";
import { akskClient, startTestEmulator } from "../../shared/api/helpers";

describe("wire mapping", () => {
  it("keeps a 19-digit job id given as a bare JSON number exact", () => {
    const body = parseWireJson(
      '{"is_success":true,"job_id":9223372036854775807,"job_name":"a","status":1,"create_time":1524189990635,"version_id":9007199254740993,"version_name":"V0001","resource_id":"jobafd08896"}',
    );
    const result = fromWireCreateJob(body);
    assert.equal(result.jobId, "9223372036854775807");
    assert.equal(result.versionId, "9007199254740993");
    // What JSON.parse would have done:
    assert.notEqual(String((JSON.parse('{"v":9007199254740993}') as { v: number }).v), "9007199254740993");
  });

  it("turns ids and statuses sent as JSON strings into exact ids and numbers (the create sample)", () => {
    const body = parseWireJson(
      '{"is_success":true,"job_id":"10","job_name":"TestModelArtsJob","status":"1","create_time":"1524189990635","version_id":"10","version_name":"V0001","resource_id":"jobafd08896"}',
    );
    assert.deepEqual(fromWireCreateJob(body), {
      jobId: "10",
      jobName: "TestModelArtsJob",
      status: 1,
      createTime: 1524189990635,
      versionId: "10",
      versionName: "V0001",
      resourceId: "jobafd08896",
    });
  });

  it("maps the list sample and ignores unknown keys", () => {
    const body = parseWireJson(
      '{"is_success":true,"quotas":5,"job_total_count":1,"job_count_limit":3,"surprise":{"x":1},"jobs":[{"job_id":10,"job_name":"testModelArtsJob","version_id":10,"status":10,"create_time":1524189990635,"duration":532003,"job_desc":"This is ModelArts job","version_count":5,"new_field":null}]}',
    );
    assert.deepEqual(fromWireListJobs(body), {
      jobTotalCount: 1,
      jobCountLimit: 3,
      quotas: 5,
      jobs: [
        {
          jobId: "10",
          jobName: "testModelArtsJob",
          versionId: "10",
          status: 10,
          createTime: 1524189990635,
          duration: 532003,
          jobDesc: "This is ModelArts job",
          versionCount: 5,
        },
      ],
    });
  });

  it("maps version details: nulls become absent, numbers as strings are coerced, metrics decoded", () => {
    const body = parseWireJson(
      '{"is_success":true,"job_id":10,"job_name":"J","job_desc":null,"version_id":"11","version_name":"V0002","pre_version_id":5,"engine_id":"1","status":"10","create_time":1524189990635,"duration":"532003","spec_id":1,"core":2,"cpu":8,"worker_server_num":1,"log_url":null,"model_id":null,"volumes":null,"parameter":[{"label":"lr","value":0.01}],"model_metric_list":"{\\"total_metric\\":{\\"total_metric_values\\":{\\"accuracy\\":0.9}}}","system_metric_list":{"cpuUsage":["0","3.10"]}}',
    );
    const v = fromWireVersion(body);
    assert.equal(v.jobId, "10");
    assert.equal(v.versionId, "11");
    assert.equal(v.preVersionId, "5");
    assert.equal(v.status, 10);
    assert.equal(v.engineId, 1);
    assert.equal(v.duration, 532003);
    assert.equal("jobDesc" in v, false);
    assert.equal("logUrl" in v, false);
    assert.equal("modelId" in v, false);
    assert.equal("volumes" in v, false);
    assert.deepEqual(v.parameters, [{ label: "lr", value: "0.01" }]);
    assert.deepEqual(v.modelMetricList, { total_metric: { total_metric_values: { accuracy: 0.9 } } });
    assert.deepEqual(v.systemMetricList, { cpuUsage: ["0", "3.10"] });
  });

  it("tolerates metric lists that are JSON strings, empty documents or not JSON at all", () => {
    const body = parseWireJson(
      '{"is_success":true,"job_id":10,"job_name":"j","job_desc":"d","version_count":2,"versions":[{"version_id":10,"status":10,"system_metric_list":"{\\"cpuUsage\\":[\\"0\\"],\\"interval\\":1}","model_metric_list":"{}"},{"version_id":"12","status":"8","system_metric_list":"not json","model_metric_list":""}]}',
    );
    const list = fromWireListVersions(body, "10");
    assert.equal(list.versionCount, 2);
    assert.deepEqual(list.versions[0]!.systemMetricList, { cpuUsage: ["0"], interval: 1 });
    assert.deepEqual(list.versions[0]!.modelMetricList, {});
    assert.equal(list.versions[1]!.systemMetricList, undefined);
    assert.equal(list.versions[1]!.versionId, "12");
    assert.equal(list.versions[1]!.jobId, "10");
  });

  it("keeps log positions as text even when they arrive as bare 19-digit numbers", () => {
    const body = parseWireJson(
      '{"is_success":true,"start_line":1551252759254000002,"lines":"1","end_line":"1609121900042593083","content":"x"}',
    );
    assert.deepEqual(fromWireLogs(body), { content: "x", lines: 1, startLine: "1551252759254000002", endLine: "1609121900042593083" });
  });

  it("reads log file lists given as an array or as a string", () => {
    assert.deepEqual(fromWireLogFileNames({ log_file_list: ["job.0", "job.1"] }), ["job.0", "job.1"]);
    assert.deepEqual(fromWireLogFileNames({ log_file_list: "job.0" }), ["job.0"]);
    assert.deepEqual(fromWireLogFileNames({ log_file_list: '["a","b"]' }), ["a", "b"]);
    assert.deepEqual(fromWireLogFileNames({ log_file_list: null }), []);
  });

  it("maps resource specs with string-typed numbers and booleans", () => {
    const body = parseWireJson(
      '{"is_success":true,"specs":[{"spec_id":"2","core":"2","cpu":8,"gpu_num":0,"gpu_type":"","spec_code":"modelarts.vm.cpu.2u","unit_num":1,"max_num":"2","storage":"","interface_type":1,"no_resource":"false"}]}',
    );
    assert.deepEqual(fromWireResourceSpecs(body), [
      {
        specId: 2,
        core: "2",
        cpu: "8",
        gpuNum: 0,
        gpuType: "",
        specCode: "modelarts.vm.cpu.2u",
        maxNum: 2,
        unitNum: 1,
        storage: "",
        interfaceType: 1,
        noResource: false,
      },
    ]);
  });

  it("accepts error_msg as an alias of error_message", () => {
    assert.deepEqual(readEnvelope({ error_msg: "boom", error_code: "AS.0001" }), {
      isSuccess: false,
      errorCode: "AS.0001",
      errorMessage: "boom",
    });
    assert.deepEqual(readEnvelope({ is_success: true }), { isSuccess: true, errorCode: undefined, errorMessage: undefined });
    assert.equal(readEnvelope({ is_success: "true" }).isSuccess, false);
  });

  it("rejects an answer without a job id instead of inventing one", () => {
    assert.throws(() => fromWireCreateJob({ is_success: true, version_id: 1 }), WireFormatError);
    assert.throws(() => fromWireCreateJob("not an object"), WireFormatError);
  });

  it("builds the create body in snake_case, omitting what is unset", () => {
    const wire = toWireCreateJob({
      jobName: "demo",
      config: {
        workerServerNum: 1,
        appUrl: "/b/app/",
        bootFileUrl: "/b/app/train.py",
        parameters: [{ label: "lr", value: "0.1" }],
        dataSource: [{ type: "dataset", datasetId: "d", datasetVersion: "v" }],
        specId: 1,
        volumes: [{ hostPath: { srcPath: "/h", destPath: "/c", readOnly: true } }],
      },
    });
    assert.deepEqual(wire, {
      job_name: "demo",
      config: {
        worker_server_num: 1,
        app_url: "/b/app/",
        boot_file_url: "/b/app/train.py",
        parameter: [{ label: "lr", value: "0.1" }],
        data_source: [{ type: "dataset", dataset_id: "d", dataset_version: "v" }],
        spec_id: 1,
        volumes: [{ host_path: { src_path: "/h", dest_path: "/c", read_only: true } }],
      },
    });
  });

  it("sends pre_version_id as an exact JSON number even above 2^53", () => {
    const wire = toWireCreateVersion({ config: { workerServerNum: 1, trainUrl: "/o/", preVersionId: "12345678901234567890" } });
    assert.equal(stringifyWireJson(wire), '{"config":{"worker_server_num":1,"train_url":"/o/","pre_version_id":12345678901234567890}}');
  });

  it("spells the list query as the API does (sortBy in camelCase, numbers as text)", () => {
    assert.deepEqual(toWireListJobsQuery({ status: 7, perPage: 10, page: 1, sortBy: "create_time", order: "desc", searchContent: "job" }), {
      status: "7",
      per_page: "10",
      page: "1",
      sortBy: "create_time",
      order: "desc",
      search_content: "job",
    });
  });

  it("round-trips any positive integer id exactly, whether sent as a number or a string", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }), fc.boolean(), (n, asString) => {
        const text = asString ? `{"job_id":"${n}"}` : `{"job_id":${n}}`;
        const body = parseWireJson(text) as { job_id: unknown };
        assert.equal(toId(body.job_id), n.toString());
      }),
      { numRuns: 300 },
    );
  });

  describe("flavour by code, NAS fields and parameter members", () => {
    /** The version details the live example answered (docs/api-v1.md §3.3), trimmed to the keys that matter here. */
    const LIVE_DETAILS =
      '{"is_success":true,"job_id":567524,"version_id":1108482,"version_name":"V0001","status":10,"spec_id":27,' +
      '"spec_code":"modelarts.vm.cpu.8u","flavor_code":"modelarts.vm.cpu.8u","pool_id":"pool7d1e384a","pool_name":"hec-train-pub-cpu",' +
      '"pool_type":"SYSTEM_DEFINED","parameter":[],"data_url":"/test-modelarts/dataset-mnist/",' +
      '"data_source":[{"type":"obs","data_url":"/test-modelarts/dataset-mnist/"}],"nas_type":"efs","nas_share_addr":null,' +
      '"nas_mount_path":null,"model_outputs":[],"task_summary":{},"job_type":1,"storage":"","no_resource":false,"model_metric_list":"{}"}';

    it("sends flavor.code and the NAS fields in snake_case, on create and on create version", () => {
      const config: JobConfig = {
        workerServerNum: 1,
        flavor: { code: "modelarts.vm.cpu.8u" },
        poolId: "poolc0ffee01",
        nasShareAddr: "192.168.8.150:/",
        nasMountPath: "/home/work/nas",
        nasType: "nfs",
        parameters: [{ label: "flag" }, { value: "positional" }],
      };
      const expected = {
        worker_server_num: 1,
        flavor: { code: "modelarts.vm.cpu.8u" },
        pool_id: "poolc0ffee01",
        nas_share_addr: "192.168.8.150:/",
        nas_mount_path: "/home/work/nas",
        nas_type: "nfs",
        parameter: [{ label: "flag" }, { value: "positional" }],
      };
      assert.deepEqual(toWireJobConfig(config), expected);
      const { pre_version_id: pre, ...versionConfig } = toWireCreateVersion({ config: { ...config, preVersionId: "7" } }).config;
      assert.deepEqual(versionConfig, expected);
      assert.equal(String(pre), "7");
    });

    it("reads the live answer: flavor_code as flavor, the public pool, nas_type efs and no null NAS members", () => {
      const v = fromWireVersion(parseWireJson(LIVE_DETAILS));
      assert.deepEqual(v.flavor, { code: "modelarts.vm.cpu.8u" });
      assert.equal(v.specId, 27);
      assert.equal(v.poolId, "pool7d1e384a");
      assert.equal(v.poolName, "hec-train-pub-cpu");
      assert.equal(v.nasType, "efs");
      assert.equal("nasShareAddr" in v, false);
      assert.equal("nasMountPath" in v, false);
      assert.equal(v.dataUrl, "/test-modelarts/dataset-mnist/");
      assert.deepEqual(v.dataSource, [{ type: "obs", dataUrl: "/test-modelarts/dataset-mnist/" }]);
      assert.deepEqual(v.parameters, []);
      assert.deepEqual(v.modelMetricList, {});
    });

    it("keeps a parameter member absent when the answer has none or null, instead of inventing an empty one", () => {
      const v = fromWireVersion(
        parseWireJson('{"job_id":1,"version_id":2,"parameter":[{"label":"flag"},{"value":3},{"label":null,"value":"x"}]}'),
      );
      assert.deepEqual(v.parameters, [{ label: "flag" }, { value: "3" }, { value: "x" }]);
    });

    it("reads back every flavour and NAS value it sends, when the service echoes them as the live answer does", () => {
      const text = fc.string({ minLength: 1, maxLength: 40 });
      fc.assert(
        fc.property(text, fc.option(text, { nil: undefined }), text, text, text, (code, poolId, share, mount, type) => {
          const sent: JobConfig = { workerServerNum: 1, flavor: { code }, nasShareAddr: share, nasMountPath: mount, nasType: type };
          if (poolId !== undefined) sent.poolId = poolId;
          const wire = toWireJobConfig(sent);
          // The echo: the config's own fields, the flavour as flavor_code (docs/api-v1.md §3.3).
          const echo = { job_id: 1, version_id: 2, ...wire, flavor: undefined, flavor_code: wire.flavor?.code };
          const read = fromWireVersion(parseWireJson(stringifyWireJson(echo)));
          for (const key of JOB_CONFIG_KEYS) if (sent[key] !== undefined) assert.deepEqual(read[key], sent[key], key);
        }),
        { numRuns: 200 },
      );
    });

    describe("against the emulator", () => {
      let emu: RunningEmulator;
      let client: ModelArtsClient;
      before(async () => {
        emu = await startTestEmulator();
        client = akskClient(emu);
      });
      after(async () => {
        await emu.close();
      });

      const base: JobConfig = {
        workerServerNum: 1,
        engineId: 4,
        appUrl: "/bucket/app/",
        bootFileUrl: "/bucket/app/train.py",
        dataSource: [{ type: "obs", dataUrl: "/bucket/data/" }],
        trainUrl: "/bucket/out/",
      };
      const forms: Array<[string, Partial<JobConfig>]> = [
        ["flavor.code alone", { flavor: { code: "modelarts.vm.cpu.8u" } }],
        ["flavor.code with a dedicated pool", { flavor: { code: "modelarts.vm.cpu.8u" }, poolId: "poolc0ffee01" }],
      ];
      for (const [form, flavour] of forms) {
        it(`round-trips ${form} and the NAS fields through create and version details`, async () => {
          const config: JobConfig = {
            ...base,
            ...flavour,
            nasShareAddr: "192.168.8.150:/",
            nasMountPath: "/home/work/nas",
            nasType: "nfs",
            parameters: [{ label: "flag" }],
          };
          const created = await client.createJob({ jobName: `rt-${form.replace(/\W+/g, "-")}`, config });
          const v = await client.getVersion(created.jobId, created.versionId);
          for (const key of JOB_CONFIG_KEYS) if (config[key] !== undefined) assert.deepEqual(v[key], config[key], key);
        });
      }
    });
  });

  it("takes no zero, negative or fractional number for an id", () => {
    const idOf = (json: string) => toId((parseWireJson(`{"id":${json}}`) as { id: unknown }).id);
    for (const json of ["0", "-5", '"-5"', "1.5", '"00"']) assert.equal(idOf(json), undefined, json);
    assert.equal(idOf('"007"'), "7");
  });
});
