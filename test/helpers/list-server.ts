/**
 * A bare 127.0.0.1 HTTP server that answers the job list the way a test scripts it, for lists the
 * emulator cannot serve (a total of 10^9, pages that contradict each other, no job_total_count).
 * It does not check signatures; it records every request.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ListRequest {
  page: number;
  perPage: number;
  searchContent: string | undefined;
}

/** A job summary on the wire. */
export function wireJob(id: number | string, name: string, status = 8): Record<string, unknown> {
  return {
    job_id: Number(id),
    job_name: name,
    version_id: Number(id) + 1,
    status,
    create_time: 1_700_000_000_000,
    duration: 0,
    job_desc: "",
    version_count: 1,
  };
}

export interface ListServer {
  url: string;
  /** Every list request, in order. */
  lists: ListRequest[];
  /** Every request (method and path). */
  requests: string[];
  close(): Promise<void>;
}

/** An answer the server gives to other requests, e.g. `DELETE` (default: 404 "no such API"). */
export interface ScriptedAnswer {
  method: string;
  pathRegex: RegExp;
  status: number;
  body: Record<string, unknown>;
}

/** Starts the server; `page` builds each list answer (the body object, `is_success` added). */
export async function startListServer(
  page: (req: ListRequest) => Record<string, unknown>,
  answers: ScriptedAnswer[] = [],
): Promise<ListServer> {
  const lists: ListRequest[] = [];
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      requests.push(`${req.method} ${url.pathname}`);
      res.setHeader("content-type", "application/json");
      if (req.method === "GET" && /\/training-jobs$/.test(url.pathname)) {
        const q = {
          page: Number(url.searchParams.get("page") ?? "1"),
          perPage: Number(url.searchParams.get("per_page") ?? "10"),
          searchContent: url.searchParams.get("search_content") ?? undefined,
        };
        lists.push(q);
        res.end(JSON.stringify({ is_success: true, ...page(q) }));
        return;
      }
      const version = /\/training-jobs\/(\d+)\/versions\/(\d+)$/.exec(url.pathname);
      if (req.method === "GET" && version) {
        res.end(
          JSON.stringify({
            is_success: true,
            job_id: Number(version[1]),
            version_id: Number(version[2]),
            version_name: "V0001",
            status: 8,
            create_time: 1_700_000_000_000,
            duration: 0,
          }),
        );
        return;
      }
      const scripted = answers.find((a) => a.method === req.method && a.pathRegex.test(url.pathname));
      if (scripted) {
        res.statusCode = scripted.status;
        res.end(JSON.stringify(scripted.body));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ is_success: false, error_code: "ModelArts.4204", error_message: "no such API in this test server" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lists,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
