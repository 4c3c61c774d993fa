/** Helpers of the v2 client tests: clients for the shared test emulator (fake credentials), a valid create request. */
import type { RunningEmulator } from "../../../emulator/index";
import type { ClientOptions } from "../../../provider/shared/api/connection";
import { resolveClientConfig, type ModelArtsSettings } from "../../../provider/shared/api/config";
import { ModelArtsV2Client } from "../../../provider/v2/api/client";
import type { CreateJobRequest } from "../../../provider/v2/api/types";
import { AK, DOMAIN, FAST_RETRY, PASSWORD, PROJECT, SK, USER } from "../../shared/api/helpers";

export { PROJECT, AK, SK, USER, PASSWORD, DOMAIN, FAST_RETRY, startTestEmulator, waitFor } from "../../shared/api/helpers";

export function v2AkskClient(
  emu: { url: string },
  settings: Partial<ModelArtsSettings> = {},
  options: ClientOptions = {},
): ModelArtsV2Client {
  return new ModelArtsV2Client(
    resolveClientConfig({ endpoint: emu.url, projectId: PROJECT, accessKey: AK, secretKey: SK, ...settings }, {}),
    { retry: FAST_RETRY, ...options },
  );
}

export function v2PasswordClient(
  emu: RunningEmulator,
  settings: Partial<ModelArtsSettings> = {},
  options: ClientOptions = {},
): ModelArtsV2Client {
  return new ModelArtsV2Client(
    resolveClientConfig(
      { endpoint: emu.url, projectId: PROJECT, username: USER, password: PASSWORD, domainName: DOMAIN, projectName: "eu-de", ...settings },
      {},
    ),
    { retry: FAST_RETRY, ...options },
  );
}

export function v2TokenClient(emu: RunningEmulator, token: string, options: ClientOptions = {}): ModelArtsV2Client {
  return new ModelArtsV2Client(resolveClientConfig({ endpoint: emu.url, projectId: PROJECT, token }, {}), {
    retry: FAST_RETRY,
    ...options,
  });
}

/** A valid create request: own code on a preset engine, OBS input and output, a public CPU flavour. */
export function v2Request(name: string, patch: Partial<CreateJobRequest["metadata"]> = {}): CreateJobRequest {
  return {
    kind: "job",
    metadata: { name, description: "a v2 client test job", ...patch },
    algorithm: {
      codeDir: "/bucket/code/",
      bootFile: "/bucket/code/train.py",
      engine: { engineId: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" },
      parameters: [{ name: "lr", value: "0.01" }],
      inputs: [{ name: "data_url", remote: { obs: { obsUrl: "/bucket/data/" } } }],
      outputs: [{ name: "train_url", remote: { obs: { obsUrl: "/bucket/out/" } } }],
      environments: { NCCL_DEBUG: "INFO", MY_VAR_2: "x" },
    },
    spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1 }, logExportPath: { obsUrl: "/bucket/log/" } },
  };
}
