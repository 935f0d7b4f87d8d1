import crypto from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { authTokens, type authTokenKinds } from "../../../db/schema/index.ts";

export type TokenKind = (typeof authTokenKinds)[number];

export const tokenLifetimes: Record<TokenKind, number> = {
  email_verification: 48 * 3600_000,
  password_reset: 3600_000,
  partner_invitation: 7 * 24 * 3600_000,
  staff_invitation: 7 * 24 * 3600_000,
};

function digest(token: string) {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** A single-use token for an e-mailed link; only its hash is stored. */
export async function issueToken(db: Database, userId: string, kind: TokenKind) {
  const token = crypto.randomBytes(32).toString("base64url");
  await db.insert(authTokens).values({
    userId,
    kind,
    tokenHash: digest(token),
    expiresAt: new Date(Date.now() + tokenLifetimes[kind]),
  });
  return token;
}

/** The user a valid, unused token belongs to, without using it up. */
export async function peekToken(db: Database, kind: TokenKind, token: string) {
  const [row] = await db
    .select({ id: authTokens.id, userId: authTokens.userId })
    .from(authTokens)
    .where(
      and(
        eq(authTokens.tokenHash, digest(token)),
        eq(authTokens.kind, kind),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, new Date()),
      ),
    );
  return row ?? null;
}

/** Uses a token up; returns its user, or null when it is unknown, used or expired. */
export async function consumeToken(db: Database, kind: TokenKind, token: string) {
  const [row] = await db
    .update(authTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(authTokens.tokenHash, digest(token)),
        eq(authTokens.kind, kind),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, new Date()),
      ),
    )
    .returning({ userId: authTokens.userId });
  return row?.userId ?? null;
}

/** Makes a user's unused tokens of a kind unusable (an invitation of someone deactivated since). */
export async function revokeTokens(db: Database, userId: string, kind: TokenKind) {
  await db.update(authTokens).set({ usedAt: new Date() }).where(and(eq(authTokens.userId, userId), eq(authTokens.kind, kind), isNull(authTokens.usedAt)));
}
