/**
 * Assembles the fastify server: one content-type parser that keeps raw bytes (signatures are over
 * the exact body), a BigInt-exact JSON serialiser, faults as an `onRequest`/`onSend` hook, auth as a
 * `preValidation` hook on the v1 routes, the request log on the response's `close` event, and one error
 * handler that renders every failure with the service's envelope and codes.
 */
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { AuthSettings, TokenRegistry } from "./auth";
import { EmulatorBehaviour } from "./behaviour";
import { EmulatorClock } from "./clock";
import { ControlError, EmulatorController } from "./control";
import { Envelope, envelopeOf, faultBody } from "./envelope";
import { ApiFault, Faults } from "./errors";
import { FaultDecision, FaultInjector } from "./faults";
import { asApiFault } from "./http";
import { stringifyJson } from "./json";
import { accountOf, RateLimiter } from "./rate-limit";
import { RequestLog } from "./requestLog";
import { controlRoutes } from "./routes/control";
import { iamRoutes } from "./routes/iam";
import { modelArtsRoutes } from "./routes/modelarts";
import { TrainingService } from "./service";
import { v2ControlRoutes } from "./v2/controlRoutes";
import { V2Faults } from "./v2/errors";
import { v2Routes } from "./v2/routes";
import { V2TrainingService } from "./v2/service";

export const CONTROL_PREFIX = "/__emulator";
/** 12 MB: the documented limit of AK/SK-signed bodies. */
const BODY_LIMIT = 12 * 1024 * 1024;

export interface ServerDeps {
  service: TrainingService;
  v2: V2TrainingService;
  control: EmulatorController;
  auth: AuthSettings;
  tokens: TokenRegistry;
  clock: EmulatorClock;
  behaviour: EmulatorBehaviour;
  faults: FaultInjector;
  rateLimit: RateLimiter;
  requestLog: RequestLog;
  logControlRequests: boolean;
  baseUrl: () => string;
}

function injectedFault(d: FaultDecision): ApiFault {
  switch (d.kind) {
    case "429":
      return Faults.tooManyRequests(d.retryAfterSeconds);
    case "503":
      return Faults.unavailable();
    default:
      return Faults.internal();
  }
}

/** Waits `ms` (real time), ending early if the client closes the connection meanwhile. */
async function delay(request: FastifyRequest, ms: number): Promise<void> {
  const socket = request.raw.socket;
  if (!socket || socket.destroyed) return;
  const gone = new AbortController();
  const onClose = () => gone.abort();
  socket.once("close", onClose);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
  } catch {
    // the client went away: nothing left to delay
  } finally {
    socket.off("close", onClose);
  }
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, payload, done) => done(null, payload));
  app.setReplySerializer((payload) => stringifyJson(payload));
  app.decorateRequest("emu", null as never);

  // errorsAsHttp200 plays a v1 quirk (is_success: false under 200); the v2 envelope has no such flag.
  const http200 = (envelope: Envelope) => envelope === "v1" && deps.behaviour.errorsAsHttp200;

  const log = (request: FastifyRequest, status: number | "dropped" | "aborted") => {
    const emu = request.emu;
    if (emu.logged || (emu.control && !deps.logControlRequests)) return;
    emu.logged = true;
    deps.requestLog.add({
      time: new Date(Date.now()).toISOString(),
      emulatorTime: emu.emulatorTime,
      method: request.method,
      path: request.raw.url ?? request.url,
      status,
      ...(emu.fault ? { fault: emu.fault.kind, faultPhase: emu.fault.phase } : {}),
      auth: emu.auth,
      ...(typeof request.headers["user-agent"] === "string" ? { userAgent: request.headers["user-agent"] } : {}),
      ...(emu.errorCode ? { errorCode: emu.errorCode } : {}),
      durationMs: Math.round(performance.now() - emu.startedAt),
    });
  };

  const drop = (request: FastifyRequest) => {
    request.emu.dropped = true;
    log(request, "dropped");
    request.raw.socket?.destroy();
  };

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.raw.url ?? request.url;
    const control = url === CONTROL_PREFIX || url.startsWith(CONTROL_PREFIX + "/");
    request.emu = {
      startedAt: performance.now(),
      emulatorTime: deps.clock.now(),
      control,
      envelope: envelopeOf(url),
      auth: control ? "control" : "none",
    };
    // Logged when the connection is done with, whether answered, dropped or abandoned by the client.
    reply.raw.once("close", () =>
      log(request, request.emu.dropped ? "dropped" : reply.raw.writableFinished ? reply.statusCode : "aborted"),
    );
    if (control) return;
    // The gateway answers before the service (and before any injected fault) sees the request.
    const throttled = url.startsWith("/v3/") ? undefined : deps.rateLimit.decide(accountOf(request.headers));
    if (throttled) {
      request.emu.errorCode = throttled.code;
      return reply.code(throttled.httpStatus).headers(throttled.headers).send(faultBody(throttled, request.emu.envelope));
    }
    const decision = deps.faults.decide(request.method, url);
    if (!decision) return;
    request.emu.fault = decision;
    if (decision.phase === "after") return;
    switch (decision.kind) {
      case "latency":
        await delay(request, decision.latencyMs);
        return;
      case "drop":
        reply.hijack();
        drop(request);
        return;
      default: {
        const f = injectedFault(decision);
        request.emu.errorCode = f.code;
        return reply.code(f.httpStatus).headers(f.headers).send(faultBody(f, request.emu.envelope));
      }
    }
  });

  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // The service's request id header (form request_id-timestamp-hostname), for clients to log.
    if (request.emu && !request.emu.control) reply.header("X-Request-Id", `${randomUUID().replace(/-/g, "")}-${Date.now()}-emulator`);
    const d = request.emu?.fault;
    if (!d || d.phase !== "after" || request.emu.dropped) return payload;
    switch (d.kind) {
      case "latency":
        await delay(request, d.latencyMs);
        return payload;
      case "drop":
        drop(request);
        return payload;
      default: {
        const f = injectedFault(d);
        request.emu.errorCode = f.code;
        reply.code(f.httpStatus).headers(f.headers).header("content-type", "application/json; charset=utf-8");
        return stringifyJson(faultBody(f, request.emu.envelope));
      }
    }
  });

  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (request.emu?.control) {
      if (error instanceof ControlError) return reply.code(error.status).send({ error: error.message });
      if (error instanceof RangeError) return reply.code(400).send({ error: error.message });
      return reply.code(500).send({ error: (error as Error).message });
    }
    const fault = asApiFault(error);
    if (request.emu) request.emu.errorCode = fault.code;
    const envelope = request.emu?.envelope ?? "v1";
    return reply
      .code(http200(envelope) ? 200 : fault.httpStatus)
      .headers(fault.headers)
      .send(faultBody(fault, envelope));
  });

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.emu?.control) return reply.code(404).send({ error: `no control route ${request.method} ${request.url}` });
    const path = (request.raw.url ?? request.url).split("?")[0] as string;
    // Each version's own "path not found" code: v1 4204, v2 2836 (docs/api-v2.md §4).
    const fault = request.emu.envelope === "v2" ? V2Faults.pathNotFound(request.method, path) : Faults.apiNotFound(request.method, path);
    request.emu.errorCode = fault.code;
    return reply.code(http200(request.emu.envelope) ? 200 : fault.httpStatus).send(faultBody(fault, request.emu.envelope));
  });

  app.register(controlRoutes, { prefix: CONTROL_PREFIX, control: deps.control });
  app.register(v2ControlRoutes, { prefix: CONTROL_PREFIX + "/v2", control: deps.control });
  app.register(iamRoutes, { auth: deps.auth, tokens: deps.tokens, clock: deps.clock, behaviour: deps.behaviour, baseUrl: deps.baseUrl });
  app.register(modelArtsRoutes, {
    prefix: "/v1/:project_id",
    service: deps.service,
    auth: deps.auth,
    tokens: deps.tokens,
    clock: deps.clock,
    behaviour: deps.behaviour,
  });
  app.register(v2Routes, {
    prefix: "/v2/:project_id",
    service: deps.v2,
    auth: deps.auth,
    tokens: deps.tokens,
    clock: deps.clock,
    behaviour: deps.behaviour,
  });
  return app;
}
