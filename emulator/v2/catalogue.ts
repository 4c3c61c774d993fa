/**
 * The v2 catalogue, from the reference's samples: public training flavours
 * (`GET /v2/{project_id}/training-job-flavors`), preset engines (`GET .../training-job-engines`) and
 * the algorithms a create may name by `algorithm.id`.
 */

export interface V2Flavor {
  flavor_id: string;
  flavor_name: string;
  flavor_type: "CPU" | "GPU" | "Ascend";
  max_num: number;
  billing: { code: string; unit_num: number };
  flavor_info: Record<string, unknown>;
  attributes: Record<string, string>;
}

export interface V2Engine {
  engine_id: string;
  engine_name: string;
  engine_version: string;
  v1_compatible: boolean;
  run_user: string;
  image_info: { cpu_image_url: string; gpu_image_url: string; image_version: string };
}

export interface V2Algorithm {
  id: string;
  name: string;
  code_dir: string;
  boot_file: string;
  engine_id: string;
}

const cpu = (id: string, name: string, cores: number, memGb: number, maxNum: number): V2Flavor => ({
  flavor_id: id,
  flavor_name: name,
  flavor_type: "CPU",
  max_num: maxNum,
  billing: { code: id, unit_num: 1 },
  flavor_info: {
    max_num: maxNum,
    cpu: { arch: "x86", core_num: cores },
    memory: { size: memGb, unit: "GB" },
    disk: { size: 50, unit: "GB" },
  },
  attributes: {},
});

const gpu = (id: string, name: string, billing: string, product: string, gpuMem: string, maxNum: number): V2Flavor => ({
  flavor_id: id,
  flavor_name: name,
  flavor_type: "GPU",
  max_num: maxNum,
  billing: { code: billing, unit_num: 1 },
  flavor_info: {
    max_num: maxNum,
    cpu: { arch: "x86", core_num: 8 },
    gpu: { unit_num: 1, product_name: product, memory: gpuMem },
    memory: { size: 64, unit: "GB" },
    disk: { size: 200, unit: "GB" },
  },
  attributes: {},
});

export const V2_FLAVORS: readonly V2Flavor[] = [
  cpu("modelarts.vm.cpu.2u", "Computing CPU(2U) instance", 2, 8, 1),
  cpu("modelarts.vm.cpu.8u", "Computing CPU(8U) instance", 8, 32, 16),
  gpu("modelarts.p3.large.public.free", "Computing GPU(Vnt1) instance", "modelarts.vm.gpu.free", "GP-Vnt1", "32GB", 1),
  gpu("modelarts.vm.pnt1.large.eco", "Computing GPU(Pnt1) instance", "modelarts.vm.pnt1.large.eco", "GP-Pnt1", "8GB", 4),
];

/** Card-count flavours of dedicated GPU/NPU pools (used with `pool_id`). */
export const V2_POOL_FLAVORS: readonly string[] = [
  "modelarts.pool.visual.xlarge",
  "modelarts.pool.visual.2xlarge",
  "modelarts.pool.visual.4xlarge",
  "modelarts.pool.visual.8xlarge",
  "modelarts.pool.visual.16xlarge",
];

const engine = (id: string, name: string, version: string, runUser = "", v1 = false, gpuImage = true): V2Engine => ({
  engine_id: id,
  engine_name: name,
  engine_version: version,
  v1_compatible: v1,
  run_user: runUser,
  image_info: {
    cpu_image_url: `atelier/${id}-cpu:latest`,
    gpu_image_url: gpuImage ? `atelier/${id}-gpu:latest` : "",
    image_version: version,
  },
});

export const V2_ENGINES: readonly V2Engine[] = [
  engine("caffe-1.0.0-python2.7", "Caffe", "1.0.0-python2.7", "", true),
  engine("horovod-cp36-tf-1.16.2", "Horovod", "0.16.2-TF-1.13.1-python3.6"),
  engine("pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64", "PyTorch", "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64", "1102"),
  engine("tensorflow_2.1.0-cuda_10.1-py_3.7-ubuntu_18.04-x86_64", "TensorFlow", "tensorflow_2.1.0-cuda_10.1-py_3.7-ubuntu_18.04-x86_64"),
  engine(
    "mindspore_1.6.0-cann_5.0.3.6-py_3.7-euler_2.8.3-aarch64",
    "Powered-Engine",
    "mindspore_1.6.0-cann_5.0.3.6-py_3.7-euler_2.8.3-aarch64",
  ),
  engine("xgboost-sklearn-python3.6", "XGBoost-Sklearn", "xgboost-sklearn-python3.6", "", false, false),
];

export const V2_ALGORITHMS: readonly V2Algorithm[] = [
  {
    id: "3f5d6706-7b67-408d-8ba0-ec08048c45ed",
    name: "ttt-obs-gpu",
    code_dir: "/test/moxingtest-code/",
    boot_file: "/test/moxingtest-code/test_obs_gpu.py",
    engine_id: "horovod-cp36-tf-1.16.2",
  },
  {
    id: "01c399ae-8593-4ef5-9e4d-085950aacde1",
    name: "pytorch-fast-example",
    code_dir: "/cnnorth4-job-test-v2/pytorch/fast_example/code/",
    boot_file: "/cnnorth4-job-test-v2/pytorch/fast_example/code/train.py",
    engine_id: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64",
  },
];
