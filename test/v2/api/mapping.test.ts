import { strict as assert } from "node:assert";
import { parseWireJson } from "../../../provider/shared/api/json";
import { WireFormatError } from "../../../provider/shared/api/wire-format";
import {
  environmentsOf,
  fromWireEngines,
  fromWireFlavors,
  fromWireJob,
  fromWireSearch,
  toWireCreateJob,
  toWireSearch,
} from "../../../provider/v2/api/mapping";
import { v2Request } from "./helpers";

/** Parses as the transport does (lossless numbers). */
const wire = (text: string) => parseWireJson(text);

describe("v2 mapping: requests", () => {
  it("writes the create body in snake_case, one to one, without unset fields", () => {
    const body = toWireCreateJob({
      metadata: { name: "m", workspaceId: "w".repeat(32), annotations: { "fault-tolerance/job-retry-num": "3" } },
      algorithm: {
        command: "python train.py",
        engine: { imageUrl: "org/img:1", installSysPackages: false },
        inputs: [{ name: "d", remote: { dataset: { id: "ds", versionId: "v1" } } }],
        environments: { A_B: "1" },
        localCodeDir: "/home/work",
        workingDir: "/home/work",
      },
      spec: {
        resource: { poolId: "pool1", flavorId: "modelarts.pool.visual.xlarge", nodeCount: 2 },
        volumes: [{ nfs: { nfsServerPath: "10.0.0.1:/x", localPath: "/mnt", readOnly: true } }],
        logExportPath: { hostPath: "/logs" },
        autoStop: { timeUnit: "HOURS", duration: 3 },
      },
    });
    assert.deepEqual(body, {
      kind: "job",
      metadata: { name: "m", workspace_id: "w".repeat(32), annotations: { "fault-tolerance/job-retry-num": "3" } },
      algorithm: {
        command: "python train.py",
        engine: { image_url: "org/img:1", install_sys_packages: false },
        inputs: [{ name: "d", remote: { dataset: { id: "ds", version_id: "v1" } } }],
        environments: { A_B: "1" },
        local_code_dir: "/home/work",
        working_dir: "/home/work",
      },
      spec: {
        resource: { flavor_id: "modelarts.pool.visual.xlarge", node_count: 2, pool_id: "pool1" },
        volumes: [{ nfs: { nfs_server_path: "10.0.0.1:/x", local_path: "/mnt", read_only: true } }],
        log_export_path: { host_path: "/logs" },
        auto_stop: { time_unit: "HOURS", duration: 3 },
      },
    });
  });

  it("sends a channel without its remote as it is (for the service to refuse), never throwing", () => {
    const request = v2Request("no-remote");
    const algorithm = {
      ...request.algorithm,
      inputs: [{ name: "data" }],
      outputs: [{ name: "out" }],
    } as unknown as typeof request.algorithm;
    const body = JSON.parse(JSON.stringify(toWireCreateJob({ ...request, algorithm }))) as { algorithm: Record<string, unknown> };
    assert.deepEqual(body.algorithm["inputs"], [{ name: "data", remote: {} }]);
    assert.deepEqual(body.algorithm["outputs"], [{ name: "out", remote: { obs: {} } }]);
  });

  it("leaves spec out when it is not given, and keeps the caller's kind", () => {
    const { spec: _spec, ...request } = v2Request("no-spec");
    const body = toWireCreateJob({ ...request, kind: "visualization_job" });
    assert.equal(body.kind, "visualization_job");
    assert.equal("spec" in body, false);
  });

  it("writes a search with offset as the page index and limit 50 by default", () => {
    assert.deepEqual(toWireSearch({ offset: 2, filters: [{ key: "phase", operator: "in", value: ["Running"] }] }), {
      offset: 2,
      limit: 50,
      filters: [{ key: "phase", operator: "in", value: ["Running"] }],
    });
  });
});

describe("v2 mapping: answers, read defensively", () => {
  it("reads the reference's create answer (E1), with numbers as numbers and the id as a string", () => {
    const job = fromWireJob(
      wire(`{"kind":"job","metadata":{"id":"425b7087-83de-49ed-9e40-5bb642be956f","name":"TestModelArtsJob",
        "description":"This is a ModelArts job","create_time":1637045545982,"workspace_id":"0","user_name":""},
        "status":{"phase":"Creating","secondary_phase":"Creating","duration":0,"start_time":0,"node_count_metrics":null,"tasks":["worker-0","server-0"]},
        "algorithm":{"id":"3f5d","name":"ttt-obs-gpu","code_dir":"/test/code/","boot_file":"/test/code/b.py",
          "parameters":[{"name":"input_dir","description":"","i18n_description":null,"value":"v",
            "constraint":{"type":"String","editable":true,"required":true,"sensitive":false,"valid_type":"None","valid_range":[]}}],
          "engine":{"engine_id":"horovod-cp36-tf-1.16.2","engine_name":"Horovod","engine_version":"0.16.2"},"policies":{}},
        "spec":{"resource":{"policy":"regular","flavor_id":"modelarts.p3.large.public.free","flavor_name":"GPU","node_count":1,
          "flavor_detail":{"flavor_type":"GPU","billing":{"code":"c","unit_num":1}}},"log_export_path":{}}}`),
    );
    assert.equal(job.id, "425b7087-83de-49ed-9e40-5bb642be956f");
    assert.equal(job.createTime, 1637045545982);
    assert.equal(job.userName, "");
    assert.deepEqual(job.tasks, ["worker-0", "server-0"]);
    assert.equal(job.algorithm.parameters?.[0]?.value, "v");
    assert.equal((job.algorithm.parameters?.[0] as unknown as { constraint: { validType: string } }).constraint.validType, "None");
    assert.equal(job.algorithm.engine?.engineVersion, "0.16.2");
    assert.equal(job.spec.resource.flavorName, "GPU");
    assert.equal(job.spec.resource.policy, "regular");
    assert.deepEqual(job.spec.logExportPath, {});
    assert.equal((job.spec.resource as Record<string, unknown>)["flavorDetail"] !== undefined, true);
  });

  it("keeps a phase it does not know as the string the service sent", () => {
    const job = fromWireJob({ metadata: { id: "a" }, status: { phase: "Hibernating", secondary_phase: "Dozing" } });
    assert.deepEqual([job.phase, job.secondaryPhase], ["Hibernating", "Dozing"]);
  });

  it("tolerates missing fields with their documented empty values", () => {
    const job = fromWireJob({ metadata: { id: "a" } });
    assert.deepEqual(job, {
      id: "a",
      kind: "job",
      name: "",
      description: "",
      workspaceId: "0",
      createTime: 0,
      phase: "",
      duration: 0,
      algorithm: {},
      spec: { resource: {} },
    });
  });

  it("keeps an id sent as a number exactly, beyond 2^53, and reads numbers sent as strings", () => {
    const job = fromWireJob(
      wire(
        `{"metadata":{"id":123456789012345678901,"create_time":"1637045545982"},"status":{"duration":"268000","start_time":"1641892655000"}}`,
      ),
    );
    assert.equal(job.id, "123456789012345678901");
    assert.equal(job.createTime, 1637045545982);
    assert.equal(job.duration, 268000);
    assert.equal(job.startTime, 1641892655000);
  });

  it("reads environments as an object or as an array of maps, keeping the names as they are", () => {
    const asObject = fromWireJob({ metadata: { id: "a" }, algorithm: { environments: { NCCL_DEBUG: "INFO", N_1: 1 } } });
    assert.deepEqual(asObject.algorithm.environments, { NCCL_DEBUG: "INFO", N_1: "1" });
    const asArray = fromWireJob({ metadata: { id: "a" }, algorithm: { environments: [{ NCCL_DEBUG: "INFO" }, { MY_VAR: "x" }] } });
    assert.deepEqual(asArray.algorithm.environments, { NCCL_DEBUG: "INFO", MY_VAR: "x" });
    assert.deepEqual(environmentsOf([{ name: "K_1", value: "v" }, null, "junk"]), { K_1: "v" });
    assert.deepEqual(environmentsOf(null), {});
  });

  it("keeps annotation keys and task statuses as sent", () => {
    const job = fromWireJob({
      metadata: { id: "a", annotations: { job_template: "Template DL", "fault-tolerance/job-retry-num": 3 } },
      status: { task_statuses: [{ task: "worker-0", exit_code: 1, message: "OOM" }, null] },
    });
    assert.deepEqual(job.annotations, { job_template: "Template DL", "fault-tolerance/job-retry-num": "3" });
    assert.deepEqual(job.taskStatuses, [{ task: "worker-0", exitCode: 1, message: "OOM" }]);
  });

  it("refuses an answer without a job id or that is not an object", () => {
    assert.throws(() => fromWireJob({ metadata: { name: "x" } }), WireFormatError);
    assert.throws(() => fromWireJob({ metadata: { id: "" } }), WireFormatError);
    assert.throws(() => fromWireJob(null), WireFormatError);
    assert.throws(() => fromWireJob([]), WireFormatError);
  });

  it("reads a search page, leaving out counts the service did not send", () => {
    const page = fromWireSearch(wire(`{"total":5059,"count":"1","limit":1,"offset":0,"items":[{"metadata":{"id":"x"}}]}`), {
      offset: 0,
      limit: 1,
    });
    assert.deepEqual([page.total, page.count, page.limit, page.offset, page.items.length], [5059, 1, 1, 0, 1]);
    const bare = fromWireSearch({ items: null }, { offset: 3, limit: 50 });
    assert.deepEqual(bare, { limit: 50, offset: 3, items: [] });
    assert.throws(() => fromWireSearch({ items: {} }, { offset: 0, limit: 50 }), WireFormatError);
  });

  it("reads the catalogues, max_num from flavor_info when the top level lacks it", () => {
    assert.deepEqual(
      fromWireFlavors({
        total_count: 1,
        flavors: [{ flavor_id: "f", flavor_name: "F", flavor_type: "CPU", flavor_info: { max_num: 16 } }],
      }),
      [{ flavorId: "f", flavorName: "F", flavorType: "CPU", maxNum: 16 }],
    );
    assert.deepEqual(fromWireEngines({ total: 1, items: [{ engine_id: "e", engine_name: "E", engine_version: "1" }] }), [
      { engineId: "e", engineName: "E", engineVersion: "1" },
    ]);
  });
});
