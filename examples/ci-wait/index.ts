/**
 * A training job as a CI step: `pulumi up` returns only when the job has completed (or fails the
 * step when the job fails), and the stack exports the final status for the pipeline to read with
 * `pulumi stack output`.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrainingJob } from "pulumi-modelarts";

const config = new pulumi.Config();
const bucket = config.require("bucket");
// The pipeline's build or commit id, recorded in the job's description.
const build = config.get("build") ?? "local";
const root = `/${bucket}/ci`;

const job = new TrainingJob("ci-train", {
  description: `Training for build ${build}`,
  // Wait until the job has COMPLETED; a failed job fails `pulumi up` (and stays in the stack, so that
  // `pulumi destroy` removes it).
  waitFor: "completed",
  timeouts: { create: config.get("timeout") ?? "2h", update: config.get("timeout") ?? "2h", delete: "30m" },
  config: {
    workerServerNum: 1,
    specId: config.getNumber("specId") ?? 1,
    engineId: config.getNumber("engineId") ?? 4,
    appUrl: `${root}/code/`,
    bootFileUrl: `${root}/code/train.py`,
    dataUrl: `${root}/data/`,
    trainUrl: `${root}/output/${build}/`,
    logUrl: `${root}/logs/${build}/`,
  },
});

export const jobId = job.jobId;
export const jobName = job.jobName;
export const status = job.status;
export const statusName = job.statusName;
/** Run time of the job in seconds. */
export const durationSeconds = job.duration.apply((ms) => Math.round(ms / 1000));
export const outputUrl = job.config.apply((c) => c.trainUrl);
