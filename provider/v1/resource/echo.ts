/**
 * How the service's echo of a declared config value is read back: the service fills in documented
 * defaults (an NFS or host-path volume's `read_only` comes back `false`, docs/api-v1.md §3.1), so an
 * echo that equals the declared value once those defaults are applied is the declared value, not drift.
 */
import { deepEqual } from "./diff";
import type { JobConfig, VersionDetails, Volume } from "../api/types";

/** The declared value when the echo says the same with defaults filled in, else the echo. */
export function echoOf(key: keyof JobConfig, declared: unknown, live: unknown): unknown {
  if (key === "volumes" && deepEqual(withVolumeDefaults(declared as Volume[]), withVolumeDefaults(live as Volume[]))) return declared;
  return live;
}

function withVolumeDefaults(volumes: Volume[] | undefined): unknown {
  if (!Array.isArray(volumes)) return volumes;
  return volumes.map((v) => ({
    ...v,
    ...(v.nfs ? { nfs: { ...v.nfs, readOnly: v.nfs.readOnly ?? false } } : {}),
    ...(v.hostPath ? { hostPath: { ...v.hostPath, readOnly: v.hostPath.readOnly ?? false } } : {}),
  }));
}

/**
 * A job's whole config as the service reports it, without the values the service adds itself
 * (docs/api-v1.md §3.3): a public-pool job reports its flavour three ways (`spec_id`, `flavor_code`
 * and the service's own `pool_id`), a `data_source` job a `data_url` too, and every job `nas_type`
 * "efs". What is left is a config that `check` accepts and that would create the same job.
 */
export function withoutAddedEchoes(config: JobConfig, details: VersionDetails): JobConfig {
  const out: JobConfig = { ...config };
  const publicPool = details.poolType === undefined ? out.specId !== undefined : details.poolType === "SYSTEM_DEFINED";
  if (publicPool) {
    delete out.poolId;
    if (out.specId !== undefined) delete out.flavor;
  } else {
    delete out.specId;
  }
  if (out.dataSource !== undefined) delete out.dataUrl;
  if (out.nasType === "efs" && out.nasShareAddr === undefined && out.nasMountPath === undefined) delete out.nasType;
  return out;
}
