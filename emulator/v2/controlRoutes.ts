/**
 * The v2 part of the HTTP control API, under `/__emulator/v2/`: list and read v2 jobs, force a
 * phase (failures on demand: `{"phase": "Failed"}` or `{"phase": "Abnormal"}`), remove a job at once.
 */
import { FastifyInstance, FastifyRequest } from "fastify";
import { ControlError, EmulatorController } from "../control";
import { rawBody } from "../http";

type Q = FastifyRequest<{ Querystring: Record<string, string | undefined>; Params: Record<string, string> }>;

function body(request: FastifyRequest): Record<string, unknown> {
  const buf = rawBody(request);
  try {
    const parsed: unknown = JSON.parse(buf && buf.length > 0 ? buf.toString("utf8") : "{}");
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ControlError(400, "body must be a JSON object");
}

export async function v2ControlRoutes(app: FastifyInstance, deps: { control: EmulatorController }): Promise<void> {
  const c = deps.control;
  app.get("/jobs", async (r: Q) => c.v2Jobs(r.query.projectId || undefined));
  app.get("/jobs/:id", async (r: Q) => {
    const view = c.v2Job(r.params.id as string);
    if (!view) throw new ControlError(404, `no v2 job ${r.params.id}`);
    return view;
  });
  app.post("/jobs/:id/phase", async (r: Q) => c.setV2Phase(r.params.id as string, body(r) as never));
  app.delete("/jobs/:id", async (r: Q) => {
    if (!c.deleteV2Job(r.params.id as string)) throw new ControlError(404, `no v2 job ${r.params.id}`);
    return { ok: true };
  });
}
