/**
 * The v2 API's bodies as they travel (snake_case), from docs/api-v2.md §2–§7. Request types hold
 * what the client sends; response types mark every field optional and loosely typed, because the
 * mapping (`mapping.ts`) reads answers defensively: a field may be missing, `null`, a number sent as
 * a string, or (for `environments`) an object or an array of maps.
 */

/** A JSON number as the lossless parser hands it over (a `LosslessNumber`), or whatever else arrived. */
export type WireNumber = unknown;

// ---------------------------------------------------------------------------------------------
// Create request (`POST /v2/{project_id}/training-jobs`)

export interface WireEngine {
  engine_id?: string;
  engine_name?: string;
  engine_version?: string;
  image_url?: string;
  install_sys_packages?: boolean;
}

export interface WireParameter {
  name: string;
  value?: string;
  description?: string;
}

export interface WireInput {
  name: string;
  description?: string;
  local_dir?: string;
  remote: { obs?: { obs_url: string }; dataset?: { id: string; version_id: string } };
}

export interface WireOutput {
  name: string;
  description?: string;
  local_dir?: string;
  remote: { obs: { obs_url: string } };
}

export interface WireAlgorithm {
  id?: string;
  subscription_id?: string;
  item_version_id?: string;
  code_dir?: string;
  boot_file?: string;
  command?: string;
  engine?: WireEngine;
  parameters?: WireParameter[];
  inputs?: WireInput[];
  outputs?: WireOutput[];
  environments?: Record<string, string>;
  local_code_dir?: string;
  working_dir?: string;
}

export interface WireVolume {
  nfs?: { nfs_server_path: string; local_path: string; read_only?: boolean };
  pfs?: { pfs_path: string; local_path: string };
  obs?: { obs_path: string; local_path: string };
}

export interface WireSpec {
  resource: { flavor_id?: string; node_count?: number; pool_id?: string };
  volumes?: WireVolume[];
  log_export_path?: { obs_url?: string; host_path?: string };
  auto_stop?: { time_unit: string; duration: number };
}

export interface WireCreateJobRequest {
  kind: string;
  metadata: { name: string; description?: string; workspace_id?: string; annotations?: Record<string, string> };
  algorithm: WireAlgorithm;
  spec?: WireSpec;
}

/** `PUT /v2/{project_id}/training-jobs/{id}`. */
export interface WireUpdateDescriptionRequest {
  description: string;
}

/** `POST /v2/{project_id}/training-jobs/{id}/actions`. */
export interface WireActionRequest {
  action_type: "terminate";
}

// ---------------------------------------------------------------------------------------------
// The Job object (create 201, details 200, terminate 202, search items), §3.1

export interface WireJob {
  kind?: string | null;
  metadata?: {
    id?: unknown;
    name?: string | null;
    description?: string | null;
    workspace_id?: unknown;
    create_time?: WireNumber;
    user_name?: string | null;
    annotations?: Record<string, unknown> | null;
  } | null;
  status?: {
    phase?: string | null;
    secondary_phase?: string | null;
    duration?: WireNumber;
    start_time?: WireNumber;
    node_count_metrics?: unknown;
    tasks?: unknown;
    task_statuses?: Array<{ task?: string | null; exit_code?: WireNumber; message?: string | null }> | null;
  } | null;
  /** The request's algorithm echoed with the service's resolutions; `environments` an object or an array of maps. */
  algorithm?: Record<string, unknown> | null;
  spec?: Record<string, unknown> | null;
  endpoints?: unknown;
}

// ---------------------------------------------------------------------------------------------
// Search (`POST /v2/{project_id}/training-job-searches`), §3.2–§3.3

export interface WireSearchFilter {
  key: string;
  operator: string;
  value: string[];
}

export interface WireSearchRequest {
  /** A page index: 0 is the first page. */
  offset: number;
  /** 1–50. */
  limit: number;
  sort_by?: string;
  order?: "asc" | "desc";
  filters?: WireSearchFilter[];
  workspace_id?: string;
}

export interface WireSearchResponse {
  /** All of the caller's jobs (the reference's sample), not only the matching ones. */
  total?: WireNumber;
  /** Either every match or this page's items: the reference's sample cannot tell (docs/api-v2.md). */
  count?: WireNumber;
  limit?: WireNumber;
  offset?: WireNumber;
  sort_by?: string | null;
  order?: string | null;
  workspace_id?: string | null;
  items?: WireJob[] | null;
}

// ---------------------------------------------------------------------------------------------
// Catalogues, §7

export interface WireFlavor {
  flavor_id?: string | null;
  flavor_name?: string | null;
  flavor_type?: string | null;
  max_num?: WireNumber;
  flavor_info?: { max_num?: WireNumber } | null;
}

export interface WireFlavorsResponse {
  total_count?: WireNumber;
  flavors?: WireFlavor[] | null;
}

export interface WireEngineSpec {
  engine_id?: string | null;
  engine_name?: string | null;
  engine_version?: string | null;
}

export interface WireEnginesResponse {
  total?: WireNumber;
  items?: WireEngineSpec[] | null;
}
