/**
 * The emulator's built-in catalogue (docs/api-v1.md): resource flavours (§3.13), AI engines (§3.14,
 * with the ids and types the reference and the live example show), built-in algorithms (§3.12, so
 * that `model_id` can be validated), dedicated pools (for `pool_id`, each with the flavour codes it
 * offers) and the service's own public pools, which version details name for public-pool jobs.
 * Replaceable through `EmulatorOptions.catalogue`.
 */

export interface SpecEntry {
  spec_id: number;
  core: string;
  cpu: string;
  gpu_num: number;
  gpu_type: string;
  spec_code: string;
  max_num: number;
  unit_num: number;
  storage: string;
  interface_type: number;
  no_resource: boolean;
}

export interface EngineEntry {
  engine_type: number;
  engine_id: number;
  engine_name: string;
  engine_version: string;
}

export interface AlgorithmEntry {
  model_id: number;
  model_name: string;
  model_usage: number;
  model_precision: string;
  model_size: number;
  model_train_dataset: string;
  model_dataset_format: string;
  model_description_url: string;
  /** JSON-encoded string, as on the wire. */
  parameter: string;
  create_time: number;
  engine_id: number;
  engine_name: string;
  engine_version: string;
}

export interface PoolEntry {
  pool_id: string;
  pool_name: string;
  /** Most nodes a job may use in this pool. */
  max_num: number;
  core: string;
  cpu: string;
  gpu_num: number;
  gpu_type: string;
  /** Flavour codes a job may select here with `flavor.code`; the first is used when none is given. */
  flavors?: string[];
}

/** A public pool of the service: version details report it as `pool_id`/`pool_name` for public-pool jobs. */
export interface PublicPoolEntry {
  pool_id: string;
  pool_name: string;
  /** The flavours it serves. */
  spec_codes: string[];
}

export interface Catalogue {
  specs: SpecEntry[];
  engines: EngineEntry[];
  algorithms: AlgorithmEntry[];
  pools: PoolEntry[];
  publicPools: PublicPoolEntry[];
}

/** The public pool that serves a flavour (the first public pool when none lists it). */
export function publicPoolFor(catalogue: Catalogue, specCode: string): PublicPoolEntry | undefined {
  const pools = catalogue.publicPools ?? [];
  return pools.find((p) => p.spec_codes.includes(specCode)) ?? pools[0];
}

const spec = (
  spec_id: number,
  spec_code: string,
  core: string,
  cpu: string,
  max_num: number,
  gpu: { gpu_num: number; gpu_type: string } = { gpu_num: 0, gpu_type: "" },
  no_resource = false,
): SpecEntry => ({
  spec_id,
  core,
  cpu,
  ...gpu,
  spec_code,
  max_num,
  unit_num: 1,
  storage: "",
  interface_type: 1,
  no_resource,
});

const engine = (engine_id: number, engine_type: number, engine_name: string, engine_version: string): EngineEntry => ({
  engine_type,
  engine_id,
  engine_name,
  engine_version,
});

const ALGORITHM_PARAMS = JSON.stringify([
  { label: "batch_size", value: "4", required: true, placeholder_cn: "", placeholder_en: "batch size" },
  { label: "lr", value: "0.01", required: false, placeholder_cn: "", placeholder_en: "learning rate" },
]);

const algorithm = (
  model_id: number,
  model_name: string,
  model_usage: number,
  model_precision: string,
  model_size: number,
  eng: EngineEntry,
  create_time: number,
): AlgorithmEntry => ({
  model_id,
  model_name,
  model_usage,
  model_precision,
  model_size,
  model_train_dataset: "ImageNet",
  model_dataset_format: "TFRecord",
  model_description_url: "",
  parameter: ALGORITHM_PARAMS,
  create_time,
  engine_id: eng.engine_id,
  engine_name: eng.engine_name,
  engine_version: eng.engine_version,
});

/** A fresh copy of the default catalogue. */
export function defaultCatalogue(): Catalogue {
  const engines = [
    engine(1, 1, "TensorFlow", "TF-1.4.0-python2.7"),
    engine(3, 1, "TensorFlow", "TF-1.8.0-python2.7"),
    engine(4, 1, "TensorFlow", "TF-1.8.0-python3.6"),
    engine(501, 2, "MXNet", "MXNet-1.2.1-python2.7"),
    engine(21, 4, "Caffe", "Caffe-1.0.0-python2.7"),
    engine(100, 9, "XGBoost-Sklearn", "XGBoost-0.80-Sklearn-0.18.1-python3.6"),
    engine(122, 10, "PyTorch", "PyTorch-1.0.0-python3.6"),
    engine(123, 10, "PyTorch", "PyTorch-1.3.0-python3.6"),
    engine(130, 13, "Ascend-Powered-Engine", "MindSpore-1.1.1-python3.7-aarch64"),
  ];
  const byId = (id: number): EngineEntry => engines.find((e) => e.engine_id === id) as EngineEntry;
  return {
    specs: [
      spec(1, "modelarts.vm.cpu.2u", "2", "8", 2),
      // The reference's flavour sample (id 2) and the live example's 8-core flavour (id 27, one node).
      spec(2, "modelarts.vm.cpu.2u", "2", "8", 2),
      spec(27, "modelarts.vm.cpu.8u", "8", "32", 1),
      spec(3, "modelarts.vm.cpu.free", "1", "4", 1),
      spec(4, "modelarts.vm.gpu.p100", "8", "64", 4, { gpu_num: 1, gpu_type: "P100" }),
      spec(5, "modelarts.vm.gpu.v100.8", "64", "512", 1, { gpu_num: 8, gpu_type: "V100" }, true),
    ],
    engines,
    algorithms: [
      algorithm(1, "ResNet_v1_50", 1, "75.2%(top1), 92.2%(top5)", 102503801, byId(4), 1522218780025),
      algorithm(2, "Faster_RCNN_ResNet_v1_50", 2, "73.6%(mAP)", 334265202, byId(4), 1522218780025),
      algorithm(3, "SegNet_VGG_BN_16", 3, "89%(pixel acc)", 117420524, byId(501), 1522218780025),
      algorithm(4, "ResNet_v2_50", 1, "75.55%(top1), 92.6%(top5)", 102503801, byId(501), 1522218780025),
    ],
    pools: [
      {
        pool_id: "pool9928813f",
        pool_name: "pnt1",
        max_num: 8,
        core: "8",
        cpu: "64",
        gpu_num: 1,
        gpu_type: "P100",
        flavors: ["modelarts.vm.gpu.p100"],
      },
      {
        pool_id: "poolc0ffee01",
        pool_name: "cpu-pool",
        max_num: 4,
        core: "8",
        cpu: "32",
        gpu_num: 0,
        gpu_type: "",
        flavors: ["modelarts.vm.cpu.8u", "modelarts.vm.cpu.2u"],
      },
    ],
    // The CPU pool's id and name are the ones the live example reports; the GPU pool is the emulator's.
    publicPools: [
      {
        pool_id: "pool7d1e384a",
        pool_name: "hec-train-pub-cpu",
        spec_codes: ["modelarts.vm.cpu.2u", "modelarts.vm.cpu.8u", "modelarts.vm.cpu.free"],
      },
      { pool_id: "pool3b5a9e07", pool_name: "hec-train-pub-gpu", spec_codes: ["modelarts.vm.gpu.p100", "modelarts.vm.gpu.v100.8"] },
    ],
  };
}
