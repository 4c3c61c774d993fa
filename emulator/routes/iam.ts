/**
 * The emulated IAM endpoint (docs/api-v1.md §6.1) on the same server: `POST /v3/auth/tokens` with the password
 * body answers 201 with the token in `X-Subject-Token` and a catalogue that lists ModelArts as both `modelarts`
 * and `modelartsv1` (OTC's type); `GET /v3/projects` lists the token's project; `GET /v3` is Keystone's
 * version discovery.
 * Errors use Keystone's shape `{"error": {"code", "title", "message"}}`.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AuthSettings, TokenRegistry, isOpen, projectIdForName } from "../auth";
import { EmulatorBehaviour } from "../behaviour";
import { EmulatorClock } from "../clock";
import { rawBody } from "../http";

export interface IamRouteDeps {
  auth: AuthSettings;
  tokens: TokenRegistry;
  clock: EmulatorClock;
  behaviour: EmulatorBehaviour;
  /** The server's base URL, for the service catalogue. */
  baseUrl: () => string;
}

const TITLES: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 404: "Not Found" };

function iamError(reply: FastifyReply, code: 400 | 401 | 404, message: string) {
  return reply.code(code).send({ error: { code, title: TITLES[code], message } });
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function domainIdOf(name: string): string {
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `d${h.toString(16).padStart(8, "0")}${"0".repeat(23)}`;
}

export async function iamRoutes(app: FastifyInstance, deps: IamRouteDeps): Promise<void> {
  app.post("/v3/auth/tokens", async (request: FastifyRequest, reply: FastifyReply) => {
    request.emu.auth = "iam";
    const buf = rawBody(request);
    let body: unknown;
    try {
      body = JSON.parse(buf?.toString("utf8") ?? "");
    } catch {
      return iamError(reply, 400, "The request body is not valid JSON.");
    }
    const auth = obj(obj(body)?.auth);
    const identity = obj(auth?.identity);
    const methods = identity?.methods;
    const user = obj(obj(identity?.password)?.user);
    const name = str(user?.name);
    const password = str(user?.password);
    const domainName = str(obj(user?.domain)?.name);
    if (!Array.isArray(methods) || !methods.includes("password") || !user) {
      return iamError(reply, 400, 'Expected auth.identity.methods ["password"] and auth.identity.password.user.');
    }
    if (!name || password === undefined || !domainName) {
      return iamError(reply, 400, "auth.identity.password.user needs name, password and domain.name.");
    }
    const open = isOpen(deps.auth);
    const known = deps.auth.users.find((u) => u.name === name && u.domainName === domainName && u.password === password);
    if (!open && !known) return iamError(reply, 401, "The username or password is wrong.");

    const scopeProject = obj(obj(auth?.scope)?.project);
    let projectId: string | undefined;
    let projectName: string | undefined;
    if (scopeProject) {
      projectId = str(scopeProject.id);
      projectName = str(scopeProject.name);
      if (projectId === undefined && projectName === undefined) return iamError(reply, 400, "scope.project needs a name or an id.");
      if (projectId === undefined) projectId = projectIdForName(deps.auth, projectName as string);
      if (projectName === undefined) {
        projectName = Object.entries(deps.auth.projectNames).find(([, id]) => id === projectId)?.[0] ?? "eu-de";
      }
      if (deps.auth.projectIds && !deps.auth.projectIds.includes(projectId)) {
        return iamError(reply, 404, `Could not find project: ${projectName ?? projectId}.`);
      }
    }

    const now = deps.clock.now();
    const expiresAt = now + deps.behaviour.tokenTtlMs;
    const token = deps.tokens.issue({
      userName: name,
      domainName,
      ...(projectId !== undefined ? { projectId } : {}),
      ...(projectName !== undefined ? { projectName } : {}),
      issuedAt: now,
      expiresAt,
    });
    const domain = { id: domainIdOf(domainName), name: domainName };
    const base = deps.baseUrl();
    const tokenBody: Obj = {
      expires_at: new Date(expiresAt).toISOString().replace("Z", "000Z"),
      issued_at: new Date(now).toISOString().replace("Z", "000Z"),
      methods: ["password"],
      user: { id: domainIdOf(`${domainName}/${name}`), name, domain, password_expires_at: "" },
      roles: [{ id: "0", name: "op_service" }],
    };
    if (projectId !== undefined) {
      tokenBody.project = { id: projectId, name: projectName, domain };
      tokenBody.catalog = [
        {
          type: "modelarts",
          name: "modelarts",
          id: "modelarts",
          endpoints: [{ id: "1", interface: "public", region: projectName, region_id: projectName, url: `${base}/v1/${projectId}` }],
        },
        {
          // OTC's catalogue names ModelArts `modelartsv1`; OTC clients look it up by that type.
          type: "modelartsv1",
          name: "modelartsv1",
          id: "modelartsv1",
          endpoints: [{ id: "3", interface: "public", region: projectName, region_id: projectName, url: `${base}/v1/${projectId}` }],
        },
        {
          type: "identity",
          name: "iam",
          id: "iam",
          endpoints: [{ id: "2", interface: "public", region: "*", region_id: "*", url: `${base}/v3` }],
        },
      ];
    } else {
      tokenBody.domain = domain;
    }
    return reply.code(201).header("X-Subject-Token", token).send({ token: tokenBody });
  });

  const listProjects = async (request: FastifyRequest, reply: FastifyReply) => {
    request.emu.auth = "iam";
    const token = request.headers["x-auth-token"];
    const record = typeof token === "string" ? deps.tokens.get(token) : undefined;
    if (!record || deps.clock.now() >= record.expiresAt) return iamError(reply, 401, "The request you have made requires authentication.");
    const base = deps.baseUrl();
    const projects =
      record.projectId === undefined
        ? []
        : [
            {
              id: record.projectId,
              name: record.projectName,
              domain_id: domainIdOf(record.domainName),
              parent_id: domainIdOf(record.domainName),
              is_domain: false,
              enabled: true,
              description: "",
              links: { next: null, previous: null, self: `${base}/v3/projects/${record.projectId}` },
            },
          ];
    return reply.send({ projects, links: { next: null, previous: null, self: `${base}/v3/projects` } });
  };
  // Keystone's version discovery, which keystoneauth reads before it asks for a token.
  const discovery = async (request: FastifyRequest, reply: FastifyReply) => {
    request.emu.auth = "iam";
    const base = deps.baseUrl();
    return reply.send({
      version: {
        id: "v3.0",
        status: "stable",
        updated: "2018-02-28T00:00:00Z",
        links: [{ rel: "self", href: `${base}/v3/` }],
        "media-types": [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }],
      },
    });
  };
  app.get("/v3", discovery);
  app.get("/v3/projects", listProjects);
  app.get("/v3/auth/projects", listProjects);
}
