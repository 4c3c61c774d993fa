/** The stored form of a v2 training job (what the state file keeps), and the phase names. */

/** Level-1 phases of the reference; any other string may be forced through the control API. */
export const V2_PHASES = ["Creating", "Pending", "Running", "Completed", "Failed", "Terminating", "Terminated", "Abnormal"] as const;
export type V2Phase = (typeof V2_PHASES)[number];

/** Phases in which terminate is allowed (the terminate page). */
export const TERMINABLE: readonly string[] = ["Creating", "Pending", "Running"];
/** Phases after which nothing more happens on its own (a reading: the docs never say). */
export const FINAL: readonly string[] = ["Completed", "Failed", "Terminated", "Abnormal"];

/** A change of course on the job's timeline, from `at` on: a terminate, or a phase forced by the control API. */
export type Cut =
  | { at: number; kind: "terminate"; killMs: number }
  | { at: number; kind: "force"; phase: string; secondaryPhase: string; message?: string };

export interface V2JobRecord {
  /** The job's UUID (`metadata.id`, the `{training_job_id}` of the paths). */
  id: string;
  projectId: string;
  kind: string;
  name: string;
  workspaceId: string;
  description: string;
  annotations: Record<string, string>;
  /** Epoch ms on the emulator's clock. */
  createTime: number;
  /** Reply forms, resolved at create (engine, flavour and channel defaults filled in). */
  algorithm: Record<string, unknown>;
  spec: Record<string, unknown>;
  endpoints?: Record<string, unknown>;
  /** Task names (`worker-0`, ...), used by the log routes. */
  tasks: string[];
  nodeCount: number;
  /** Stage lengths, ms: Creating, Pending, Running (then Completed). */
  plan: { creatingMs: number; pendingMs: number; runningMs: number };
  cuts: Cut[];
  /** When the DELETE was accepted, and when the job disappears. */
  deleteAt?: number;
  removeAt?: number;
}
