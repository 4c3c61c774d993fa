/** API calls from the emulator's request log, grouped by route (ids and the query left out). */
import type { RequestLogEntry } from "../../emulator";

/** `GET /training-jobs/{id}/versions/{id}` from `GET /v1/<project>/training-jobs/42/versions/43?x=1`. */
export function routeOf(entry: Pick<RequestLogEntry, "method" | "path">): string {
  const path = (entry.path.split("?")[0] ?? "")
    .replace(/^\/v1\/[^/]+/, "")
    .split("/")
    .map((segment) => (/^\d+$/.test(segment) ? "{id}" : segment))
    .join("/");
  return `${entry.method} ${path}`;
}

/** Calls per route, most frequent first. */
export function callsByRoute(entries: readonly RequestLogEntry[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(routeOf(e), (counts.get(routeOf(e)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}
