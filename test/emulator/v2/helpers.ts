/** Shared helpers of the v2 emulator tests: plain HTTP against `/v2/{project_id}`, a valid create body. */
import { RunningEmulator } from "../../../emulator/index";
import { Caller, PROJECT, answer } from "../helpers";

/** A caller for the v2 routes of one project with a token header (open mode accepts any token). */
export function v2Caller(emu: RunningEmulator, project = PROJECT, token = "test-token"): Caller {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { "content-type": "application/json", "x-auth-token": token, ...headers } };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    return answer(await fetch(`${emu.url}/v2/${project}${path}`, init));
  };
}

type Obj = Record<string, unknown>;

/** A valid create body: own code on a preset engine, OBS input and output, a public CPU flavour. */
export function v2Body(name: string, patch: { metadata?: Obj; algorithm?: Obj; spec?: Obj; top?: Obj } = {}): Obj {
  return {
    kind: "job",
    metadata: { name, description: "a v2 test job", ...patch.metadata },
    algorithm: {
      code_dir: "/bucket/code/",
      boot_file: "/bucket/code/train.py",
      engine: { engine_id: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" },
      parameters: [{ name: "lr", value: "0.01" }],
      inputs: [{ name: "data_url", remote: { obs: { obs_url: "/bucket/data/" } } }],
      outputs: [{ name: "train_url", remote: { obs: { obs_url: "/bucket/out/" } } }],
      environments: { NCCL_DEBUG: "INFO" },
      ...patch.algorithm,
    },
    spec: { resource: { flavor_id: "modelarts.vm.cpu.8u", node_count: 1 }, log_export_path: { obs_url: "/bucket/log/" }, ...patch.spec },
    ...patch.top,
  };
}

/** Creates a job and returns its id (fails the test on anything but 201). */
export async function createV2Job(call: Caller, name: string, patch: Parameters<typeof v2Body>[1] = {}): Promise<string> {
  const res = await call("POST", "/training-jobs", v2Body(name, patch));
  if (res.status !== 201) throw new Error(`create ${name} failed: ${res.status} ${res.text}`);
  return (res.json.metadata as Obj).id as string;
}

/** The `status` of a Job object answer. */
export function statusOf(res: { json: Obj }): { phase: string; secondary_phase: string; start_time: number; duration: number } {
  return res.json.status as never;
}

/** Asserts the v2 error envelope: exactly the code and a message, no v1 `is_success`. */
export function errorOf(res: { json: Obj }): { code: string; msg: string; keys: string[] } {
  return { code: res.json.error_code as string, msg: res.json.error_msg as string, keys: Object.keys(res.json).sort() };
}
