/**
 * One ModelArts training job: TensorFlow code and its boot file on OBS, training data on OBS, and a
 * public-pool CPU flavour. `pulumi up` submits the job; `pulumi destroy` deletes it and waits until
 * ModelArts has really removed it.
 *
 * Where the job runs (endpoint, project, credentials) comes from the stack configuration
 * (`modelarts:*`), never from this code: see README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrainingJob } from "pulumi-modelarts";

const config = new pulumi.Config();
// The OBS bucket that holds the code, the data and the outputs.
const bucket = config.require("bucket");
const root = `/${bucket}/mnist`;

const job = new TrainingJob("mnist", {
  description: config.get("description") ?? "MNIST classifier, TensorFlow on a public CPU flavour",
  config: {
    workerServerNum: 1,
    // Flavour and engine ids differ per region: list them with `GET /v1/{project_id}/job/resource-specs`
    // and `GET /v1/{project_id}/job/ai-engines`. 1 is a 2-vCPU flavour, 4 is TensorFlow 1.8 (Python 3.6).
    specId: config.getNumber("specId") ?? 1,
    engineId: config.getNumber("engineId") ?? 4,
    appUrl: `${root}/code/`,
    bootFileUrl: `${root}/code/train.py`,
    dataUrl: `${root}/data/`,
    trainUrl: `${root}/output/`,
    logUrl: `${root}/logs/`,
    parameters: [
      { label: "epochs", value: config.get("epochs") ?? "5" },
      { label: "learning_rate", value: "0.01" },
    ],
  },
});

export const jobId = job.jobId;
export const jobName = job.jobName;
export const versionName = job.versionName;
export const statusName = job.statusName;
export const createTime = job.createTime;
