import * as pulumi from "@pulumi/pulumi";
import type { Algorithm, Spec } from "./api/types";
import type { TrainingJobComputed, TrainingJobInputs, TrainingJobTimeouts, WaitFor } from "./resource/inputs";
import { registeredProps, type ArgTypesAgree, type ArgsAgree, type DeepInput } from "../shared/resource/args";
import { packageStub } from "../shared/resource/package-stub";
import type { JobLocation } from "../shared/resource/lifecycle";

/**
 * The arguments of a {@link TrainingJob} (v2): the members of {@link TrainingJobInputs}, each a
 * `pulumi.Input` (each type, key and optionality checked against it below).
 */
export interface TrainingJobArgs {
  /**
   * Job name (`metadata.name`): 1–64 of `A–Z a–z 0–9 _ -`, unique in the workspace. A change
   * replaces the job (the old one is deleted first when the name stays).
   * @default the resource name with a suffix derived from project and stack, e.g. `mnist-4f7a2c1`
   */
  readonly jobName?: pulumi.Input<string>;
  /** Description (`metadata.description`), 0–256 characters. A change is an in-place update. @default "" */
  readonly description?: pulumi.Input<string>;
  /** Workspace id: `"0"` or a 32-character id. A change replaces the job. @default "0" */
  readonly workspaceId?: pulumi.Input<string>;
  /** Annotations (`metadata.annotations`), string values. Never compared with what the service reports. A change replaces the job. */
  readonly annotations?: DeepInput<Record<string, string>>;
  /** The job's kind, e.g. `job` or `visualization_job`. A change replaces the job. @default "job" */
  readonly kind?: pulumi.Input<string>;
  /**
   * What runs (the create body's `algorithm`): an algorithm `id`; `subscriptionId` with
   * `itemVersionId`; `codeDir` with `bootFile` and a preset `engine`; or a custom image
   * (`engine.imageUrl`) with `command`. Plus `parameters`, `inputs`, `outputs`, `environments`.
   * A change replaces the job: v2 jobs have no versions.
   * @example { codeDir: "/bucket/mnist/code/", bootFile: "/bucket/mnist/code/train.py", engine: { engineName: "PyTorch", engineVersion: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" } }
   */
  readonly algorithm: DeepInput<Algorithm>;
  /**
   * Resources and runtime options (the create body's `spec`): `resource` with `flavorId`,
   * `nodeCount` (default 1) and `poolId`; `volumes`; `logExportPath`; `autoStop`. A change replaces the job.
   * @example { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1 } }
   */
  readonly spec: DeepInput<Spec>;
  /** What `pulumi up` waits for: `accepted`, `running` or `completed`. @default "accepted" */
  readonly waitFor?: pulumi.Input<WaitFor>;
  /** How long create, update and delete may take, including waiting, e.g. `{ delete: "30m" }`. @default "20m" each */
  readonly timeouts?: DeepInput<TrainingJobTimeouts>;
  /** Terminate a job still creating, pending or running before deleting it. @default true */
  readonly stopBeforeDelete?: pulumi.Input<boolean>;
  /** Region override for this job (else the profile's or `modelarts:region`). A change replaces the job. */
  readonly region?: pulumi.Input<string>;
  /** Project id override for this job (else the profile's or `modelarts:projectId`). A change replaces the job. */
  readonly projectId?: pulumi.Input<string>;
  /** Endpoint URL override for this job (else the profile's, `modelarts:endpoint` or the region's endpoint). */
  readonly endpoint?: pulumi.Input<string>;
  /**
   * The named credentials profile that manages this job (`modelarts:profiles.<profile>`). A name,
   * never a secret. A change replaces the job.
   * @default the top-level `modelarts:*` settings
   * @example "eu"
   */
  readonly profile?: pulumi.Input<string>;
  /**
   * Adopt an existing job by id (its UUID) instead of creating one. The declared `algorithm` and
   * `spec` must match the job's (the service's own additions aside); `pulumi destroy` then deletes
   * it unless `retainOnDelete` is set.
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

/** The dynamic resource's module: the engine records the type `pulumi-nodejs:dynamic/modelarts/v2:TrainingJob`. */
const MODULE = "modelarts/v2";
/** The type token the engine records for a v2 TrainingJob. */
const RESOURCE_TYPE = `pulumi-nodejs:dynamic/${MODULE}:TrainingJob`;

/**
 * A ModelArts new-version (v2) training job (`/v2/{project_id}/training-jobs`, Huawei Cloud and Open
 * Telekom Cloud) that follows the stack's lifecycle: submitted on `pulumi up` (waiting for
 * `waitFor`), refreshed by `pulumi refresh`, its description changed in place, replaced on any other
 * change, and on `pulumi destroy` terminated if it still runs, deleted, and waited for until the
 * service has really removed it.
 *
 * Credentials come from the stack configuration (`modelarts:*`, or the named profile the `profile`
 * input chooses) or the environment, never from resource inputs. Use `retainOnDelete` to keep a job
 * on destroy, `adoptJobId` to take over an existing job, and {@link TrainingJob.get} to only read one.
 *
 * @example
 * ```ts
 * import { v2 } from "pulumi-modelarts";
 * const job = new v2.TrainingJob("mnist", {
 *   description: "MNIST baseline",
 *   algorithm: {
 *     codeDir: "/my-bucket/mnist/code/",
 *     bootFile: "/my-bucket/mnist/code/train.py",
 *     engine: { engineName: "PyTorch", engineVersion: "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64" },
 *     inputs: [{ name: "data_url", remote: { obs: { obsUrl: "/my-bucket/mnist/data/" } } }],
 *     outputs: [{ name: "train_url", remote: { obs: { obsUrl: "/my-bucket/mnist/output/" } } }],
 *     parameters: [{ name: "epochs", value: "10" }],
 *   },
 *   spec: { resource: { flavorId: "modelarts.vm.cpu.8u", nodeCount: 1 } },
 *   waitFor: "running",
 * });
 * export const jobId = job.jobId;
 * ```
 */
export class TrainingJob extends pulumi.dynamic.Resource {
  /** The job's UUID (also the resource id), e.g. `425b7087-83de-49ed-9e40-5bb642be956f`. */
  declare public readonly jobId: pulumi.Output<string>;
  /** The effective job name (given or autonamed). */
  declare public readonly jobName: pulumi.Output<string>;
  /** The level-1 phase as last seen: `Creating`, `Pending`, `Running`, `Completed`, `Failed`, `Terminating`, `Terminated`, `Abnormal`. */
  declare public readonly phase: pulumi.Output<string>;
  /** The level-2 phase as last seen, informational only: its values may change without notice. */
  declare public readonly secondaryPhase: pulumi.Output<string>;
  /** When the job was created, ISO 8601 (UTC). */
  declare public readonly createTime: pulumi.Output<string>;
  /** When the job started running, ISO 8601 (UTC), or `""` before. */
  declare public readonly startTime: pulumi.Output<string>;
  /** Run time in milliseconds, as last seen. */
  declare public readonly duration: pulumi.Output<number>;
  /** The flavour's name, when the service reports it, e.g. `Computing CPU(8U) instance`. */
  declare public readonly flavorName: pulumi.Output<string | undefined>;
  /** Task names, e.g. `["worker-0"]`: what the log APIs take. */
  declare public readonly tasks: pulumi.Output<string[]>;
  /** The job's description. */
  declare public readonly description: pulumi.Output<string | undefined>;
  /** The job's workspace id. */
  declare public readonly workspaceId: pulumi.Output<string | undefined>;
  /** What runs, as declared (or, for {@link TrainingJob.get}, as the service reports it). */
  declare public readonly algorithm: pulumi.Output<Algorithm>;
  /** Resources and runtime options, as declared (or as the service reports them). */
  declare public readonly spec: pulumi.Output<Spec>;
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
   * Declares a v2 training job that this stack manages.
   * @param name The resource name (also the prefix of an autonamed job name).
   * @param args The job's inputs.
   * @param opts Resource options. With `id`, this is {@link TrainingJob.get} instead.
   */
  constructor(name: string, args: TrainingJobArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState: TrainingJobArgs | TrainingJobState | undefined, opts?: pulumi.CustomResourceOptions) {
    const props = registeredProps(name, RESOURCE_TYPE, argsOrState, opts, OUTPUT_KEYS);
    super(packageStub("v2") as unknown as pulumi.dynamic.ResourceProvider, name, props, opts, MODULE, "TrainingJob");
  }

  /**
   * Reads an existing v2 training job by id, without managing it: the stack records what the
   * service reports (its algorithm and spec included), `pulumi refresh` reads it again, and
   * `pulumi destroy` forgets it without deleting it. To take a job over, declare it with
   * `adoptJobId` instead.
   *
   * @param name The resource name in this stack.
   * @param id The job's UUID.
   * @param state Where to look: `region`, `projectId`, `endpoint`, `profile` or `workspaceId`, as for
   *   a declared job (default: the provider configuration).
   * @param opts Resource options.
   *
   * @example
   * ```ts
   * const baseline = v2.TrainingJob.get("baseline", "425b7087-83de-49ed-9e40-5bb642be956f");
   * export const baselinePhase = baseline.phase;
   * ```
   */
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: TrainingJobState, opts?: pulumi.CustomResourceOptions): TrainingJob {
    return new TrainingJob(name, state as TrainingJobArgs, { ...opts, id });
  }

  /** The resource's type token, as the engine records it. */
  private static readonly pulumiType = RESOURCE_TYPE;

  /**
   * True if `obj` is a v2 TrainingJob. Compares the type token the SDK records on every resource
   * rather than the class, so that it holds when the program loads two copies of this package.
   */
  public static isInstance(obj: unknown): obj is TrainingJob {
    if (obj === undefined || obj === null || typeof obj !== "object") return false;
    return (obj as { __pulumiType?: unknown }).__pulumiType === TrainingJob.pulumiType;
  }
}

/** Computed outputs and echoed inputs, registered as unknown inputs so that they appear on the resource. */
const OUTPUT_KEYS: ReadonlyArray<
  keyof TrainingJobComputed | "description" | "workspaceId" | "algorithm" | "spec" | "waitFor" | "timeouts"
> = [
  "jobId",
  "jobName",
  "phase",
  "secondaryPhase",
  "createTime",
  "startTime",
  "duration",
  "flavorName",
  "tasks",
  "description",
  "workspaceId",
  "algorithm",
  "spec",
  "waitFor",
  "timeouts",
  "location",
];
