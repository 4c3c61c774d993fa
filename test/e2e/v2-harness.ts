/**
 * The end-to-end harness's v2 part, over the same `withScenario` (test/e2e/harness.ts): the v2 jobs
 * the emulator holds, read through its control handle; the v2 paths as the request log shows them;
 * a v2 job created behind Pulumi's back through the real v2 API (signed, as any other tool of the
 * account would); and the v2 TrainingJob resources of a stack's state.
 */
import { strict as assert } from "node:assert";
import * as http from "node:http";
import { signRequest } from "../../provider/shared/api/signer";
import { PROJECT_ID, type Scenario } from "./harness";
export { descendants, failure, processOf, untilSuccess } from "./harness";

type Obj = Record<string, unknown>;

/** The v2 resource's type token, as the engine records it (module `modelarts/v2`). */
export const V2_TYPE = "pulumi-nodejs:dynamic/modelarts/v2:TrainingJob";

/** A v2 job as the emulator's details route shows it now, with the fields the tests compare. */
export interface V2JobSummary {
  id: string;
  name: string;
  description: string;
  workspaceId: string;
  /** Epoch milliseconds. */
  createTime: number;
  phase: string;
  secondaryPhase: string;
  /** The service's failure message of the first task, when it has one. */
  message?: string;
  tasks: string[];
  /** The whole Job object (snake_case), for the fields not summarised. */
  raw: Obj;
}

function summary(view: Obj): V2JobSummary {
  const metadata = view.metadata as Obj;
  const status = view.status as Obj;
  const taskStatuses = status.task_statuses as Array<{ message?: string }> | undefined;
  const message = taskStatuses?.[0]?.message;
  return {
    id: metadata.id as string,
    name: metadata.name as string,
    description: metadata.description as string,
    workspaceId: metadata.workspace_id as string,
    createTime: metadata.create_time as number,
    phase: status.phase as string,
    secondaryPhase: status.secondary_phase as string,
    ...(message !== undefined ? { message } : {}),
    tasks: (status.tasks as string[] | undefined) ?? [],
    raw: view,
  };
}

/** The v2 jobs the emulator holds in the scenario's project (jobs whose removal has run its course are gone). */
export function v2Jobs(s: Scenario): V2JobSummary[] {
  return s.emulator.control.v2Jobs(PROJECT_ID).map(summary);
}

/** One v2 job by id, or undefined once it is gone. */
export function v2Job(s: Scenario, id: string): V2JobSummary | undefined {
  const view = s.emulator.control.v2Job(id);
  return view ? summary(view) : undefined;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** Paths of the v2 API, as the request log shows them (tested without the query). */
export const V2_API = {
  jobs: new RegExp(`^/v2/${PROJECT_ID}/training-jobs$`),
  job: new RegExp(`^/v2/${PROJECT_ID}/training-jobs/${UUID}$`),
  actions: new RegExp(`^/v2/${PROJECT_ID}/training-jobs/${UUID}/actions$`),
  searches: new RegExp(`^/v2/${PROJECT_ID}/training-job-searches$`),
  /** Any v2 path: for faults scoped to v2 (`pathRegex`). */
  any: "^/v2/",
};

/** The path of one job's details (and of its PUT and DELETE). */
export const v2JobPath = (id: string): string => `/v2/${PROJECT_ID}/training-jobs/${id}`;

/** The job id a v2 request addressed, if any. */
export function v2JobIdOf(path: string): string | undefined {
  return new RegExp(`/training-jobs/(${UUID})`).exec(path)?.[1];
}

/** Requests other than reads (GET, the search) that addressed one of these v2 jobs. */
export function v2ChangesTo(s: Scenario, ids: string[]): string[] {
  const wanted = new Set(ids);
  return s
    .requests()
    .filter((r) => r.method !== "GET" && wanted.has(v2JobIdOf(r.path) ?? ""))
    .map((r) => `${r.method} ${r.path}`);
}

/**
 * Creates a v2 job behind Pulumi's back through the emulator's real v2 API, signed with the
 * scenario's credentials as any other tool of the account would; returns its id. The request is in
 * the request log like any other (clear it when a test counts requests).
 */
export async function createV2OutOfBand(s: Scenario, body: Obj): Promise<string> {
  const url = `${s.emulator.url}/v2/${PROJECT_ID}/training-jobs`;
  const payload = JSON.stringify(body);
  const headers = signRequest({ method: "POST", url, headers: { "content-type": "application/json" }, body: payload }, s.secrets);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(payload)) } });
    req.on("response", (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (data += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: data }));
    });
    req.on("error", reject);
    req.end(payload);
  });
  assert.equal(status, 201, `the out-of-band create was refused: ${status} ${text}`);
  return ((JSON.parse(text) as Obj).metadata as Obj).id as string;
}

/** A stack resource as `pulumi stack export` records it. */
export interface StateResource {
  type: string;
  id?: string;
  external?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The v2 TrainingJob resources in the stack's state (read with secrets shown: for assertions only). */
export async function v2StateJobs(s: Scenario): Promise<StateResource[]> {
  const deployment = await s.stack.exportStack();
  const resources = (deployment.deployment?.resources ?? []) as StateResource[];
  return resources.filter((r) => r.type === V2_TYPE);
}
