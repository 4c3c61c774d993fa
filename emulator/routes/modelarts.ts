/** The v1 training-job routes under `/v1/{project_id}`: thin handlers over `TrainingService`. */
import { FastifyInstance, FastifyRequest } from "fastify";
import { AuthSettings, TokenRegistry } from "../auth";
import { EmulatorBehaviour } from "../behaviour";
import { EmulatorClock } from "../clock";
import { jsonBody, pathId } from "../http";
import { RawQuery } from "../query";
import { TrainingService } from "../service";
import { authenticationHook } from "./authenticated";

export interface ModelArtsRouteDeps {
  service: TrainingService;
  auth: AuthSettings;
  tokens: TokenRegistry;
  clock: EmulatorClock;
  behaviour: EmulatorBehaviour;
}

type Params = { project_id: string; job_id?: string; version_id?: string };
type Req = FastifyRequest<{ Params: Params; Querystring: RawQuery }>;

export async function modelArtsRoutes(app: FastifyInstance, deps: ModelArtsRouteDeps): Promise<void> {
  const { service } = deps;

  app.addHook("preValidation", authenticationHook(deps));

  const job = (r: Req) => pathId(r.params.job_id, "job_id");
  const version = (r: Req) => pathId(r.params.version_id, "version_id");
  const project = (r: Req) => r.params.project_id;

  app.post("/training-jobs", async (r: Req) => service.createJob(project(r), jsonBody(r)));
  app.get("/training-jobs", async (r: Req) => service.listJobs(project(r), r.query));
  app.put("/training-jobs/:job_id", async (r: Req) => service.updateDescription(project(r), job(r), jsonBody(r)));
  app.delete("/training-jobs/:job_id", async (r: Req) => service.deleteJob(project(r), job(r)));
  app.get("/training-jobs/:job_id/versions", async (r: Req) => service.listVersions(project(r), job(r), r.query));
  app.post("/training-jobs/:job_id/versions", async (r: Req) => service.createVersion(project(r), job(r), jsonBody(r)));
  app.get("/training-jobs/:job_id/versions/:version_id", async (r: Req) => service.getVersion(project(r), job(r), version(r)));
  app.delete("/training-jobs/:job_id/versions/:version_id", async (r: Req) => service.deleteVersion(project(r), job(r), version(r)));
  app.post("/training-jobs/:job_id/versions/:version_id/stop", async (r: Req) => service.stopVersion(project(r), job(r), version(r)));
  app.get("/training-jobs/:job_id/versions/:version_id/log/file-names", async (r: Req) =>
    service.logFileNames(project(r), job(r), version(r)),
  );
  app.get("/training-jobs/:job_id/versions/:version_id/aom-log", async (r: Req) => service.logs(project(r), job(r), version(r), r.query));
  app.get("/built-in-algorithms", async (r: Req) => service.algorithms(r.query));
  app.get("/job/resource-specs", async (r: Req) => service.resourceSpecs(r.query));
  app.get("/job/ai-engines", async (r: Req) => service.engines(r.query));
}
