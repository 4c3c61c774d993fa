/**
 * A bare 127.0.0.1 HTTP server that answers the v2 search (and any other v2 call) the way a test
 * scripts it, for answers the emulator cannot give (pages that contradict each other, a total that
 * changes, a short page before the end, odd bodies). It checks no signature; it records every request.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, if any. */
  body: unknown;
  text: string;
}

/** A Job object on the wire, as small as the client tolerates plus a name. */
export function wireJob(id: string, name = `job-${id}`, createTime = 1_700_000_000_000): Record<string, unknown> {
  return {
    kind: "job",
    metadata: { id, name, description: "", create_time: createTime, workspace_id: "0", user_name: "" },
    status: { phase: "Running", secondary_phase: "Running", duration: 0, start_time: 0, tasks: ["worker-0"] },
    algorithm: {},
    spec: { resource: { flavor_id: "modelarts.vm.cpu.8u", node_count: 1 } },
  };
}

/** Jobs `from` .. `to - 1` with ids `j-0000`…. */
export function wireJobs(from: number, to: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) out.push(wireJob(`j-${String(i).padStart(4, "0")}`));
  return out;
}

/** A search page body. */
export function searchPage(
  offset: number,
  items: Record<string, unknown>[],
  counts: { total?: number; count?: number },
): Record<string, unknown> {
  return { ...counts, limit: 50, offset, sort_by: "create_time", order: "asc", workspace_id: "0", items };
}

export interface ScriptedAnswer {
  status: number;
  /** A JSON value, or raw text when a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ScriptServer {
  url: string;
  requests: RecordedRequest[];
  /** The search bodies, in order. */
  searches(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts the server; `answer` builds the answer to each request (the search's `offset` is the body's). */
export async function startScriptServer(answer: (req: RecordedRequest, index: number) => ScriptedAnswer): Promise<ScriptServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? "", path: req.url ?? "/", headers: req.headers, body, text };
      requests.push(recorded);
      const a = answer(recorded, requests.length - 1);
      res.statusCode = a.status;
      for (const [k, v] of Object.entries(a.headers ?? {})) res.setHeader(k, v);
      if (a.body === undefined) {
        res.end();
        return;
      }
      res.setHeader("content-type", "application/json");
      res.end(typeof a.body === "string" ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    searches: () =>
      requests
        .filter((r) => r.method === "POST" && r.path.includes("/training-job-searches"))
        .map((r) => r.body as Record<string, unknown>),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The `offset` of a recorded search body. */
export function offsetOf(req: RecordedRequest): number {
  return Number((req.body as { offset?: unknown } | undefined)?.offset ?? 0);
}
