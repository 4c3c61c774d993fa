/**
 * A training job that runs your own container image (pushed to SWR) with your own start command.
 * The code directory on OBS is downloaded into the container under `/home/work/user-job-dir/`;
 * for a custom image, the `parameters` become environment variables of the container.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrainingJob } from "pulumi-modelarts";

const config = new pulumi.Config();
const bucket = config.require("bucket");
// The SWR image, `<swr-host>/<organization>/<image>:<tag>`.
const image = config.require("image");
const root = `/${bucket}/custom-image`;

const job = new TrainingJob("custom-image", {
  description: "Training in our own container image",
  config: {
    workerServerNum: 1,
    specId: config.getNumber("specId") ?? 1,
    userImageUrl: image,
    // ModelArts' run script starts the boot file from the downloaded code directory ("app", the
    // last segment of appUrl).
    userCommand: "bash /home/work/run_train.sh python /home/work/user-job-dir/app/train.py",
    appUrl: `${root}/app/`,
    bootFileUrl: `${root}/app/train.py`,
    dataUrl: `${root}/data/`,
    trainUrl: `${root}/output/`,
    logUrl: `${root}/logs/`,
    parameters: [
      { label: "EPOCHS", value: config.get("epochs") ?? "5" },
      { label: "BATCH_SIZE", value: "64" },
    ],
  },
});

export const jobId = job.jobId;
export const jobName = job.jobName;
export const statusName = job.statusName;
export const userImageUrl = job.config.apply((c) => c.userImageUrl);
