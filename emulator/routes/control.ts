/**
 * The HTTP control API under `/__emulator/` (no real client uses it): never authenticated, never
 * faulted, not in the request log unless asked. Answers plain JSON; errors are `{"error": "..."}`
 * with 400 (bad input) or 404 (no such job/rule).
 */
import { FastifyInstance, FastifyRequest } from "fastify";
import { ControlError, EmulatorController } from "../control";
import { rawBody } from "../http";

type Obj = Record<string, unknown>;

function body(request: FastifyRequest): Obj {
  const buf = rawBody(request);
  if (!buf || buf.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString("utf8"));
  } catch (e) {
    throw new ControlError(400, `body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ControlError(400, "body must be a JSON object");
  return parsed as Obj;
}

function num(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ControlError(400, `${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

type Q = FastifyRequest<{ Querystring: Record<string, string | undefined>; Params: Record<string, string> }>;

export async function controlRoutes(app: FastifyInstance, deps: { control: EmulatorController }): Promise<void> {
  const c = deps.control;
  const ok = { ok: true };

  app.get("/health", async () => ({ ok: true, clock: c.clock() }));

  app.get("/clock", async () => c.clock());
  app.put("/clock", async (r) => c.setTime(num(body(r), "now")));
  app.post("/clock/advance", async (r) => c.advance(num(body(r), "ms")));
  app.post("/clock/freeze", async () => c.freeze());
  app.post("/clock/unfreeze", async () => c.unfreeze());

  app.get("/behaviour", async () => c.behaviour());
  app.patch("/behaviour", async (r) => c.setBehaviour(body(r)));

  app.get("/rules", async () => c.rules());
  app.post("/rules", async (r) => c.addRule(body(r) as never));
  app.delete("/rules", async () => (c.clearRules(), ok));
  app.delete("/rules/:id", async (r: Q) => {
    if (!c.removeRule(r.params.id as string)) throw new ControlError(404, `no rule ${r.params.id}`);
    return ok;
  });

  app.get("/faults", async () => c.faults());
  app.put("/faults/rate", async (r) => c.setFaultRate(body(r) as never));
  app.put("/faults/defaults", async (r) => c.setFaultDefaults(body(r)));
  app.post("/faults/scripts", async (r) => c.addFaultScript(body(r) as never));
  app.delete("/faults", async () => (c.clearFaults(), ok));

  app.get("/rate-limit", async () => c.rateLimit());
  app.put("/rate-limit", async (r) => c.setRateLimit(body(r) as never));
  app.delete("/rate-limit", async () => c.setRateLimit(null));

  app.get("/requests", async (r: Q) => {
    const filter: { method?: string; pathRegex?: string } = {};
    if (r.query.method) filter.method = r.query.method;
    if (r.query.pathRegex) filter.pathRegex = r.query.pathRegex;
    return c.requests(filter);
  });
  app.delete("/requests", async () => (c.clearRequests(), ok));

  app.get("/jobs", async (r: Q) => c.jobs(r.query.projectId || undefined));
  app.post("/jobs", async (r) => {
    const b = body(r);
    if (typeof b.projectId !== "string") throw new ControlError(400, "projectId (string) is required");
    return c.createJob(b.projectId, b.body);
  });
  app.get("/jobs/:jobId", async (r: Q) => {
    const view = c.job(r.params.jobId as string);
    if (!view) throw new ControlError(404, `no job ${r.params.jobId}`);
    return view;
  });
  app.patch("/jobs/:jobId", async (r: Q) => c.patchJob(r.params.jobId as string, body(r)));
  app.delete("/jobs/:jobId", async (r: Q) => {
    if (!c.deleteJob(r.params.jobId as string, { immediate: r.query.immediate === "true" })) {
      throw new ControlError(404, `no job ${r.params.jobId}`);
    }
    return ok;
  });

  app.delete("/tokens", async () => ({ revoked: c.revokeTokens() }));
  app.post("/reset", async () => (c.reset(), ok));
}
