/**
 * A hyperparameter sweep: one training job per parameter set, all with the same code and data.
 * Each job is named after its parameters, so adding or removing a set creates or deletes only that
 * job. The outputs summarise the sweep.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrainingJob } from "pulumi-modelarts";

/** One parameter set: run arguments by name. */
type ParameterSet = Record<string, string | number>;

const config = new pulumi.Config();
const bucket = config.require("bucket");
const root = `/${bucket}/sweep`;
const parameterSets = config.getObject<ParameterSet[]>("parameterSets") ?? [
  { learning_rate: 0.1, batch_size: 32 },
  { learning_rate: 0.01, batch_size: 32 },
  { learning_rate: 0.01, batch_size: 128 },
];

/** `learning_rate=0.01, batch_size=32` → `lr-0-01-bs-32`-like, usable in names and paths. */
function slug(set: ParameterSet): string {
  return Object.entries(set)
    .map(
      ([label, value]) =>
        `${label
          .split("_")
          .map((w) => w.charAt(0))
          .join("")}-${value}`,
    )
    .join("-")
    .replace(/[^A-Za-z0-9-]/g, "-");
}

const trials = parameterSets.map((set) => {
  const name = `sweep-${slug(set)}`;
  const job = new TrainingJob(name, {
    description: `Sweep trial ${Object.entries(set)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
    config: {
      workerServerNum: 1,
      specId: config.getNumber("specId") ?? 1,
      engineId: config.getNumber("engineId") ?? 4,
      appUrl: `${root}/code/`,
      bootFileUrl: `${root}/code/train.py`,
      dataUrl: `${root}/data/`,
      // Every trial writes to a folder of its own.
      trainUrl: `${root}/output/${slug(set)}/`,
      parameters: Object.entries(set).map(([label, value]) => ({ label, value: String(value) })),
    },
  });
  return { set, job };
});

export const trialCount = trials.length;
export const summary = pulumi.all(
  trials.map(({ set, job }) =>
    pulumi.all([job.jobName, job.jobId, job.statusName]).apply(([jobName, jobId, statusName]) => ({
      jobName,
      jobId,
      statusName,
      parameters: set,
    })),
  ),
);
export const jobIds = pulumi.all(trials.map(({ job }) => job.jobId));
