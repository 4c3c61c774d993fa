/**
 * The v2 Job object as create (201), details (200), terminate (202) and each search item answer it:
 * one schema for all four, built from the stored record and its phase at the current time.
 */
import { ValidCreate } from "./validation";
import { phaseAt } from "./lifecycle";
import { V2JobRecord } from "./model";

type Obj = Record<string, unknown>;

/** The stored reply form of `algorithm`: the request echoed, with what the service resolves filled in. */
export function algorithmReply(v: ValidCreate): Obj {
  const a: Obj = { ...v.algorithm };
  if (v.knownAlgorithm) {
    a.name = v.knownAlgorithm.name;
    a.code_dir ??= v.knownAlgorithm.code_dir;
    a.boot_file ??= v.knownAlgorithm.boot_file;
  }
  const engine = v.engine;
  const requested = (v.algorithm.engine ?? {}) as Obj;
  if (engine) {
    a.engine = {
      ...requested,
      engine_id: engine.engine_id,
      engine_name: engine.engine_name,
      engine_version: engine.engine_version,
      v1_compatible: engine.v1_compatible,
      run_user: engine.run_user,
    };
  } else if (v.knownAlgorithm) {
    a.engine = { engine_id: v.knownAlgorithm.engine_id };
  }
  if (Array.isArray(a.parameters)) {
    a.parameters = (a.parameters as Obj[]).map((p) => ({
      name: p.name,
      description: p.description ?? "",
      i18n_description: null,
      value: p.value,
      constraint: {
        type: "String",
        editable: true,
        required: false,
        sensitive: false,
        valid_type: "None",
        valid_range: [],
        ...((p.constraint as Obj) ?? {}),
      },
    }));
  }
  if (Array.isArray(a.inputs))
    a.inputs = (a.inputs as Obj[]).map((c) => ({ local_dir: `/home/ma-user/modelarts/inputs/${String(c.name)}_0`, ...c }));
  if (Array.isArray(a.outputs))
    a.outputs = (a.outputs as Obj[]).map((c) => ({
      local_dir: `/home/ma-user/modelarts/outputs/${String(c.name)}_0`,
      mode: "upload_periodically",
      period: 30,
      ...c,
    }));
  a.environments = { ...((a.environments as Obj | undefined) ?? {}) };
  a.policies = {};
  return a;
}

/**
 * A flavour's info as a job shows it: the job details type `disk.size` as a string (the reference's
 * table "Disk", the SDKs' `Disk` model), where the flavour catalogue gives an integer.
 */
export function jobFlavorInfo(info: Obj): Obj {
  const disk = info.disk as Obj | undefined;
  if (!disk) return { ...info };
  return { ...info, disk: { ...disk, size: String(disk.size) } };
}

/** The stored reply form of `spec`: resource with flavour name and detail, log path as given or `{}`. */
export function specReply(v: ValidCreate): Obj {
  const resource = { ...((v.spec.resource as Obj | undefined) ?? {}) };
  const out: Obj = { ...v.spec, resource: { policy: "regular", ...resource, node_count: v.nodeCount } };
  if (v.flavor) {
    Object.assign(out.resource as Obj, {
      flavor_name: v.flavor.flavor_name,
      flavor_detail: { flavor_type: v.flavor.flavor_type, billing: v.flavor.billing, flavor_info: jobFlavorInfo(v.flavor.flavor_info) },
    });
  }
  out.log_export_path = { ...((v.spec.log_export_path as Obj | undefined) ?? {}) };
  return out;
}

/**
 * The algorithm as a Job answer shows it: `environments` as the array of maps that the reference's
 * response table and the SDKs' `JobAlgorithmResponse` declare (a create sends one map).
 */
function algorithmView(algorithm: Obj): Obj {
  const env = algorithm.environments;
  if (env === undefined || Array.isArray(env)) return algorithm;
  const map = env as Obj;
  return { ...algorithm, environments: Object.keys(map).length > 0 ? [map] : [] };
}

/** The Job object at `now`. */
export function jobView(job: V2JobRecord, now: number, deletingPhase: "unchanged" | "Terminating"): Obj {
  const p = phaseAt(job, now);
  const deleting = job.deleteAt !== undefined && now >= job.deleteAt && deletingPhase === "Terminating";
  const phase = deleting ? "Terminating" : p.phase;
  const secondary = deleting ? "Terminating" : p.secondaryPhase;
  return {
    kind: job.kind,
    metadata: {
      id: job.id,
      name: job.name,
      description: job.description,
      create_time: job.createTime,
      workspace_id: job.workspaceId,
      user_name: "",
      annotations: { job_template: "Template DL", key_task: "worker", ...job.annotations },
    },
    status: {
      phase,
      secondary_phase: secondary,
      duration: p.duration,
      start_time: p.startTime,
      node_count_metrics: p.startTime ? [[p.startTime, job.nodeCount]] : null,
      tasks: job.tasks,
      ...(p.message ? { task_statuses: job.tasks.map((task) => ({ task, exit_code: 1, message: p.message })) } : {}),
    },
    algorithm: algorithmView(job.algorithm),
    spec: job.spec,
    ...(job.endpoints ? { endpoints: job.endpoints } : {}),
  };
}
