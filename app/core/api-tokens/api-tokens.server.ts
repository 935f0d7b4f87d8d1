// API tokens for machine clients (the FHIR R4 API). The secret is 256 random bits shown once;
// only its SHA-256 is stored, so a database leak does not leak usable tokens. A fast hash is
// enough because the secret is random, not a password, and it lets a lookup use the unique index.
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { apiTokens, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { scopeAllows, scopePattern } from "./scopes.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

const secretPrefix = "nusa_";
/** How many characters of the secret the lists show. */
const displayLength = 13;

export function hashSecret(secret: string) {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

function newSecret() {
  return `${secretPrefix}${randomBytes(32).toString("base64url")}`;
}

export interface CreateTokenInput {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
  /** A fixed secret (demo data only); otherwise a random one. */
  secret?: string;
}

export type ApiTokenError = "invalidScope" | "notFound";

/** Creates a token and returns its secret — the only time anyone sees it. */
export async function createApiToken(db: Database, actor: StaffActor | Extract<Actor, { kind: "system" }>, input: CreateTokenInput) {
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0 || scopes.some((s) => !scopePattern.test(s))) return { ok: false as const, error: "invalidScope" as const };
  const secret = input.secret ?? newSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        name: input.name,
        secretHash: hashSecret(secret),
        prefix: secret.slice(0, displayLength),
        scopes,
        expiresAt: input.expiresAt ?? null,
        createdBy: actor.kind === "staff" ? actor.userId : null,
      })
      .returning({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix });
    await audit(tx, actor, { action: "api_token.created", entityType: "api_token", entityId: row.id, data: { name: input.name, scopes } });
    return { ok: true as const, token: row, secret };
  });
}

/** Every token, newest first, with who made it (never the secret). */
export async function listApiTokens(db: Database) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      createdAt: apiTokens.createdAt,
      createdByName: users.name,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/** Revokes a token at once; revoking twice is harmless. */
export async function revokeApiToken(db: Database, actor: StaffActor, tokenId: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())`, revokedBy: sql`coalesce(${apiTokens.revokedBy}, ${actor.userId}::uuid)` })
      .where(eq(apiTokens.id, tokenId))
      .returning({ id: apiTokens.id });
    if (!row) return { ok: false as const, error: "notFound" as const };
    await audit(tx, actor, { action: "api_token.revoked", entityType: "api_token", entityId: tokenId });
    return { ok: true as const };
  });
}

export interface AuthenticatedToken {
  id: string;
  name: string;
  scopes: string[];
}

export type TokenCheck =
  | { ok: true; token: AuthenticatedToken }
  | { ok: false; status: 401; error: "missing" | "invalid" }
  | { ok: false; status: 403; error: "insufficientScope"; token: AuthenticatedToken };

/** The bearer secret of a request (`Authorization: Bearer …`), or null. */
export function bearerSecret(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** Checks the request's bearer token: known, not revoked, not expired, holding `scope`. */
export async function checkApiToken(request: Request, db: Database, scope: string | null): Promise<TokenCheck> {
  const secret = bearerSecret(request);
  if (!secret) return { ok: false, status: 401, error: "missing" };
  const [row] = await db
    .select({ id: apiTokens.id, name: apiTokens.name, scopes: apiTokens.scopes, revokedAt: apiTokens.revokedAt, expiresAt: apiTokens.expiresAt })
    .from(apiTokens)
    .where(eq(apiTokens.secretHash, hashSecret(secret)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return { ok: false, status: 401, error: "invalid" };
  const token = { id: row.id, name: row.name, scopes: row.scopes };
  if (scope && !scopeAllows(row.scopes, scope)) return { ok: false, status: 403, error: "insufficientScope", token };
  // at most one write a minute per token, so a busy client does not turn every read into a write
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
  return { ok: true, token };
}

/** The RFC 6750 challenge for a refused request. */
export function bearerChallenge(check: Exclude<TokenCheck, { ok: true }>, scope: string | null) {
  if (check.error === "missing") return 'Bearer realm="nusa-crm"';
  if (check.error === "invalid") return 'Bearer realm="nusa-crm", error="invalid_token"';
  return `Bearer realm="nusa-crm", error="insufficient_scope"${scope ? `, scope="${scope}"` : ""}`;
}

const plainMessages = {
  missing: "An API token is required (Authorization: Bearer <token>).",
  invalid: "The API token is unknown, revoked or expired.",
  insufficientScope: "The API token lacks the scope this request needs.",
} as const;

/**
 * The token of the request, holding `scope`; otherwise throws a 401/403 Response. `respond`
 * shapes the error body (the FHIR API answers with an OperationOutcome); plain JSON by default.
 */
export async function requireApiToken(
  request: Request,
  db: Database,
  scope: string,
  respond?: (status: 401 | 403, error: "missing" | "invalid" | "insufficientScope", message: string) => Response,
): Promise<AuthenticatedToken> {
  const check = await checkApiToken(request, db, scope);
  if (check.ok) return check.token;
  const response = respond
    ? respond(check.status, check.error, plainMessages[check.error])
    : Response.json({ error: check.error, message: plainMessages[check.error] }, { status: check.status });
  response.headers.set("WWW-Authenticate", bearerChallenge(check, scope));
  throw response;
}
