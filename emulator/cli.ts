#!/usr/bin/env node
/**
 * Command line: `node dist/emulator/cli.js [options]` (package bin `modelarts-emulator`).
 * First line: `ModelArts emulator listening on http://127.0.0.1:PORT`. Stops on SIGINT/SIGTERM,
 * saving the state file if one is set. Secrets may come from the environment and are never printed.
 */
import { parseArgs } from "node:util";
import { EmulatorBehaviour, checkBehaviour } from "./behaviour";
import { missingEmulatorDependency } from "./dependencies";
// Type only: ./index loads fastify, which main() checks for first.
import type { EmulatorOptions } from "./index";
import { FAULT_KINDS, FaultKind } from "./faults";
import { DEFAULT_V2_BEHAVIOUR, V2_CHOICES } from "./v2/behaviour";

/** One help line per v2 behaviour switch, from the behaviour table itself. */
function v2SwitchLines(): string {
  const indent = " ".repeat(32);
  return (Object.keys(DEFAULT_V2_BEHAVIOUR) as Array<keyof typeof DEFAULT_V2_BEHAVIOUR>)
    .map((key) => {
      const fallback = String(DEFAULT_V2_BEHAVIOUR[key]);
      const choices = (V2_CHOICES as Partial<Record<string, readonly string[]>>)[key];
      const values = choices
        ? [fallback, ...choices.filter((c) => c !== fallback)].join(" | ")
        : typeof DEFAULT_V2_BEHAVIOUR[key] === "boolean"
          ? `${fallback} | ${String(!DEFAULT_V2_BEHAVIOUR[key])}`
          : `milliseconds (${fallback})`;
      return `${indent}${key}: ${values}`;
    })
    .join("\n");
}

export const HELP = `Usage: modelarts-emulator [options]

A local emulator of the ModelArts training-job APIs, v1 (old-version, /v1/{project_id}/training-jobs)
and v2 (new-version, /v2/{project_id}/training-jobs, searches, flavours, engines, tasks, metrics,
logs, name check), and of the IAM endpoint (POST /v3/auth/tokens, GET /v3, GET /v3/projects).
Binds to 127.0.0.1 only. A control API under /__emulator/ (clock, behaviour, rules, faults,
requests, jobs, v2/jobs, tokens, reset) drives it from tests; the package's docs/emulator.md
describes it.

Server
  --port N                    TCP port; 0 picks a free port (default 0)
  --state-file PATH           load jobs at start, save them after each change and on exit
  --id-base N                 first job id; may exceed 2^53 (default 100000)
  --version-id-base N         first version id (default id-base + 1000000)
  --log-control-requests      also record /__emulator/ requests in the request log

Authentication (none given: any well-formed signature or token is accepted). Give secrets in
the environment rather than as flags: any user of the machine sees a command line (ps).
  --access-key AK             access key for AK/SK signing (env MODELARTS_EMULATOR_ACCESS_KEY)
  --secret-key SK             its secret key (env MODELARTS_EMULATOR_SECRET_KEY, preferred)
  --security-token T          require this X-Security-Token with the key (env MODELARTS_EMULATOR_SECURITY_TOKEN)
  --username U                IAM user for POST /v3/auth/tokens (env MODELARTS_EMULATOR_USERNAME)
  --password P                its password (env MODELARTS_EMULATOR_PASSWORD, preferred)
  --domain-name D             its account (domain) name (env MODELARTS_EMULATOR_DOMAIN_NAME)
  --project-id ID             serve only this project id (repeatable; default any)
  --project NAME=ID           IAM project name to id mapping (repeatable), e.g. eu-de=0123...cdef
  --token-ttl MS              IAM token lifetime on the emulator clock (default 86400000)
  --max-clock-skew MS         accepted X-Sdk-Date distance from the wall clock (default 900000)

Timing (emulator clock)
  --job-duration MS           creation to COMPLETED, split across the stages (default 30000)
  --delete-delay MS           how long a deleted job stays listed (default 3000)
  --kill-time MS              how long KILLING (9) lasts (default 1000)
  --version-delete-delay MS   how long a deleted version stays visible (default 1000)
  --visibility-delay MS       a new job is not listed/readable for this long (default 0)
  --frozen-clock              start with the clock frozen (time moves only by the control API)

Faults
  --fault-rate R              share of requests (0..1) answered with an injected fault (default 0)
  --fault-kinds LIST          kinds drawn from: 429,500,503,drop,latency (default all)
  --fault-method M            only fault requests with this HTTP method
  --fault-path REGEX          only fault requests whose path (with query) matches
  --latency MS                latency added by a "latency" fault (default 1000)
  --retry-after S             Retry-After seconds of an injected 429 (default 1)
  --seed N                    seed of the fault RNG, for reproducible runs (default 1)
  --rate-limit N              the gateway's limit: N requests per second per account; above it,
                              429 with Retry-After (and every request inside that Retry-After too)
  --rate-limit-code C         APIGW.0308 (default) or ModelArts.2799

Behaviour switches (where the API documentation leaves a choice)
  --ids-as-strings            create answers job_id/status/create_time/version_id as strings
  --not-found-style S         400-2775 (default), 404-0015 or 200-false
  --errors-as-200             every error answers HTTP 200 with is_success:false
  --name-free-while-deleting  a job being deleted no longer holds its name
  --reject-delete-while-running  DELETE of an in-progress job answers 409 ModelArts.2796
  --repeat-delete S           a DELETE during a deletion answers success (default) or not-found
  --stop-outcome S            a stop ends in killed (12, default) or canceled (13)
  --no-extra-fields           leave out the undocumented null fields of version details
  --duplicate-name-code C     0103 (default, as the docs' sample) or 2751
  --lenient                   accept the docs' own samples (spec_id with pool_id, model_id with app_url, ...)
  --quotas N                  training-job quota per project (default 100)
  --v2 KEY=VALUE              a v2 switch (repeatable), e.g. --v2 v2DeleteRunning=terminate-first;
                              the keys and their values (the default first):
${v2SwitchLines()}

  -h, --help                  show this help
`;

const OPTIONS = {
  port: { type: "string" },
  "state-file": { type: "string" },
  "id-base": { type: "string" },
  "version-id-base": { type: "string" },
  "log-control-requests": { type: "boolean" },
  "access-key": { type: "string" },
  "secret-key": { type: "string" },
  "security-token": { type: "string" },
  username: { type: "string" },
  password: { type: "string" },
  "domain-name": { type: "string" },
  "project-id": { type: "string", multiple: true },
  project: { type: "string", multiple: true },
  "token-ttl": { type: "string" },
  "max-clock-skew": { type: "string" },
  "job-duration": { type: "string" },
  "delete-delay": { type: "string" },
  "kill-time": { type: "string" },
  "version-delete-delay": { type: "string" },
  "visibility-delay": { type: "string" },
  "frozen-clock": { type: "boolean" },
  "fault-rate": { type: "string" },
  "fault-kinds": { type: "string" },
  "fault-method": { type: "string" },
  "fault-path": { type: "string" },
  latency: { type: "string" },
  "retry-after": { type: "string" },
  seed: { type: "string" },
  "rate-limit": { type: "string" },
  "rate-limit-code": { type: "string" },
  "ids-as-strings": { type: "boolean" },
  "not-found-style": { type: "string" },
  "errors-as-200": { type: "boolean" },
  "name-free-while-deleting": { type: "boolean" },
  "reject-delete-while-running": { type: "boolean" },
  "repeat-delete": { type: "string" },
  "stop-outcome": { type: "string" },
  "no-extra-fields": { type: "boolean" },
  "duplicate-name-code": { type: "string" },
  lenient: { type: "boolean" },
  quotas: { type: "string" },
  v2: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

/** Every long option name the CLI understands (the tests check that --help documents each). */
export const CLI_FLAGS: readonly string[] = Object.keys(OPTIONS);

class UsageError extends Error {}

function number(value: string | undefined, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Maps command-line arguments (and the environment) to emulator options. */
export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): EmulatorOptions | "help" {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; args: string[]; strict: true; allowPositionals: false }>>["values"];
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return "help";
  const o: EmulatorOptions = {};
  const port = number(values.port, "port", 0, 65535);
  if (port !== undefined) o.port = port;
  if (values["state-file"]) o.stateFile = values["state-file"];
  for (const [flag, key] of [
    ["id-base", "idBase"],
    ["version-id-base", "versionIdBase"],
  ] as const) {
    const v = values[flag];
    if (v === undefined) continue;
    if (!/^\d{1,19}$/.test(v)) throw new UsageError(`--${flag} must be a non-negative integer, got "${v}"`);
    o[key] = BigInt(v);
  }
  if (values["log-control-requests"]) o.logControlRequests = true;

  const ak = values["access-key"] ?? env.MODELARTS_EMULATOR_ACCESS_KEY;
  const sk = values["secret-key"] ?? env.MODELARTS_EMULATOR_SECRET_KEY;
  const st = values["security-token"] ?? env.MODELARTS_EMULATOR_SECURITY_TOKEN;
  if ((ak === undefined) !== (sk === undefined)) throw new UsageError("--access-key and --secret-key go together");
  if (ak !== undefined && sk !== undefined) o.accessKeys = { [ak]: st ? { secretKey: sk, securityToken: st } : { secretKey: sk } };
  const user = values.username ?? env.MODELARTS_EMULATOR_USERNAME;
  const password = values.password ?? env.MODELARTS_EMULATOR_PASSWORD;
  const domain = values["domain-name"] ?? env.MODELARTS_EMULATOR_DOMAIN_NAME;
  if (user !== undefined || password !== undefined || domain !== undefined) {
    if (user === undefined || password === undefined || domain === undefined) {
      throw new UsageError("--username, --password and --domain-name go together");
    }
    o.users = [{ name: user, password, domainName: domain }];
  }
  if (values["project-id"]) o.projectId = [...values["project-id"]];
  if (values.project) {
    o.projects = {};
    for (const pair of values.project) {
      const at = pair.indexOf("=");
      if (at <= 0 || at === pair.length - 1) throw new UsageError(`--project must be NAME=ID, got "${pair}"`);
      o.projects[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }

  const ms: Array<[keyof typeof values, keyof EmulatorOptions]> = [
    ["token-ttl", "tokenTtlMs"],
    ["max-clock-skew", "maxClockSkewMs"],
    ["job-duration", "jobDurationMs"],
    ["delete-delay", "deleteDelayMs"],
    ["kill-time", "killMs"],
    ["version-delete-delay", "versionDeleteDelayMs"],
    ["visibility-delay", "listVisibilityDelayMs"],
    ["latency", "latencyMs"],
    ["retry-after", "retryAfterSeconds"],
    ["quotas", "quotas"],
  ];
  for (const [flag, key] of ms) {
    const n = number(values[flag] as string | undefined, flag);
    if (n !== undefined) (o as Record<string, unknown>)[key] = n;
  }
  if (values["frozen-clock"]) o.frozenClock = true;
  const seed = number(values.seed, "seed");
  if (seed !== undefined) o.seed = Math.floor(seed);

  const rate = number(values["fault-rate"], "fault-rate", 0, 1);
  const kindsText = values["fault-kinds"];
  let kinds: FaultKind[] | undefined;
  if (kindsText !== undefined) {
    kinds = kindsText.split(",").map((k) => k.trim()) as FaultKind[];
    for (const k of kinds)
      if (!FAULT_KINDS.includes(k)) throw new UsageError(`--fault-kinds: unknown kind "${k}" (known: ${FAULT_KINDS.join(",")})`);
  }
  if (rate !== undefined && rate > 0) {
    o.faults = { rate, ...(kinds ? { kinds } : {}) };
    if (values["fault-method"]) o.faults.method = values["fault-method"];
    if (values["fault-path"]) o.faults.pathRegex = values["fault-path"];
  }

  const limit = number(values["rate-limit"] as string | undefined, "rate-limit");
  if (limit !== undefined) {
    const code = values["rate-limit-code"] as string | undefined;
    if (code !== undefined && code !== "APIGW.0308" && code !== "ModelArts.2799") {
      throw new UsageError(`--rate-limit-code: must be APIGW.0308 or ModelArts.2799; got "${code}"`);
    }
    if (!(limit > 0)) throw new UsageError(`--rate-limit: must be a number of requests per second above 0; got ${limit}`);
    o.rateLimit = { requestsPerSecond: limit, ...(code !== undefined ? { code } : {}) };
  }

  if (values["ids-as-strings"]) o.idsAsStrings = true;
  if (values["errors-as-200"]) o.errorsAsHttp200 = true;
  if (values["name-free-while-deleting"]) o.deletingJobHoldsName = false;
  if (values["reject-delete-while-running"]) o.rejectDeleteWhileRunning = true;
  if (values["no-extra-fields"]) o.extraFields = false;
  if (values.lenient) o.lenient = true;
  const choice = <T extends string>(flag: keyof typeof values, allowed: readonly T[]): T | undefined => {
    const v = values[flag] as string | undefined;
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v))
      throw new UsageError(`--${String(flag)} must be one of ${allowed.join(", ")}, got "${v}"`);
    return v as T;
  };
  const nf = choice("not-found-style", ["400-2775", "404-0015", "200-false"] as const);
  if (nf) o.notFoundStyle = nf;
  const rd = choice("repeat-delete", ["success", "not-found"] as const);
  if (rd) o.repeatDeleteAnswer = rd;
  const so = choice("stop-outcome", ["killed", "canceled"] as const);
  if (so) o.stopOutcome = so;
  const dc = choice("duplicate-name-code", ["0103", "2751"] as const);
  if (dc) o.duplicateNameCode = dc;
  Object.assign(o, v2Switches(values.v2 ?? []));
  return o;
}

/** `--v2 KEY=VALUE` pairs as checked v2 behaviour (numbers and booleans read as such). */
function v2Switches(pairs: readonly string[]): Partial<EmulatorBehaviour> {
  const raw: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq) : "";
    if (!key.startsWith("v2")) throw new UsageError(`--v2 takes KEY=VALUE with a v2 switch as KEY, got "${pair}"`);
    const text = pair.slice(eq + 1);
    raw[key] = text === "true" ? true : text === "false" ? false : /^\d+$/.test(text) ? Number(text) : text;
  }
  return checkBehaviour(raw);
}

async function main(): Promise<void> {
  let options: EmulatorOptions | "help";
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError || e instanceof RangeError) {
      process.stderr.write(`modelarts-emulator: ${e.message}\nTry --help.\n`);
      process.exit(2);
    }
    throw e;
  }
  if (options === "help") {
    process.stdout.write(HELP);
    return;
  }
  const missing = missingEmulatorDependency();
  if (missing !== undefined) {
    process.stderr.write(`modelarts-emulator: ${missing}\n`);
    process.exit(1);
  }
  const { startEmulator } = await import("./index");
  const emulator = await startEmulator(options);
  process.stdout.write(`ModelArts emulator listening on ${emulator.url}\n`);
  if (emulator.openAuth) {
    process.stdout.write("No access keys or users configured: accepting any well-formed signature or token\n");
  } else {
    const keys = Object.keys(options.accessKeys ?? {}).length;
    const users = (options.users ?? []).length;
    process.stdout.write(`Authentication: ${keys} access key(s), ${users} IAM user(s)\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`modelarts-emulator: error while stopping on ${signal}: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`modelarts-emulator: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
