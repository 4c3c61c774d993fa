/**
 * The v2 search (`POST /v2/{project_id}/training-job-searches`): the body's paging (`offset` is a page
 * index, `limit` 1..50), order, and filters (`{key, operator, value[]}`), checked with the list
 * codes of the error appendix (2790 sort, 2807 key, 2808 operator, 2809 value).
 */
import { V2Faults } from "./errors";
import { V2JobRecord } from "./model";

type Obj = Record<string, unknown>;

export interface SearchRequest {
  offset: number;
  limit: number;
  order: "asc" | "desc";
  workspaceId: string;
  groupBy: string;
  filters: { key: string; operator: string; values: string[] }[];
}

/** What each filter key accepts, and how it reads a job. */
const KEYS: Record<string, { operators: readonly string[]; read: (job: V2JobRecord, phase: string) => string | undefined }> = {
  name: { operators: ["like", "in", "not"], read: (j) => j.name },
  id: { operators: ["in", "not"], read: (j) => j.id },
  phase: { operators: ["in", "not"], read: (_j, phase) => phase },
  kind: { operators: ["in", "not"], read: (j) => j.kind },
  algorithm_name: { operators: ["like", "in", "not"], read: (j) => (j.algorithm.name as string | undefined) ?? "" },
  algorithm_id: { operators: ["in", "not"], read: (j) => (j.algorithm.id as string | undefined) ?? "" },
  pool_id: { operators: ["in", "not"], read: (j) => ((j.spec.resource as Obj | undefined)?.pool_id as string | undefined) ?? "" },
  runtime_type: { operators: ["in", "not"], read: (j) => (j.spec.runtime_type as string | undefined) ?? "" },
  // The emulator keeps no user ids: a non-empty user_id filter matches nothing.
  user_id: { operators: ["in", "not"], read: () => undefined },
  create_time: { operators: ["between"], read: (j) => String(j.createTime) },
};

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 50;

function integer(v: unknown, field: string, min: number, max: number): number {
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max)
    throw V2Faults.badParameter(field, `must be an integer from ${min} to ${max}`);
  return n;
}

/** Checks a search body; `queryLimit` is the `?limit=` the reference's example repeats in the URL. */
export function parseSearch(body: unknown, queryLimit: string | undefined): SearchRequest {
  const b: Obj = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Obj) : {};
  const offset = b.offset === undefined ? 0 : integer(b.offset, "offset", 0, Number.MAX_SAFE_INTEGER);
  const rawLimit = b.limit ?? queryLimit;
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : integer(rawLimit, "limit", 1, MAX_LIMIT);
  const sortBy = b.sort_by ?? "create_time";
  if (sortBy !== "create_time") throw V2Faults.unsupportedSort(String(sortBy));
  const order = b.order ?? "desc";
  if (order !== "asc" && order !== "desc") throw V2Faults.badParameter("order", "must be asc or desc");
  const workspaceId = b.workspace_id ?? "0";
  if (typeof workspaceId !== "string") throw V2Faults.badParameter("workspace_id", "must be a string");
  const filtersIn = b.filters ?? [];
  if (!Array.isArray(filtersIn) || filtersIn.length > 20) throw V2Faults.badParameter("filters", "must be an array of at most 20 filters");
  const filters = filtersIn.map((f: unknown) => {
    const o = (typeof f === "object" && f !== null ? f : {}) as Obj;
    const key = String(o.key);
    const spec = KEYS[key];
    if (!spec) throw V2Faults.unsupportedFilterKey(key);
    const operator = String(o.operator);
    if (!spec.operators.includes(operator)) throw V2Faults.unsupportedOperator(key, operator);
    const value = o.value ?? [];
    if (!Array.isArray(value) || value.length > 10 || !value.every((x) => typeof x === "string"))
      throw V2Faults.unsupportedFilterValue(key, "value must be an array of at most 10 strings");
    if (operator === "between") {
      if (value.length !== 2) throw V2Faults.unsupportedFilterValue(key, "between needs two values");
      for (const x of value) if (x !== "" && Number.isNaN(timeOf(x))) throw V2Faults.unsupportedFilterValue(key, `${x} is not a time`);
    }
    return { key, operator, values: value as string[] };
  });
  return { offset, limit, order, workspaceId, groupBy: typeof b.group_by === "string" ? b.group_by : "", filters };
}

/** Epoch ms or RFC 3339. */
function timeOf(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : Date.parse(text);
}

/** Whether a job passes every filter (`phase` is the job's phase now). Empty values constrain nothing, as the sample's `[""]`. */
export function matches(job: V2JobRecord, phase: string, request: SearchRequest): boolean {
  return request.filters.every(({ key, operator, values }) => {
    if (operator === "between") {
      const [from, to] = values as [string, string];
      return (from === "" || job.createTime >= timeOf(from)) && (to === "" || job.createTime <= timeOf(to));
    }
    const wanted = values.filter((v) => v !== "");
    if (wanted.length === 0) return true;
    const actual = (KEYS[key] as (typeof KEYS)[string]).read(job, phase);
    if (actual === undefined) return operator === "not";
    if (operator === "like") return wanted.some((w) => actual.includes(w));
    if (operator === "in") return wanted.includes(actual);
    return !wanted.includes(actual);
  });
}
