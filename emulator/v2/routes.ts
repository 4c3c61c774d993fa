/**
 * The v2 training-job routes under `/v2/{project_id}`: thin handlers over `V2TrainingService`.
 * Authentication is the shared hook (../routes/authenticated.ts); faults, latency, the request log
 * and the v2 error envelope come from the server's hooks, as for v1.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { jsonBody, rawBody } from "../http";
import { AuthHookDeps, authenticationHook } from "../routes/authenticated";
import { V2TrainingService } from "./service";

export interface V2RouteDeps extends AuthHookDeps {
  service: V2TrainingService;
}

type Params = { project_id: string; training_job_id: string; task_id: string };
type Req = FastifyRequest<{ Params: Params; Querystring: Record<string, string | undefined> }>;

/** The search body may be left out (all defaults); any other body must be valid JSON. */
function optionalJson(request: FastifyRequest): unknown {
  const buf = rawBody(request);
  return !buf || buf.length === 0 ? {} : jsonBody(request);
}

export async function v2Routes(app: FastifyInstance, deps: V2RouteDeps): Promise<void> {
  const { service } = deps;
  app.addHook("preValidation", authenticationHook(deps));

  const project = (r: Req) => r.params.project_id;
  const job = (r: Req) => r.params.training_job_id;

  app.post("/training-jobs", async (r: Req, reply: FastifyReply) => reply.code(201).send(service.create(project(r), jsonBody(r))));
  app.get("/training-jobs/:training_job_id", async (r: Req) => service.get(project(r), job(r)));
  app.put("/training-jobs/:training_job_id", async (r: Req, reply: FastifyReply) => {
    service.updateDescription(project(r), job(r), jsonBody(r));
    return reply.code(200).send();
  });
  app.delete("/training-jobs/:training_job_id", async (r: Req, reply: FastifyReply) => {
    service.delete(project(r), job(r));
    return reply.code(202).send();
  });
  app.post("/training-jobs/:training_job_id/actions", async (r: Req, reply: FastifyReply) =>
    reply.code(202).send(service.action(project(r), job(r), jsonBody(r))),
  );
  app.post("/training-job-searches", async (r: Req) => service.search(project(r), optionalJson(r), r.query.limit));
  app.get("/training-job-flavors", async (r: Req) => service.flavors(r.query.flavor_type));
  app.get("/training-job-engines", async () => service.engines());
  app.get("/training-job-names", async (r: Req) => service.validateName(project(r), r.query.job_name, r.query.workspace_id));
  app.get("/training-jobs/:training_job_id/tasks", async (r: Req) => service.tasks(project(r), job(r), r.query.schedule_count));
  app.get("/training-jobs/:training_job_id/metrics/:task_id", async (r: Req) => service.metrics(project(r), job(r), r.params.task_id));
  app.get("/training-jobs/:training_job_id/tasks/:task_id/logs/preview", async (r: Req) =>
    service.logPreview(project(r), job(r), r.params.task_id),
  );
  app.get("/training-jobs/:training_job_id/tasks/:task_id/logs/url", async (r: Req) =>
    service.logUrl(project(r), job(r), r.params.task_id),
  );
}
