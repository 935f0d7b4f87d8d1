// Housekeeping for the sign-in tables: ended sessions, attempt counts past every limit's window,
// and e-mailed links long expired. Each row is worthless once past its end, and an ended session's
// row still says who was signed in from where: kept no longer than needed (UU PDP Art 16).
import { lt, or } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { authTokens, loginAttempts, sessions } from "../../../db/schema/index.ts";
import { accountEmailLimits } from "./account-emails.server.ts";
import { signInLimits } from "./rate-limit.server.ts";

export const sessionHousekeepingQueue = "core.auth.housekeeping";
/** Every hour at :43 (UTC cron): a session's end is enforced on each request; this only clears rows. */
export const sessionHousekeepingCron = "43 * * * *";

/** Attempt rows are kept a day, far past the longest counting window (15 minutes today). */
export const attemptRetentionMs = Math.max(24 * 3_600_000, signInLimits.windowMs, accountEmailLimits.windowMs);
/** A used or expired link is kept a week, so "this link has expired" can still be told apart from "unknown". */
export const authTokenRetentionMs = 7 * 24 * 3_600_000;

/** Deletes ended sessions, old attempt rows and long-expired links; returns how many of each. */
export async function cleanUpSignInTables(db: Database, now = new Date()) {
  const endedSessions = await db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.absoluteExpiresAt, now))).returning({ id: sessions.id });
  const oldAttempts = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.at, new Date(now.getTime() - attemptRetentionMs)))
    .returning({ id: loginAttempts.id });
  const oldTokens = await db
    .delete(authTokens)
    .where(lt(authTokens.expiresAt, new Date(now.getTime() - authTokenRetentionMs)))
    .returning({ id: authTokens.id });
  return { sessions: endedSessions.length, attempts: oldAttempts.length, tokens: oldTokens.length };
}
