/**
 * A training job whose input is a version of a ModelArts dataset (managed in ModelArts' data
 * management) instead of an OBS folder. Take both ids from the dataset's page in the console or
 * from the dataset API.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrainingJob } from "pulumi-modelarts";

const config = new pulumi.Config();
const bucket = config.require("bucket");
const datasetId = config.require("datasetId");
const datasetVersionId = config.require("datasetVersionId");
const root = `/${bucket}/flowers`;

const job = new TrainingJob("flowers", {
  description: `Flower classifier trained on dataset ${datasetId}, version ${datasetVersionId}`,
  config: {
    workerServerNum: 1,
    specId: config.getNumber("specId") ?? 1,
    // PyTorch 1.3 (Python 3.6) in the default catalogue; engine ids differ per region.
    engineId: config.getNumber("engineId") ?? 123,
    appUrl: `${root}/code/`,
    bootFileUrl: `${root}/code/train.py`,
    // A dataset version as the input: both ids together, and no dataUrl.
    datasetId,
    datasetVersionId,
    trainUrl: `${root}/output/`,
    parameters: [{ label: "epochs", value: "10" }],
  },
});

export const jobId = job.jobId;
export const jobName = job.jobName;
export const statusName = job.statusName;
export const dataset = job.config.apply((c) => ({ datasetId: c.datasetId, datasetVersionId: c.datasetVersionId }));
