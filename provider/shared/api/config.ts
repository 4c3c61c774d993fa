/**
 * Client configuration: settings named as the provider's stack-config keys (`modelarts:<key>`),
 * falling back to the environment variables Huawei Cloud and Open Telekom Cloud tools already use.
 *
 * Precedence, per setting: stack config > `HW_*` > `OS_*` (> `MODELARTS_*` where only that exists).
 * Credentials are taken as a set from ONE source: the first of (stack config, `HW_*`, `OS_*`) that
 * holds any credential decides the method, and all of that method's credentials must come from it
 * (an access key from the stack and a secret key from the environment would be two different
 * identities). Exactly one method must result: AK/SK, IAM password, or a token.
 */
import { inspect } from "node:util";
import { ConfigurationError, registerSecret } from "./errors";
import { parseCloud, resolveEndpoints, type Cloud } from "./endpoints";
import { MAX_RETRY_ELAPSED_MS, resolveRetryPolicy, type RetryOptions } from "./retry";
import { MAX_TIMER_MS, MAX_TIMER_TEXT } from "./timer-limit";
import type { PaceOptions } from "./pace";

/** Settings, named exactly as the stack-config keys without the `modelarts:` prefix. */
export interface ModelArtsSettings {
  /** `huaweicloud` or `otc`; derived from the region when unset (`eu-de`, `eu-nl` → `otc`). */
  cloud: string;
  /** Region, e.g. `eu-de` or `cn-north-4`. */
  region: string;
  /** Project id (32 hex characters). Required. */
  projectId: string;
  /** ModelArts endpoint URL; wins over the region (e.g. the emulator's `http://127.0.0.1:PORT`). */
  endpoint: string;
  /** AK/SK: access key id. */
  accessKey: string;
  /** AK/SK: secret access key. Secret. */
  secretKey: string;
  /** AK/SK: security token of temporary credentials. Secret. */
  securityToken: string;
  /** IAM endpoint for password authentication; wins over the region. */
  iamEndpoint: string;
  /** IAM password authentication: user name. */
  username: string;
  /** IAM password authentication: password. Secret. */
  password: string;
  /** IAM password authentication: account (domain) name. */
  domainName: string;
  /** IAM password authentication: project name for the token scope (default: the region). */
  projectName: string;
  /** An IAM token obtained elsewhere (`X-Auth-Token`). Secret. Cannot be renewed. */
  token: string;
  /** Per-attempt request timeout, a duration such as `30s` or `2m`. @default "30s" */
  requestTimeout: string | number;
  /** Attempts per call including the first. @default 5 */
  maxAttempts: string | number;
  /** Total time a call may spend retrying, a duration such as `2m`. @default "2m" */
  maxRetryDuration: string | number;
  /** Ceiling of the calls per second of one account, all calls together (list/search calls: 1 a second at most). @default 10 */
  maxRequestsPerSecond: string | number;
}

export type SettingKey = keyof ModelArtsSettings;

/** Environment variables per setting, in precedence order (HW_* before OS_*). */
export const ENVIRONMENT_VARIABLES: Readonly<Record<SettingKey, readonly string[]>> = {
  cloud: ["MODELARTS_CLOUD"],
  region: ["HW_REGION_NAME", "OS_REGION_NAME"],
  projectId: ["HW_PROJECT_ID", "OS_PROJECT_ID"],
  endpoint: ["MODELARTS_ENDPOINT"],
  accessKey: ["HW_ACCESS_KEY", "OS_ACCESS_KEY"],
  secretKey: ["HW_SECRET_KEY", "OS_SECRET_KEY"],
  securityToken: ["HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN"],
  iamEndpoint: ["HW_AUTH_URL", "OS_AUTH_URL"],
  username: ["HW_USER_NAME", "OS_USERNAME"],
  password: ["HW_USER_PASSWORD", "OS_PASSWORD"],
  domainName: ["HW_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_USER_DOMAIN_NAME"],
  projectName: ["HW_PROJECT_NAME", "OS_PROJECT_NAME"],
  token: ["OS_AUTH_TOKEN"],
  requestTimeout: ["MODELARTS_REQUEST_TIMEOUT"],
  maxAttempts: ["MODELARTS_MAX_ATTEMPTS"],
  maxRetryDuration: ["MODELARTS_MAX_RETRY_DURATION"],
  maxRequestsPerSecond: ["MODELARTS_MAX_REQUESTS_PER_SECOND"],
};

/** Settings whose values are secrets: registered for redaction, never echoed. */
export const SECRET_SETTINGS: readonly SettingKey[] = ["secretKey", "securityToken", "password", "token"];

/** Defaults of the tuning settings. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRY_DURATION_MS = 120_000;

/** `modelarts:secretKey (or HW_SECRET_KEY / OS_SECRET_KEY)` */
export function describeSetting(key: SettingKey): string {
  const vars = ENVIRONMENT_VARIABLES[key];
  return vars.length === 0 ? `modelarts:${key}` : `modelarts:${key} (or ${vars.join(" / ")})`;
}

export type AuthConfig =
  | { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: "password"; username: string; password: string; domainName: string; projectName: string }
  | { kind: "token"; token: string };

/** Where a value came from: `stack` (settings) or the environment variable's name. */
export type SettingSource = "stack" | string;

export interface ResolvedClientConfig {
  cloud: Cloud | undefined;
  region: string | undefined;
  projectId: string;
  /** ModelArts base URL without trailing slash. */
  endpoint: string;
  /** IAM base URL; set whenever password authentication is used. */
  iamEndpoint: string | undefined;
  auth: AuthConfig;
  /** Per-attempt timeout, ms. */
  requestTimeoutMs: number;
  retry: RetryOptions;
  /** The account's pace (`pace.ts`): what the configuration sets of it. */
  pace: PaceOptions;
  /** Where each setting that is set came from (no values). */
  sources: Partial<Record<SettingKey, SettingSource>>;
}

type Source = { name: "stack" | "HW" | "OS"; get(key: SettingKey): { value: string; from: SettingSource } | undefined };

function clean(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === "" ? undefined : text;
}

function sourcesOf(settings: Partial<ModelArtsSettings>, env: NodeJS.ProcessEnv): Source[] {
  const fromEnv = (prefix: string) => (key: SettingKey) => {
    for (const name of ENVIRONMENT_VARIABLES[key]) {
      if (!name.startsWith(prefix)) continue;
      const value = clean(env[name]);
      if (value !== undefined) return { value, from: name };
    }
    return undefined;
  };
  return [
    {
      name: "stack",
      get: (key) => {
        const value = clean(settings[key]);
        return value === undefined ? undefined : { value, from: "stack" };
      },
    },
    // MODELARTS_* variables have no HW/OS twin; they rank with the HW_* group.
    { name: "HW", get: (key) => fromEnv("HW_")(key) ?? fromEnv("MODELARTS_")(key) },
    { name: "OS", get: fromEnv("OS_") },
  ];
}

/** Parses a duration: `500ms`, `30s`, `2m`, `1h`, combinations such as `1m30s`; a number is milliseconds. */
export function parseDuration(value: string | number, key: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return boundedByTimer(Math.round(value), key, `${value} ms`);
    throw new ConfigurationError(`${key} must be a non-negative duration; got ${value}`);
  }
  const text = value.trim();
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) {
    throw new ConfigurationError(`${key} is "${text}", which is not a duration; write it with a unit, e.g. "30s", "2m" or "1m30s"`);
  }
  return boundedByTimer(Math.round(total), key, `"${text}"`);
}

/** Every duration of the configuration ends up in a timer: one that no timer can hold is refused here. */
function boundedByTimer(ms: number, key: string, shown: string): number {
  if (ms > MAX_TIMER_MS) throw new ConfigurationError(`${key} must be at most ${MAX_TIMER_TEXT}; got ${shown}`);
  return ms;
}

function parsePositiveInt(value: string, key: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigurationError(`${key} must be a whole number of at least 1; got "${value}"`);
  return n;
}

const METHOD_KEYS = {
  aksk: ["accessKey", "secretKey"],
  password: ["username", "password"],
  token: ["token"],
} as const satisfies Record<AuthConfig["kind"], readonly SettingKey[]>;

const METHOD_NAMES: Record<AuthConfig["kind"], string> = {
  aksk: "AK/SK (modelarts:accessKey + modelarts:secretKey)",
  password: "IAM password (modelarts:username + modelarts:password + modelarts:domainName)",
  token: "token (modelarts:token)",
};

function sourceLabel(name: Source["name"]): string {
  return name === "stack" ? "stack config (modelarts:*)" : `environment (${name}_*)`;
}

const NO_CREDENTIALS_HELP =
  "no credentials are configured; set one of: AK/SK with modelarts:accessKey and modelarts:secretKey " +
  "(or HW_ACCESS_KEY and HW_SECRET_KEY, or OS_ACCESS_KEY and OS_SECRET_KEY); an IAM password with " +
  "modelarts:username, modelarts:password and modelarts:domainName (or HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME, " +
  "or OS_USERNAME, OS_PASSWORD, OS_DOMAIN_NAME); or a token with modelarts:token (or OS_AUTH_TOKEN)";

/**
 * Resolves settings and environment into a validated client configuration. Throws
 * `ConfigurationError` naming the stack-config key and the environment variables to set. Every secret
 * value is registered for redaction before anything can fail.
 */
export function resolveClientConfig(settings: Partial<ModelArtsSettings>, env: NodeJS.ProcessEnv = process.env): ResolvedClientConfig {
  const sources = sourcesOf(settings, env);
  for (const source of sources) {
    for (const key of SECRET_SETTINGS) registerSecret(source.get(key)?.value);
  }
  const origin: Partial<Record<SettingKey, SettingSource>> = {};
  const pick = (key: SettingKey): string | undefined => {
    for (const source of sources) {
      const found = source.get(key);
      if (found !== undefined) {
        origin[key] = found.from;
        return found.value;
      }
    }
    return undefined;
  };

  // Authentication: the first source that holds any credential decides.
  const credentialKeys: SettingKey[] = ["accessKey", "secretKey", "securityToken", "username", "password", "token"];
  const deciding = sources.find((s) => credentialKeys.some((k) => s.get(k) !== undefined));
  if (deciding === undefined) throw new ConfigurationError(NO_CREDENTIALS_HELP);
  const from = (key: SettingKey) => {
    const found = deciding.get(key);
    if (found !== undefined) origin[key] = found.from;
    return found?.value;
  };
  const started = (Object.keys(METHOD_KEYS) as AuthConfig["kind"][]).filter((kind) =>
    METHOD_KEYS[kind].some((k) => deciding.get(k) !== undefined),
  );
  if (started.length === 0) {
    // Only a security token: it belongs to AK/SK.
    started.push("aksk");
  }
  if (started.length > 1) {
    throw new ConfigurationError(
      `${sourceLabel(deciding.name)} sets more than one authentication method: ${started.map((k) => METHOD_NAMES[k]).join(" and ")}; keep exactly one`,
    );
  }
  const kind = started[0]!;
  const missing = (key: SettingKey, because: string) =>
    new ConfigurationError(`${because}, but ${describeSetting(key)} is not set in ${sourceLabel(deciding.name)}; set it there`);
  let auth: AuthConfig;
  if (kind === "aksk") {
    const accessKey = from("accessKey");
    const secretKey = from("secretKey");
    const securityToken = from("securityToken");
    if (accessKey === undefined) throw missing("accessKey", secretKey !== undefined ? "a secret key is set" : "a security token is set");
    if (secretKey === undefined) throw missing("secretKey", "an access key is set");
    auth = securityToken === undefined ? { kind, accessKey, secretKey } : { kind, accessKey, secretKey, securityToken };
  } else if (kind === "password") {
    const username = from("username");
    const password = from("password");
    if (username === undefined) throw missing("username", "a password is set");
    if (password === undefined) throw missing("password", `a user name is set ("${username}")`);
    const domainName = pick("domainName");
    if (domainName === undefined) {
      throw new ConfigurationError(`IAM password authentication needs the account name: set ${describeSetting("domainName")}`);
    }
    const region = pick("region");
    const projectName = pick("projectName") ?? region;
    if (projectName === undefined) {
      throw new ConfigurationError(
        `IAM password authentication needs a project to scope the token: set ${describeSetting("projectName")} or ${describeSetting("region")}`,
      );
    }
    auth = { kind, username, password, domainName, projectName };
  } else {
    const token = from("token")!;
    auth = { kind, token };
  }

  const projectId = pick("projectId");
  if (projectId === undefined) {
    throw new ConfigurationError(`the project id is not set: set ${describeSetting("projectId")} (console: My Credentials → Projects)`);
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(projectId)) {
    throw new ConfigurationError(`${describeSetting("projectId")} is "${projectId}", which is not a project id (32 hex characters)`);
  }
  const cloudText = pick("cloud");
  const cloud = cloudText === undefined ? undefined : parseCloud(cloudText, describeSetting("cloud"));
  const region = pick("region");
  const endpointText = pick("endpoint");
  const iamText = pick("iamEndpoint");
  const endpoints = resolveEndpoints({
    ...(cloud !== undefined ? { cloud } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(endpointText !== undefined ? { endpoint: endpointText } : {}),
    ...(iamText !== undefined ? { iamEndpoint: iamText } : {}),
    names: { endpoint: describeSetting("endpoint"), iamEndpoint: describeSetting("iamEndpoint"), region: describeSetting("region") },
  });
  if (auth.kind === "password" && endpoints.iamEndpoint === undefined) {
    throw new ConfigurationError(
      `IAM password authentication needs the IAM endpoint: set ${describeSetting("iamEndpoint")} or ${describeSetting("region")}`,
    );
  }

  const timeoutText = pick("requestTimeout");
  const requestTimeoutMs =
    timeoutText === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : parseDuration(timeoutText, describeSetting("requestTimeout"));
  if (requestTimeoutMs < 1) throw new ConfigurationError(`${describeSetting("requestTimeout")} must be at least 1ms`);
  const retry: RetryOptions = {};
  const attemptsText = pick("maxAttempts");
  if (attemptsText !== undefined) retry.maxAttempts = parsePositiveInt(attemptsText, describeSetting("maxAttempts"));
  const durationText = pick("maxRetryDuration");
  const maxElapsedMs =
    durationText === undefined ? DEFAULT_MAX_RETRY_DURATION_MS : parseDuration(durationText, describeSetting("maxRetryDuration"));
  retry.maxElapsedMs = maxElapsedMs;
  if (maxElapsedMs > MAX_RETRY_ELAPSED_MS) {
    throw new ConfigurationError(`${describeSetting("maxRetryDuration")} must be at most 24h; got "${String(durationText)}"`);
  }
  resolveRetryPolicy(retry); // validates now, with the numbers in the message
  const pace: PaceOptions = {};
  const rateText = pick("maxRequestsPerSecond");
  if (rateText !== undefined) {
    const rate = Number(rateText);
    if (!(Number.isFinite(rate) && rate > 0 && rate <= 1000)) {
      throw new ConfigurationError(
        `${describeSetting("maxRequestsPerSecond")} must be a number of calls per second above 0 and at most 1000; got "${rateText}"`,
      );
    }
    pace.maxRequestsPerSecond = rate;
  }

  const resolved: ResolvedClientConfig = {
    cloud: endpoints.cloud,
    region,
    projectId,
    endpoint: endpoints.endpoint,
    iamEndpoint: endpoints.iamEndpoint,
    auth,
    requestTimeoutMs,
    retry,
    pace,
    sources: origin,
  };
  return withSafePrinting(resolved);
}

/** A one-line description of a resolved configuration, without secrets. */
export function describeConfig(config: ResolvedClientConfig): string {
  const auth =
    config.auth.kind === "aksk"
      ? `AK/SK (access key ${config.auth.accessKey}${config.auth.securityToken ? ", temporary" : ""})`
      : config.auth.kind === "password"
        ? `IAM password (user ${config.auth.username}, domain ${config.auth.domainName}, project ${config.auth.projectName})`
        : "IAM token";
  return `ModelArts ${config.endpoint}, project ${config.projectId}, ${auth}`;
}

/** Makes `util.inspect`, `JSON.stringify` and `String()` of the config show no secret. */
function withSafePrinting(config: ResolvedClientConfig): ResolvedClientConfig {
  const safe = () => {
    const auth: Record<string, unknown> = { ...config.auth };
    for (const key of ["secretKey", "securityToken", "password", "token"]) if (key in auth) auth[key] = "***";
    return { ...config, auth };
  };
  Object.defineProperties(config, {
    toJSON: { value: safe, enumerable: false },
    toString: { value: () => describeConfig(config), enumerable: false },
    [inspect.custom]: { value: () => `ResolvedClientConfig ${inspect(safe())}`, enumerable: false },
  });
  return config;
}

/** The stack-config key that holds the named credentials profiles. */
export const PROFILES_KEY = "modelarts:profiles";

/** A profile name: what a resource's `profile` input names. */
export const PROFILE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Settings a profile takes from the top-level `modelarts:*` settings when it does not set them: how
 * calls are made, never who makes them or where (so two identities never mix).
 */
export const INHERITED_BY_PROFILES: readonly SettingKey[] = ["requestTimeout", "maxAttempts", "maxRetryDuration", "maxRequestsPerSecond"];

/** Named credentials profiles: each a set of settings, keyed as the top-level ones. */
export type Profiles = ReadonlyMap<string, Partial<ModelArtsSettings>>;

const SETTING_KEYS = Object.keys(ENVIRONMENT_VARIABLES) as SettingKey[];

/**
 * Parses `modelarts:profiles`, which the provider receives as the JSON text of a structured config
 * value (`pulumi config set --path 'modelarts:profiles.eu.accessKey' …`). Every secret is registered
 * for redaction before anything can fail, and no message quotes a value.
 */
export function parseProfiles(text: string | undefined): Profiles {
  const profiles = new Map<string, Partial<ModelArtsSettings>>();
  if (text === undefined || text.trim() === "") return profiles;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigurationError(
      `${PROFILES_KEY} is not structured config; set it by path, e.g. \`pulumi config set --path '${PROFILES_KEY}.eu.accessKey' …\``,
    );
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigurationError(`${PROFILES_KEY} must be an object of named profiles, e.g. ${PROFILES_KEY}.eu.accessKey`);
  }
  for (const profile of Object.values(parsed)) {
    if (!isPlainObject(profile)) continue;
    for (const key of SECRET_SETTINGS) if (typeof profile[key] === "string") registerSecret(profile[key]);
  }
  for (const [name, profile] of Object.entries(parsed)) {
    const where = `${PROFILES_KEY}.${name}`;
    if (!PROFILE_NAME_PATTERN.test(name)) {
      throw new ConfigurationError(`${PROFILES_KEY}: the profile name "${name}" is not 1–64 of A–Z a–z 0–9 _ -`);
    }
    if (!isPlainObject(profile)) throw new ConfigurationError(`${where} must be an object of settings, e.g. ${where}.accessKey`);
    const settings: Partial<Record<SettingKey, string>> = {};
    for (const [key, value] of Object.entries(profile)) {
      if (!(SETTING_KEYS as string[]).includes(key)) {
        throw new ConfigurationError(`${where}.${key} is not a setting; a profile may set ${SETTING_KEYS.join(", ")}`);
      }
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new ConfigurationError(`${where}.${key} must be a single value (a string), not a list or an object`);
      }
      settings[key as SettingKey] = String(value);
    }
    profiles.set(name, settings);
  }
  return profiles;
}

/**
 * The settings a resource that names `profile` resolves against: the profile's own, plus the
 * top-level tuning settings it does not set. Resolve them with an empty environment: a profile is
 * complete in itself, and a gap must fail rather than fall back to the environment's identity.
 */
export function profileSettings(topLevel: Partial<ModelArtsSettings>, profile: Partial<ModelArtsSettings>): Partial<ModelArtsSettings> {
  const settings: Partial<Record<SettingKey, unknown>> = {};
  for (const key of INHERITED_BY_PROFILES) if (topLevel[key] !== undefined) settings[key] = topLevel[key];
  return { ...(settings as Partial<ModelArtsSettings>), ...profile };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Convenience: `createClient` (v1) and `createV2Client` (v2), each `(settings, env, options?)`, live
// with their clients; re-exported here so that configuration and client construction are one import away.
export { createClient } from "../../v1/api/client";
export { createV2Client } from "../../v2/api/client";
