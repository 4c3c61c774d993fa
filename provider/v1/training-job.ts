import * as pulumi from "@pulumi/pulumi";
import type { TrainingJobComputed, TrainingJobConfig, TrainingJobInputs, TrainingJobTimeouts, WaitFor } from "./resource/inputs";
import { registeredProps, type ArgTypesAgree, type ArgsAgree, type DeepInput } from "../shared/resource/args";
import { packageStub } from "../shared/resource/package-stub";
import type { JobLocation } from "../shared/resource/lifecycle";

/**
 * The arguments of a {@link TrainingJob}: the members of {@link TrainingJobInputs}, each a
 * `pulumi.Input` (each type, key and optionality checked against it below).
 */
export interface TrainingJobArgs {
  /**
   * Job name: 1–64 of `A–Z a–z 0–9 _ -`, unique in the project. A change replaces the job.
   * @default the resource name with a random suffix, e.g. `mnist-4f7a2c1`
   */
  readonly jobName?: pulumi.Input<string>;
  /** Description, 0–256 characters. A change is an in-place update. @default "" */
  readonly description?: pulumi.Input<string>;
  /** Workspace id. A change replaces the job (deleting first when the name stays). @default "0" */
  readonly workspaceId?: pulumi.Input<string>;
  /**
   * The job's configuration: every field of the create API's `config`. A change creates a new
   * version of the same job (a change of `volumes` replaces it).
   */
  readonly config: DeepInput<TrainingJobConfig>;
  /** What `pulumi up` waits for after submitting. @default "submitted" */
  readonly waitFor?: pulumi.Input<WaitFor>;
  /** How long create, update and delete may take, including waiting, e.g. `{ delete: "30m" }`. @default "20m" each */
  readonly timeouts?: DeepInput<TrainingJobTimeouts>;
  /** Stop a running version before deleting the job. @default true */
  readonly stopBeforeDelete?: pulumi.Input<boolean>;
  /** Region override for this job (else the profile's or `modelarts:region`). A change replaces the job. */
  readonly region?: pulumi.Input<string>;
  /** Project id override for this job (else the profile's or `modelarts:projectId`). A change replaces the job. */
  readonly projectId?: pulumi.Input<string>;
  /** Endpoint URL override for this job (else the profile's, `modelarts:endpoint` or the region's endpoint). */
  readonly endpoint?: pulumi.Input<string>;
  /**
   * The named credentials profile that manages this job: the settings under
   * `modelarts:profiles.<profile>` (another account or project) instead of the top-level
   * `modelarts:*` ones. A name, never a secret. A change replaces the job.
   * @default the top-level `modelarts:*` settings
   * @example "eu"
   */
  readonly profile?: pulumi.Input<string>;
  /**
   * Adopt an existing job by id instead of creating one (Pulumi's `import` option does not work
   * with dynamic resources). The declared `config` must match the job's; `pulumi destroy` then
   * deletes the job unless `retainOnDelete` is set.
   */
  readonly adoptJobId?: pulumi.Input<string>;
}

/** Where {@link TrainingJob.get} looks for the job: the same overrides a declared job would have. */
export type TrainingJobState = Pick<TrainingJobArgs, "region" | "projectId" | "endpoint" | "profile" | "workspaceId">;

// Fails to compile when a key is added to, removed from or made optional in only one of the two.
const argsAgreeWithInputs: ArgsAgree<TrainingJobArgs, TrainingJobInputs> = true;
// Fails to compile when an argument's type is not its input's type as a `pulumi.Input` (spelt out above so editors show it).
const argTypesAgreeWithInputs: ArgTypesAgree<TrainingJobArgs, TrainingJobInputs> = true;
void argsAgreeWithInputs;
void argTypesAgreeWithInputs;

/** The type token the engine records for a TrainingJob. */
const RESOURCE_TYPE = "pulumi-nodejs:dynamic/modelarts:TrainingJob";

/**
 * A ModelArts training job (v1 training-job API of Huawei Cloud and Open Telekom Cloud) that follows
 * the stack's lifecycle: submitted on `pulumi up`, refreshed by `pulumi refresh`, a new version on a
 * config change, and deleted (waiting until the service has really removed it) on `pulumi destroy`.
 *
 * Credentials come from the stack configuration (`modelarts:*`, or the named profile
 * `modelarts:profiles.<profile>` that the `profile` input chooses) or the environment, never from
 * resource inputs. Use the `retainOnDelete` resource option to keep a job on destroy,
 * `adoptJobId` to take over an existing job, and {@link TrainingJob.get} to only read one.
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
  /**
   * Where the job lives, resolved at create and recorded in the state (endpoint, region, project,
   * workspace, profile name; never a secret): refresh, update and delete go there.
   */
  declare public readonly location: pulumi.Output<JobLocation>;

  /**
   * Declares a training job that this stack manages.
   * @param name The resource name (also the prefix of an autonamed job name).
   * @param args The job's inputs.
   * @param opts Resource options. With `id`, this is {@link TrainingJob.get} instead.
   */
  constructor(name: string, args: TrainingJobArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState: TrainingJobArgs | TrainingJobState | undefined, opts?: pulumi.CustomResourceOptions) {
    const props = registeredProps(name, RESOURCE_TYPE, argsOrState, opts, OUTPUT_KEYS);
    super(packageStub("v1") as unknown as pulumi.dynamic.ResourceProvider, name, props, opts, "modelarts", "TrainingJob");
  }

  /**
   * Reads an existing training job by id, without managing it: the stack records what the service
   * reports (every output, the whole config included), `pulumi refresh` reads it again, and
   * `pulumi destroy` forgets it without deleting it. To take a job over, declare it with
   * `adoptJobId` instead.
   *
   * @param name The resource name in this stack.
   * @param id The job id, a decimal string.
   * @param state Where to look: `region`, `projectId`, `endpoint` or `profile`, as for a declared job
   *   (default: the provider configuration).
   * @param opts Resource options.
   *
   * @example
   * ```ts
   * const baseline = TrainingJob.get("baseline", "1234567", { profile: "eu" });
   * export const baselineStatus = baseline.statusName;
   * ```
   */
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: TrainingJobState, opts?: pulumi.CustomResourceOptions): TrainingJob {
    return new TrainingJob(name, state as TrainingJobArgs, { ...opts, id });
  }

  /** The resource's type token, as the engine records it. */
  private static readonly pulumiType = RESOURCE_TYPE;

  /**
   * True if `obj` is a TrainingJob. Compares the type token the SDK records on every resource
   * rather than the class, so that it holds when the program loads two copies of this package.
   */
  public static isInstance(obj: unknown): obj is TrainingJob {
    if (obj === undefined || obj === null || typeof obj !== "object") return false;
    return (obj as { __pulumiType?: unknown }).__pulumiType === TrainingJob.pulumiType;
  }
}

/** Computed outputs, registered as unknown inputs so they appear on the resource. */
const OUTPUT_KEYS: ReadonlyArray<keyof TrainingJobComputed | "description" | "config" | "waitFor" | "timeouts"> = [
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
  "config",
  "waitFor",
  "timeouts",
  "location",
];
