/**
 * Snake_case wire types of the v1 training-job API (docs/api-v1.md §3) and of the IAM
 * token call (§6.1). Responses are typed as they may really arrive: Longs and Ints as JSON numbers
 * or strings (§8.1), `null` for unset fields (§8.6); bodies are parsed with a lossless JSON parser,
 * so every JSON number arrives as a `LosslessNumber` holding its exact text. Unknown keys are ignored.
 * Only `mapping.ts` reads or builds these shapes.
 */
import type { LosslessNumber } from "lossless-json";

/** A number as it may arrive: exact JSON number text, a numeric string, or null. */
export type WireNumber = LosslessNumber | number | string | null | undefined;
/** A Long id in a request body: a `LosslessNumber` so that ids above 2^53 are sent exactly. */
export type WireLongOut = LosslessNumber;

/** The envelope every answer carries (§2, §5.1). */
export interface WireEnvelope {
  is_success?: boolean | string | null;
  error_code?: string | null;
  error_message?: string | null;
  /** Alias seen in the generic error sample (§8.18). */
  error_msg?: string | null;
}

/** Both members optional (docs/api-v1.md §3.1). */
export interface WireParameter {
  label?: string;
  value?: string;
}

/** `config.flavor`: a flavour by code (docs/api-v1.md §3.1, seen in the live example). */
export interface WireFlavor {
  code: string;
}

export interface WireDataSourceItem {
  type?: "obs" | "dataset";
  data_url?: string;
  dataset_id?: string;
  dataset_version?: string;
}

export interface WireNfsVolume {
  id: string;
  src_path: string;
  dest_path: string;
  read_only?: boolean;
}

export interface WireHostPathVolume {
  src_path: string;
  dest_path: string;
  read_only?: boolean;
}

export interface WireVolume {
  nfs?: WireNfsVolume;
  host_path?: WireHostPathVolume;
}

/** `config` of create job (§3.1). */
export interface WireJobConfig {
  worker_server_num: number;
  app_url?: string;
  boot_file_url?: string;
  engine_id?: number;
  model_id?: number;
  parameter?: WireParameter[];
  data_url?: string;
  dataset_id?: string;
  dataset_version_id?: string;
  data_source?: WireDataSourceItem[];
  spec_id?: number;
  flavor?: WireFlavor;
  pool_id?: string;
  train_url?: string;
  log_url?: string;
  user_image_url?: string;
  user_command?: string;
  volumes?: WireVolume[];
  nas_share_addr?: string;
  nas_mount_path?: string;
  nas_type?: string;
  create_version?: boolean;
}

/** `POST /v1/{project_id}/training-jobs` body. */
export interface WireCreateJobRequest {
  job_name: string;
  job_desc?: string;
  workspace_id?: string;
  config: WireJobConfig;
}

export interface WireCreateJobResponse extends WireEnvelope {
  job_id?: WireNumber;
  job_name?: string | null;
  status?: WireNumber;
  create_time?: WireNumber;
  version_id?: WireNumber;
  version_name?: string | null;
  resource_id?: string | null;
}

/** Query of `GET /v1/{project_id}/training-jobs` (§3.2); note `sortBy`. */
export interface WireListJobsQuery {
  status?: string;
  per_page?: string;
  page?: string;
  sortBy?: string;
  order?: string;
  search_content?: string;
  workspace_id?: string;
}

export interface WireJobSummary {
  job_id?: WireNumber;
  job_name?: string | null;
  version_id?: WireNumber;
  status?: WireNumber;
  create_time?: WireNumber;
  duration?: WireNumber;
  job_desc?: string | null;
  version_count?: WireNumber;
}

export interface WireListJobsResponse extends WireEnvelope {
  job_total_count?: WireNumber;
  job_count_limit?: WireNumber;
  quotas?: WireNumber;
  jobs?: WireJobSummary[] | null;
}

/** Version details (§3.3) and the items of the versions list (§3.4). */
export interface WireVersion {
  job_id?: WireNumber;
  job_name?: string | null;
  job_desc?: string | null;
  version_id?: WireNumber;
  version_name?: string | null;
  pre_version_id?: WireNumber;
  engine_type?: WireNumber;
  engine_name?: string | null;
  engine_version?: string | null;
  engine_id?: WireNumber;
  status?: WireNumber;
  app_url?: string | null;
  boot_file_url?: string | null;
  create_time?: WireNumber;
  start_time?: WireNumber;
  duration?: WireNumber;
  parameter?: Array<{ label?: string | null; value?: unknown }> | null;
  spec_id?: WireNumber;
  spec_code?: string | null;
  /** Undocumented; the live service fills it with the flavour's code (docs/api-v1.md §3.3). */
  flavor_code?: string | null;
  worker_server_num?: WireNumber;
  data_url?: string | null;
  train_url?: string | null;
  log_url?: string | null;
  dataset_id?: string | null;
  dataset_version_id?: string | null;
  data_source?: Array<Partial<Record<keyof WireDataSourceItem, string | null>>> | null;
  model_id?: WireNumber;
  /** A JSON document encoded as a string (§8.3). */
  model_metric_list?: string | Record<string, unknown> | null;
  /** An object in version details, a JSON string in the versions list (§8.3). */
  system_metric_list?: string | Record<string, unknown> | null;
  user_image_url?: string | null;
  user_command?: string | null;
  resource_id?: string | null;
  pool_id?: string | null;
  pool_name?: string | null;
  /** Undocumented; `SYSTEM_DEFINED` for a public pool (docs/api-v1.md §3.3). */
  pool_type?: string | null;
  nas_share_addr?: string | null;
  nas_mount_path?: string | null;
  nas_type?: string | null;
  volumes?: Array<{
    nfs?: Partial<Record<keyof WireNfsVolume, unknown>> | null;
    host_path?: Partial<Record<keyof WireHostPathVolume, unknown>> | null;
  }> | null;
}

export interface WireVersionResponse extends WireEnvelope, WireVersion {}

export interface WireListVersionsResponse extends WireEnvelope {
  job_id?: WireNumber;
  job_name?: string | null;
  job_desc?: string | null;
  version_count?: WireNumber;
  versions?: WireVersion[] | null;
}

/** `config` of create version (§3.5). */
export interface WireVersionConfig extends Omit<WireJobConfig, "create_version" | "volumes"> {
  pre_version_id: WireLongOut;
}

export interface WireCreateVersionRequest {
  job_desc?: string;
  config: WireVersionConfig;
}

export interface WireCreateVersionResponse extends WireEnvelope {
  job_id?: WireNumber;
  job_name?: string | null;
  status?: WireNumber;
  create_time?: WireNumber;
  version_id?: WireNumber;
  version_name?: string | null;
}

/** `PUT /v1/{project_id}/training-jobs/{job_id}` body (§3.8). */
export interface WireUpdateDescriptionRequest {
  job_desc: string;
}

export interface WireResourceSpec {
  spec_id?: WireNumber;
  core?: WireNumber;
  cpu?: WireNumber;
  gpu_num?: WireNumber;
  gpu_type?: string | null;
  spec_code?: string | null;
  max_num?: WireNumber;
  unit_num?: WireNumber;
  storage?: string | null;
  interface_type?: WireNumber;
  no_resource?: boolean | string | null;
}

export interface WireResourceSpecsResponse extends WireEnvelope {
  spec_total_count?: WireNumber;
  specs?: WireResourceSpec[] | null;
}

export interface WireEngine {
  engine_type?: WireNumber;
  engine_id?: WireNumber;
  engine_name?: string | null;
  engine_version?: string | null;
}

export interface WireEnginesResponse extends WireEnvelope {
  engines?: WireEngine[] | null;
}

export interface WireLogFileNamesResponse extends WireEnvelope {
  /** Documented as String, returned as an array (§8.4). */
  log_file_list?: string[] | string | null;
}

export interface WireLogsQuery {
  log_file: string;
  lines?: string;
  base_line?: string;
  order?: string;
}

export interface WireLogsResponse extends WireEnvelope {
  content?: string | null;
  lines?: WireNumber;
  /** 19-digit positions: arrive as bare numbers or strings, kept as text (§8.5). */
  start_line?: WireNumber;
  end_line?: WireNumber;
}

/** The IAM token call's shapes (§6.1) are shared by both API versions. */
export type { WireIamTokenRequest, WireIamTokenResponse, WireIamError } from "../../shared/api/iam-wire";
