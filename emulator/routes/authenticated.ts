/**
 * The authentication hook every ModelArts route plugin installs (v1 and v2 alike): AK/SK signature or
 * IAM token, then the project in the URL checked against the served projects.
 */
import { FastifyRequest } from "fastify";
import { AuthContext, AuthSettings, TokenRegistry, authenticate, checkProject } from "../auth";
import { EmulatorBehaviour } from "../behaviour";
import { EmulatorClock } from "../clock";
import { rawBody } from "../http";

export interface AuthHookDeps {
  auth: AuthSettings;
  tokens: TokenRegistry;
  clock: EmulatorClock;
  behaviour: EmulatorBehaviour;
}

/** A `preValidation` hook for routes under `/:project_id`. */
export function authenticationHook(deps: AuthHookDeps): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const projectId = (request.params as { project_id: string }).project_id;
    const ctx: AuthContext = {
      settings: deps.auth,
      tokens: deps.tokens,
      now: deps.clock.now(),
      wallNow: deps.clock.wallNow(),
      maxSkewMs: deps.behaviour.maxClockSkewMs,
    };
    request.emu.auth = authenticate(
      { method: request.method, rawUrl: request.raw.url ?? request.url, headers: request.headers, body: rawBody(request), projectId },
      ctx,
    );
    checkProject(deps.auth, projectId);
  };
}
