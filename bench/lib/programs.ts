/**
 * Inline Pulumi programs for the engine benchmarks: N training jobs, or N trivial dynamic resources
 * that do nothing (the engine's own floor for the same number of dynamic resources). The count is
 * read each time the program runs, so one stack serves every size.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { TrainingJob } from "../../provider";
import { BENCH_JOB_CONFIG } from "./emulated";

/** N TrainingJobs, autonamed from `job-<i>`, waiting for "submitted" (the default). */
export function trainingJobs(count: () => number): PulumiFn {
  return async () => {
    const jobs: TrainingJob[] = [];
    for (let i = 0; i < count(); i++) {
      jobs.push(
        new TrainingJob(`job-${i}`, {
          description: `benchmark job ${i}`,
          config: { ...BENCH_JOB_CONFIG, parameters: [{ label: "index", value: String(i) }] },
        }),
      );
    }
    return { jobIds: jobs.map((j) => j.jobId) };
  };
}

/** A dynamic provider that does nothing: create answers at once, delete is a no-op. */
const nothingProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { index: number }) {
    return { id: `nothing-${inputs.index}`, outs: { index: inputs.index } };
  },
  async delete() {
    // nothing to remove
  },
};

class Nothing extends pulumi.dynamic.Resource {
  constructor(name: string, index: number) {
    super(nothingProvider, name, { index }, {}, "bench", "Nothing");
  }
}

/** N trivial dynamic resources. */
export function nothings(count: () => number): PulumiFn {
  return async () => {
    for (let i = 0; i < count(); i++) new Nothing(`nothing-${i}`, i);
    return {};
  };
}
