/**
 * A new-version (v2) training job that runs your own container image (pushed to SWR) with your own
 * start command: `algorithm.engine.imageUrl` with `algorithm.command`, no preset engine. The input
 * channel is downloaded into the container and its path passed as `--data_url`; whatever the
 * command writes to the output channel's folder is uploaded to OBS.
 */
import * as pulumi from "@pulumi/pulumi";
import { v2 } from "pulumi-modelarts";

const config = new pulumi.Config();
const bucket = config.require("bucket");
// The SWR image, `<organization>/<image>:<tag>`.
const image = config.require("image");
const root = `/${bucket}/custom-image-v2`;

const job = new v2.TrainingJob("custom-image", {
  description: "Training in our own container image",
  algorithm: {
    engine: { imageUrl: image },
    command: "python /home/ma-user/train.py",
    workingDir: "/home/ma-user",
    parameters: [
      { name: "epochs", value: config.get("epochs") ?? "5" },
      { name: "batch_size", value: "64" },
    ],
    inputs: [{ name: "data_url", remote: { obs: { obsUrl: `${root}/data/` } } }],
    outputs: [{ name: "train_url", remote: { obs: { obsUrl: `${root}/output/` } } }],
    environments: { PYTHONUNBUFFERED: "1" },
  },
  spec: {
    resource: { flavorId: config.get("flavorId") ?? "modelarts.p3.large.public.free", nodeCount: 1 },
  },
});

export const jobId = job.jobId;
export const jobName = job.jobName;
export const phase = job.phase;
export const flavorName = job.flavorName;
// The image the job runs, as the stack records it.
export const imageUrl = job.algorithm.apply((a) => a.engine?.imageUrl);
