/**
 * How the service's echo of a declared config value is read back: the service fills in documented
 * defaults (an NFS or host-path volume's `read_only` comes back `false`, docs/api-v1.md §3.1), so an
 * echo that equals the declared value once those defaults are applied is the declared value, not drift.
 */
import { deepEqual } from "./diff";
import type { JobConfig, Volume } from "../api/types";

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
