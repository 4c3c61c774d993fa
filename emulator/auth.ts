/**
 * Authentication as the service does it (docs/api-v1.md §6): AK/SK signatures (`SDK-HMAC-SHA256`, verified with
 * the project's `verifySignature` over the raw URL and body bytes) and IAM tokens issued by the
 * emulated `POST /v3/auth/tokens`. With no access keys and no users configured the emulator is
 * "open": any well-formed signature and any non-empty token are accepted.
 */
import { createHash, randomBytes } from "node:crypto";
import { parseAuthorization, parseSdkDate, verifySignature } from "../provider/shared/api/signer";
import { ApiFault, Faults } from "./errors";

export interface AccessKeyEntry {
  secretKey: string;
  /** When set, requests with this key must carry (and sign) this `X-Security-Token`. */
  securityToken?: string;
}

export interface IamUser {
  name: string;
  password: string;
  /** Account (tenant) name: `auth.identity.password.user.domain.name`. */
  domainName: string;
}

export type AuthKind = "aksk" | "token" | "none";

export interface TokenRecord {
  userName: string;
  domainName: string;
  /** Undefined for a token without project scope (ModelArts rejects it with ModelArts.0212). */
  projectId?: string;
  projectName?: string;
  issuedAt: number;
  expiresAt: number;
}

/** Tokens issued by the emulated IAM. Revoked tokens are remembered so they answer 401. */
export class TokenRegistry {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly revoked = new Set<string>();

  issue(record: TokenRecord): string {
    const token = "MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQEx" + randomBytes(48).toString("base64url");
    this.tokens.set(token, record);
    return token;
  }

  get(token: string): TokenRecord | undefined {
    return this.tokens.get(token);
  }

  isRevoked(token: string): boolean {
    return this.revoked.has(token);
  }

  /** Revokes every token issued so far; returns how many. */
  revokeAll(): number {
    const n = this.tokens.size;
    for (const t of this.tokens.keys()) this.revoked.add(t);
    this.tokens.clear();
    return n;
  }
}

export interface AuthSettings {
  accessKeys: ReadonlyMap<string, AccessKeyEntry>;
  users: readonly IamUser[];
  /** When set, only these project ids are served. */
  projectIds?: readonly string[];
  /** IAM project name → id; names not listed map to `projectIdForName`. */
  projectNames: Readonly<Record<string, string>>;
}

export function isOpen(settings: AuthSettings): boolean {
  return settings.accessKeys.size === 0 && settings.users.length === 0;
}

/** The project id IAM gives a project name: the configured one, the only allowed one, or a stable hash. */
export function projectIdForName(settings: AuthSettings, name: string): string {
  const mapped = settings.projectNames[name];
  if (mapped !== undefined) return mapped;
  if (settings.projectIds && settings.projectIds.length === 1) return settings.projectIds[0] as string;
  return createHash("md5").update(`project:${name}`).digest("hex");
}

export interface AuthRequest {
  method: string;
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
  projectId: string;
}

export interface AuthContext {
  settings: AuthSettings;
  tokens: TokenRegistry;
  /** Emulator time (token expiry). */
  now: number;
  /** Wall-clock time (X-Sdk-Date skew: clients sign with their real clock). */
  wallNow: number;
  maxSkewMs: number;
}

const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function header(req: AuthRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Checks the project id of the URL (format and restriction). Throws `ApiFault`. */
export function checkProject(settings: AuthSettings, projectId: string): void {
  if (!PROJECT_ID.test(projectId)) throw Faults.invalidProject(projectId, "must be letters and digits (32 hex characters)");
  if (settings.projectIds && !settings.projectIds.includes(projectId))
    throw Faults.invalidProject(projectId, "this project does not exist");
}

/** Authenticates a ModelArts request; returns how, or throws the 401/403 `ApiFault`. */
export function authenticate(req: AuthRequest, ctx: AuthContext): AuthKind {
  const token = header(req, "x-auth-token");
  if (token !== undefined) {
    authenticateToken(token, req, ctx);
    return "token";
  }
  if (header(req, "authorization") !== undefined) {
    authenticateSignature(req, ctx);
    const projectHeader = header(req, "x-project-id");
    if (projectHeader !== undefined && projectHeader !== req.projectId) {
      throw Faults.tokenProjectMismatch(req.projectId);
    }
    return "aksk";
  }
  throw Faults.noCredentials();
}

function authenticateToken(token: string, req: AuthRequest, ctx: AuthContext): void {
  if (token.trim() === "") throw Faults.tokenInvalid();
  if (ctx.tokens.isRevoked(token)) throw Faults.tokenInvalid();
  const record = ctx.tokens.get(token);
  if (!record) {
    if (isOpen(ctx.settings)) return;
    throw Faults.tokenInvalid();
  }
  if (ctx.now >= record.expiresAt) throw Faults.tokenExpired();
  if (record.projectId === undefined) throw new ApiFault(401, "ModelArts.0212", "The token is not project-scoped");
  if (record.projectId !== req.projectId) throw Faults.tokenProjectMismatch(req.projectId);
}

function authenticateSignature(req: AuthRequest, ctx: AuthContext): void {
  const input = { method: req.method, rawUrl: req.rawUrl, headers: req.headers, body: req.body ?? Buffer.alloc(0) };
  if (isOpen(ctx.settings)) {
    checkWellFormed(req, ctx);
    return;
  }
  const result = verifySignature(input, (ak) => ctx.settings.accessKeys.get(ak)?.secretKey, {
    now: new Date(ctx.wallNow),
    maxSkewMs: ctx.maxSkewMs,
  });
  if (!result.ok) {
    switch (result.reason) {
      case "missing":
      case "malformed":
        throw Faults.authorizationMalformed(result.message);
      case "unknown-key":
        throw Faults.unknownAccessKey();
      default:
        throw Faults.signatureCheckFailed(result.message);
    }
  }
  const entry = ctx.settings.accessKeys.get(result.accessKey);
  if (entry?.securityToken !== undefined) {
    const parsed = parseAuthorization(header(req, "authorization") as string);
    if (result.securityToken !== entry.securityToken || !parsed?.signedHeaders.includes("x-security-token")) {
      throw Faults.signatureCheckFailed("X-Security-Token missing, unsigned or wrong for this access key");
    }
  }
}

/** Open mode: no secret to verify with, so check the form, the signed headers and the date. */
function checkWellFormed(req: AuthRequest, ctx: AuthContext): void {
  const parsed = parseAuthorization(header(req, "authorization") as string);
  if (!parsed) throw Faults.authorizationMalformed("expected SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...");
  const dateText = header(req, "x-sdk-date");
  if (!dateText || !parsed.signedHeaders.includes("x-sdk-date"))
    throw Faults.authorizationMalformed("X-Sdk-Date header missing or not signed");
  const date = parseSdkDate(dateText);
  if (!date) throw Faults.authorizationMalformed("X-Sdk-Date is not in the form YYYYMMDDTHHMMSSZ");
  for (const name of parsed.signedHeaders) {
    if (header(req, name) === undefined) throw Faults.authorizationMalformed(`signed header ${name} is not in the request`);
  }
  if (Math.abs(ctx.wallNow - date.getTime()) > ctx.maxSkewMs) {
    throw Faults.signatureCheckFailed("X-Sdk-Date is too far from the server time");
  }
}
