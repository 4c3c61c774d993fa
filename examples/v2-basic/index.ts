/**
 * One new-version (v2) ModelArts training job: your PyTorch code and its boot file in an OBS folder,
 * run on a preset engine named by name and version, with an OBS input and output channel, run
 * parameters, environment variables and a public CPU flavour. `pulumi up` submits the job and returns
 * once ModelArts has accepted it; `pulumi destroy` terminates it if it still runs, deletes it, and
 * waits until ModelArts has really removed it.
 *
 * Where the job runs (endpoint, project, credentials) comes from the stack configuration
 * (`modelarts:*`), never from this code: see README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { v2 } from "pulumi-modelarts";

const config = new pulumi.Config();
// The OBS bucket that holds the code, the data, the outputs and the logs.
const bucket = config.require("bucket");
const root = `/${bucket}/mnist-v2`;

const job = new v2.TrainingJob("mnist", {
  description: config.get("description") ?? "MNIST classifier, PyTorch on a public CPU flavour",
  algorithm: {
    codeDir: `${root}/code/`,
    bootFile: `${root}/code/train.py`,
    // Engines differ per region: list them with `GET /v2/{project_id}/training-job-engines`.
    engine: {
      engineName: config.get("engineName") ?? "PyTorch",
      engineVersion: config.get("engineVersion") ?? "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64",
    },
    parameters: [
      { name: "epochs", value: config.get("epochs") ?? "5" },
      { name: "learning_rate", value: "0.01" },
    ],
    inputs: [{ name: "data_url", remote: { obs: { obsUrl: `${root}/data/` } } }],
    outputs: [{ name: "train_url", remote: { obs: { obsUrl: `${root}/output/` } } }],
    environments: { OMP_NUM_THREADS: "8" },
  },
  spec: {
    // Flavours differ per region: list them with `GET /v2/{project_id}/training-job-flavors`.
    resource: { flavorId: config.get("flavorId") ?? "modelarts.vm.cpu.8u", nodeCount: config.getNumber("nodeCount") ?? 1 },
    logExportPath: { obsUrl: `${root}/logs/` },
  },
});

export const jobId = job.jobId;
export const jobName = job.jobName;
export const phase = job.phase;
export const createTime = job.createTime;
export const flavorName = job.flavorName;
export const tasks = job.tasks;
