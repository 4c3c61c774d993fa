/**
 * The provider against the emulator's echoes of the live service (docs/api-v1.md §3.3, §9.16):
 * refresh reports no drift for a job made with any flavour form and any data form, and "not
 * found" as HTTP 400 ModelArts.2775 is read, deleted and adopted as the list confirms.
 */
import { strict as assert } from "node:assert";
import type { EmulatorOptions } from "../../../emulator";
import { isNotFound, type ModelArtsApiError } from "../../../provider/shared/api/errors";
import { AdoptError } from "../../../provider/v1/resource/provider";
import { emulatedProvider, PROJECT, SERIALIZED, type EmulatedProvider } from "./emulated";

type Bag = Record<string, unknown>;

type Harness = EmulatedProvider;

function harness(options: EmulatorOptions = {}): Promise<Harness> {
  return emulatedProvider({ emulator: options, randomSuffix: () => "abc1234" });
}

async function checked(h: Harness, inputs: Bag): Promise<Bag> {
  const { inputs: out, failures } = await h.provider.check({}, { ...inputs, __provider: SERIALIZED });
  assert.deepEqual(failures, []);
  return out;
}

/** Creates, refreshes, and asserts that refresh changed nothing and `diff` sees no change. */
async function assertNoDriftAfterRefresh(h: Harness, inputs: Bag): Promise<Bag> {
  const news = await checked(h, inputs);
  const { id, outs } = await h.provider.create(news);
  const { id: readId, props } = await h.provider.read(id, outs);
  assert.equal(readId, id);
  assert.deepEqual(props, outs);
  const diff = await h.provider.diff(id, props!, news);
  assert.equal(diff.changes, false, JSON.stringify(diff));
  return props!;
}

const CODE = { appUrl: "/bucket/app/", bootFileUrl: "/bucket/app/train.py", engineId: 4, trainUrl: "/bucket/out/" };

const FLAVOURS: Array<[string, Bag]> = [
  ["specId alone", { specId: 27 }],
  ["flavor.code alone", { flavor: { code: "modelarts.vm.cpu.8u" } }],
  ["flavor.code with a dedicated poolId", { flavor: { code: "modelarts.vm.cpu.8u" }, poolId: "poolc0ffee01" }],
  ["a dedicated poolId alone", { poolId: "poolc0ffee01" }],
];

const DATA: Array<[string, Bag]> = [
  ["dataUrl", { dataUrl: "/bucket/data/" }],
  ["datasetId with datasetVersionId", { datasetId: "ds-1", datasetVersionId: "dsv-1" }],
  ["an OBS dataSource item", { dataSource: [{ type: "obs", dataUrl: "/bucket/data/" }] }],
  ["a dataset dataSource item", { dataSource: [{ datasetId: "ds-1", datasetVersion: "v1" }] }],
];

describe("TrainingJob provider: the live service's echoes are no drift", function () {
  this.timeout(30_000);
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.emu.close();
  });

  for (const [flavourForm, flavour] of FLAVOURS) {
    for (const [dataForm, data] of DATA) {
      it(`shows no drift after refresh for a job made with ${flavourForm} and ${dataForm}`, async () => {
        await assertNoDriftAfterRefresh(h, {
          jobName: "echo",
          waitFor: "completed",
          config: { workerServerNum: 1, ...CODE, ...flavour, ...data },
        });
      });
    }
  }

  it("shows no drift for NAS fields and for parameters without a label or a value", async () => {
    await assertNoDriftAfterRefresh(h, {
      jobName: "nas",
      config: {
        workerServerNum: 1,
        ...CODE,
        flavor: { code: "modelarts.vm.cpu.8u" },
        poolId: "poolc0ffee01",
        dataUrl: "/bucket/data/",
        nasShareAddr: "192.168.8.150:/",
        nasMountPath: "/home/work/nas",
        nasType: "nfs",
        parameters: [{ label: "flag" }, { value: "positional" }, { label: "lr", value: "0.01" }],
      },
    });
  });

  it("shows no drift for an NFS volume declared without readOnly, which the service echoes as false", async () => {
    await assertNoDriftAfterRefresh(h, {
      jobName: "nfs",
      config: {
        workerServerNum: 1,
        ...CODE,
        poolId: "poolc0ffee01",
        dataUrl: "/bucket/data/",
        volumes: [{ nfs: { id: "sfs-1", srcPath: "192.168.8.150:/", destPath: "/home/work/nas" } }],
      },
    });
  });

  it("shows no drift when the service leaves out the undocumented keys (flavor_code among them)", async () => {
    h.emu.control.setBehaviour({ extraFields: false });
    await assertNoDriftAfterRefresh(h, {
      jobName: "no-extras",
      config: { workerServerNum: 1, ...CODE, flavor: { code: "modelarts.vm.cpu.8u" }, dataUrl: "/bucket/data/" },
    });
  });

  it("moves a job to another flavour code with a new version, then shows no drift", async () => {
    const config = { workerServerNum: 1, ...CODE, flavor: { code: "modelarts.vm.cpu.8u" }, dataUrl: "/bucket/data/" };
    const first = await checked(h, { jobName: "reflavour", config });
    const { id, outs } = await h.provider.create(first);
    const second = await checked(h, { jobName: "reflavour", config: { ...config, flavor: { code: "modelarts.vm.cpu.2u" } } });
    const diff = await h.provider.diff(id, outs, second);
    assert.deepEqual([diff.changes, diff.replaces], [true, []]);
    const { outs: updated } = await h.provider.update(id, outs, second);
    assert.equal(updated["versionName"], "V0002");
    const { props } = await h.provider.read(id, updated);
    assert.deepEqual((props!["config"] as Bag)["flavor"], { code: "modelarts.vm.cpu.2u" });
    assert.equal((await h.provider.diff(id, props!, second)).changes, false);
  });

  it("adopts a job made by a client that sends every field (flavor.code, empty pool_id and NAS fields)", async () => {
    const existing = h.emu.control.createJob(PROJECT, {
      job_name: "made-by-go",
      config: {
        worker_server_num: 1,
        app_url: "/bucket/app/",
        boot_file_url: "/bucket/app/train.py",
        parameter: [{ label: "lr", value: "0.01" }],
        data_url: "/bucket/data/",
        engine_id: 4,
        train_url: "/bucket/out/",
        log_url: "",
        create_version: true,
        flavor: { code: "modelarts.vm.cpu.8u" },
        pool_id: "",
        nas_share_addr: "",
        nas_mount_path: "",
        nas_type: "efs",
      },
      workspace_id: "0",
    });
    const declared = {
      workerServerNum: 1,
      ...CODE,
      dataUrl: "/bucket/data/",
      parameters: [{ label: "lr", value: "0.01" }],
      flavor: { code: "modelarts.vm.cpu.8u" },
      nasType: "efs",
    };
    const news = await checked(h, { adoptJobId: existing.jobId, config: declared });
    const { id, outs } = await h.provider.create(news);
    assert.equal(id, existing.jobId);
    const { props } = await h.provider.read(id, outs);
    assert.deepEqual(props, outs);
  });

  it("refuses to adopt a job whose flavour code differs, naming config.flavor", async () => {
    const existing = h.emu.control.createJob(PROJECT, {
      job_name: "other-flavour",
      config: {
        worker_server_num: 1,
        app_url: "/bucket/app/",
        boot_file_url: "/bucket/app/train.py",
        data_url: "/bucket/data/",
        engine_id: 4,
        flavor: { code: "modelarts.vm.cpu.2u" },
      },
    });
    const news = await checked(h, {
      adoptJobId: existing.jobId,
      config: {
        workerServerNum: 1,
        appUrl: "/bucket/app/",
        bootFileUrl: "/bucket/app/train.py",
        dataUrl: "/bucket/data/",
        engineId: 4,
        flavor: { code: "modelarts.vm.cpu.8u" },
      },
    });
    await assert.rejects(
      h.provider.create(news),
      (e: unknown) => AdoptError.isInstance(e) && /config\.flavor\b/.test((e as Error).message),
    );
  });
});

describe("TrainingJob provider: a job read by id alone (TrainingJob.get) gets a config it could have declared", function () {
  this.timeout(30_000);
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.emu.close();
  });

  const WIRE_CODE = { worker_server_num: 1, app_url: "/bucket/app/", boot_file_url: "/bucket/app/train.py", engine_id: 4 };
  const DECLARED_CODE = { workerServerNum: 1, appUrl: "/bucket/app/", bootFileUrl: "/bucket/app/train.py", engineId: 4 };
  const cases: Array<[string, Bag, Bag]> = [
    ["flavor.code alone", { flavor: { code: "modelarts.vm.cpu.8u" } }, { specId: 27 }],
    ["specId alone", { spec_id: 1 }, { specId: 1 }],
    [
      "flavor.code with a dedicated pool",
      { flavor: { code: "modelarts.vm.cpu.2u" }, pool_id: "poolc0ffee01" },
      { flavor: { code: "modelarts.vm.cpu.2u" }, poolId: "poolc0ffee01" },
    ],
    ["a dedicated pool alone", { pool_id: "pool9928813f" }, { flavor: { code: "modelarts.vm.gpu.p100" }, poolId: "pool9928813f" }],
  ];
  for (const [form, wire, declared] of cases) {
    it(`reads a job made with ${form} and an OBS data_source item as one flavour form and one data source`, async () => {
      const existing = h.emu.control.createJob(PROJECT, {
        job_name: "read-by-id",
        config: { ...WIRE_CODE, ...wire, data_source: [{ type: "obs", data_url: "/bucket/data/" }] },
      });
      const { props, inputs } = await h.provider.read(existing.jobId, { __provider: SERIALIZED });
      const config = { ...DECLARED_CODE, ...declared, dataSource: [{ type: "obs", dataUrl: "/bucket/data/" }] };
      assert.deepEqual(props!["config"], config);
      // The inputs it records pass check as they are.
      const { failures } = await h.provider.check({}, inputs!);
      assert.deepEqual(failures, []);
    });
  }

  it("keeps the NAS fields a job was made with, and leaves out the default nas_type of a job without NAS", async () => {
    const nas = h.emu.control.createJob(PROJECT, {
      job_name: "nas",
      config: {
        ...WIRE_CODE,
        spec_id: 1,
        data_url: "/bucket/data/",
        nas_share_addr: "192.168.8.150:/",
        nas_mount_path: "/home/work/nas",
        nas_type: "efs",
      },
    });
    const { props } = await h.provider.read(nas.jobId, { __provider: SERIALIZED });
    assert.deepEqual(props!["config"], {
      ...DECLARED_CODE,
      specId: 1,
      dataUrl: "/bucket/data/",
      nasShareAddr: "192.168.8.150:/",
      nasMountPath: "/home/work/nas",
      nasType: "efs",
    });
    const plain = h.emu.control.createJob(PROJECT, { job_name: "plain", config: { ...WIRE_CODE, spec_id: 1, data_url: "/bucket/data/" } });
    const { props: plainProps } = await h.provider.read(plain.jobId, { __provider: SERIALIZED });
    assert.deepEqual(plainProps!["config"], { ...DECLARED_CODE, specId: 1, dataUrl: "/bucket/data/" });
  });
});

describe("TrainingJob provider: not found as HTTP 400 ModelArts.2775", function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => {
    await h.emu.close();
  });

  const config = { workerServerNum: 1, ...CODE, specId: 1, dataUrl: "/bucket/data/" };

  it("read keeps a job whose version answers 2775 while the list still shows the job", async () => {
    h = await harness({ versionDeleteDelayMs: 0 });
    const { id, outs } = await h.provider.create(await checked(h, { jobName: "listed", waitFor: "completed", config }));
    const version = outs["versionId"] as string;
    const client = h.client;
    await client.deleteVersion(id, version);
    h.emu.control.advance(1);
    // The version is gone (400 ModelArts.2775), the job is still listed: it stays in the state.
    await assert.rejects(client.getVersion(id, version), (e: unknown) => isNotFound(e) && (e as ModelArtsApiError).httpStatus === 400);
    const { id: readId, props } = await h.provider.read(id, outs);
    assert.equal(readId, id);
    assert.equal(props!["jobId"], id);
    assert.equal(props!["versionCount"], 0);
  });

  it("read drops a job that the list no longer shows", async () => {
    h = await harness();
    const { id, outs } = await h.provider.create(await checked(h, { jobName: "dropped", config }));
    h.emu.control.deleteJob(id, { immediate: true });
    assert.deepEqual(await h.provider.read(id, outs), {});
  });

  it("delete takes a DELETE answered with 400 ModelArts.2775 as done", async () => {
    h = await harness({ repeatDeleteAnswer: "not-found" });
    const { id, outs } = await h.provider.create(await checked(h, { jobName: "deleting", waitFor: "completed", config }));
    h.emu.control.deleteJob(id);
    h.emu.control.clearRequests();
    await h.provider.delete(id, outs);
    const deletes = h.emu.control.requests({ method: "DELETE" });
    assert.deepEqual(
      deletes.map((r) => [r.status, r.errorCode]),
      [[400, "ModelArts.2775"]],
    );
  });

  it("adoption of a job that is gone fails with a clear message and creates nothing", async () => {
    h = await harness();
    const existing = h.emu.control.createJob(PROJECT, {
      job_name: "gone",
      config: {
        worker_server_num: 1,
        app_url: "/bucket/app/",
        boot_file_url: "/bucket/app/train.py",
        data_url: "/bucket/data/",
        engine_id: 4,
        spec_id: 1,
      },
    });
    h.emu.control.deleteJob(existing.jobId, { immediate: true });
    const news = await checked(h, { adoptJobId: existing.jobId, config });
    await assert.rejects(h.provider.create(news), /adoptJobId: no training job with id/);
    assert.equal(h.emu.control.jobs(PROJECT).length, 0);
  });
});
