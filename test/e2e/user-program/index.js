"use strict";
const pulumi = require("@pulumi/pulumi");
const { TrainingJob } = require("pulumi-modelarts");

const config = new pulumi.Config();
const job = new TrainingJob("user", {
  description: config.get("description") || "a user's job",
  config: {
    workerServerNum: 1,
    specId: 1,
    engineId: 4,
    appUrl: "/user-bucket/code/",
    bootFileUrl: "/user-bucket/code/train.py",
    dataUrl: "/user-bucket/data/",
    trainUrl: "/user-bucket/output/",
    parameters: [{ label: "epochs", value: config.get("epochs") || "1" }],
  },
});

exports.jobId = job.jobId;
exports.versionName = job.versionName;
exports.description = job.description;
