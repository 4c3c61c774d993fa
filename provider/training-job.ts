import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { TrainingJobComputed, TrainingJobConfig, TrainingJobInputs, TrainingJobTimeouts, WaitFor } from "./resource/inputs";
import { makeStub, type StubProvider } from "./resource/stub";

/** `pulumi.Input` all the way down, for plain data shapes. */
type DeepInput<T> = T extends string | number | boolean
  ? pulumi.Input<T>
  : T extends Array<infer U>
    ? pulumi.Input<Array<DeepInput<U>>>
    : pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>;

/** The arguments of a {@link TrainingJob}: {@link TrainingJobInputs}, each member a `pulumi.Input`. */
export type TrainingJobArgs = { [K in keyof TrainingJobInputs]: DeepInput<TrainingJobInputs[K]> };

const PACKAGE_NAME = "pulumi-modelarts";

let stub: StubProvider | undefined;

/** The package's root folder (where its package.json is), from this file's compiled location. */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // not here: go up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${PACKAGE_NAME}: cannot find the package root above ${__dirname}`);
    dir = parent;
  }
}

/**
 * One stub per process. Its `version` is the package version plus a hash of the compiled
 * implementation, so that a changed implementation is visible in the state.
 */
function sharedStub(): StubProvider {
  if (stub) return stub;
  const root = packageRoot();
  const runtime = path.join(root, "dist", "provider", "resource", "runtime.js");
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  const hash = createHash("sha256");
  for (const file of ["runtime.js", "provider.js", "diff.js", "validate.js", "waiter.js"]) {
    try {
      hash.update(readFileSync(path.join(root, "dist", "provider", "resource", file)));
    } catch {
      hash.update(file);
    }
  }
  stub = makeStub(`${PACKAGE_NAME}/runtime`, runtime, `${pkg.version}+${hash.digest("hex").slice(0, 12)}`);
  return stub;
}

/**
 * A ModelArts training job (v1 training-job API of Huawei Cloud and Open Telekom Cloud) that follows
 * the stack's lifecycle: submitted on `pulumi up`, refreshed by `pulumi refresh`, a new version on a
 * config change, and deleted (waiting until the service has really removed it) on `pulumi destroy`.
 *
 * Credentials come from the stack configuration (`modelarts:*`) or the environment, never from
 * resource inputs. Use the `retainOnDelete` resource option to keep a job on destroy, and
 * `adoptJobId` to take over an existing job.
 *
 * @example
 * ```ts
 * const job = new TrainingJob("mnist", {
 *   description: "MNIST baseline",
 *   config: {
 *     workerServerNum: 1,
 *     specId: 1,
 *     engineId: 1,
 *     appUrl: "/my-bucket/mnist/code/",
 *     bootFileUrl: "/my-bucket/mnist/code/train.py",
 *     dataUrl: "/my-bucket/mnist/data/",
 *     trainUrl: "/my-bucket/mnist/output/",
 *     parameters: [{ label: "epochs", value: "10" }],
 *   },
 * });
 * export const jobId = job.jobId;
 * ```
 */
export class TrainingJob extends pulumi.dynamic.Resource {
  /** The job id (also the resource id): a decimal string, exact. */
  declare public readonly jobId: pulumi.Output<string>;
  /** The effective job name (given or autonamed). */
  declare public readonly jobName: pulumi.Output<string>;
  /** The current version's id: a decimal string, exact. */
  declare public readonly versionId: pulumi.Output<string>;
  /** The current version's name, e.g. `V0001`. */
  declare public readonly versionName: pulumi.Output<string>;
  /** The current version's status code. */
  declare public readonly status: pulumi.Output<number>;
  /** The status's name, e.g. `JOBSTAT_RUNNING`. */
  declare public readonly statusName: pulumi.Output<string>;
  /** When the job was created, ISO 8601 (UTC). */
  declare public readonly createTime: pulumi.Output<string>;
  /** Run time of the current version, in milliseconds. */
  declare public readonly duration: pulumi.Output<number>;
  /** Number of versions of the job. */
  declare public readonly versionCount: pulumi.Output<number>;
  /** The charged-resource id, e.g. `jobafd08896`, when the service reports it. */
  declare public readonly resourceId: pulumi.Output<string | undefined>;
  /** The job's description. */
  declare public readonly description: pulumi.Output<string | undefined>;
  /** The job's configuration as last applied or refreshed. */
  declare public readonly config: pulumi.Output<TrainingJobConfig>;
  /** What `pulumi up` waits for. */
  declare public readonly waitFor: pulumi.Output<WaitFor | undefined>;
  /** The timeouts in force. */
  declare public readonly timeouts: pulumi.Output<TrainingJobTimeouts | undefined>;

  constructor(name: string, args: TrainingJobArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = { ...args, autonamePrefix: name, autonameSeed: `${pulumi.getProject()}/${pulumi.getStack()}` };
    for (const key of OUTPUT_KEYS) if (!(key in props)) props[key] = undefined;
    super(sharedStub() as unknown as pulumi.dynamic.ResourceProvider, name, props, opts, "modelarts", "TrainingJob");
  }
}

/** Computed outputs, registered as unknown inputs so they appear on the resource. */
const OUTPUT_KEYS: ReadonlyArray<keyof TrainingJobComputed | "description" | "waitFor" | "timeouts"> = [
  "jobId",
  "jobName",
  "versionId",
  "versionName",
  "status",
  "statusName",
  "createTime",
  "duration",
  "versionCount",
  "resourceId",
  "description",
  "waitFor",
  "timeouts",
];
