import { and, count, eq, gt, inArray, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { loginAttempts } from "../../../db/schema/index.ts";

// Kept in the database so that every app instance behind a load balancer counts together.
export const signInLimits = { perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 };

export function signInKeys(kind: string, email: string, ip: string | null) {
  return { account: `account:${kind}:${email}`, address: `ip:${ip ?? "unknown"}` };
}

export interface AttemptLimits {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

/**
 * Reserves one attempt for an account and an address, or refuses when either has used its limit
 * within the window. Count and insert happen under a transaction-scoped advisory lock per key,
 * taken in a fixed order, so N parallel requests cannot all read "4 so far" and all go ahead: the
 * reservation is counted before the password is even checked (issue 12, item 9a).
 * Returns the ids of the reserved rows (to be cleared on success), or null when refused.
 */
export async function reserveAttempt(
  db: Database,
  keys: { account: string; address: string },
  limits: AttemptLimits = signInLimits,
): Promise<{ account: string; address: string } | null> {
  return db.transaction(async (tx) => {
    for (const key of [keys.account, keys.address].sort()) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    }
    const since = new Date(Date.now() - limits.windowMs);
    const rows = await tx
      .select({ key: loginAttempts.key, n: count() })
      .from(loginAttempts)
      .where(and(inArray(loginAttempts.key, [keys.account, keys.address]), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)))
      .groupBy(loginAttempts.key);
    const used = Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
    if ((used[keys.account] ?? 0) >= limits.perAccount || (used[keys.address] ?? 0) >= limits.perAddress) return null;
    const inserted = await tx
      .insert(loginAttempts)
      .values([
        { key: keys.account, succeeded: false, at: new Date() },
        { key: keys.address, succeeded: false, at: new Date() },
      ])
      .returning({ id: loginAttempts.id, key: loginAttempts.key });
    return {
      account: inserted.find((r) => r.key === keys.account)!.id,
      address: inserted.find((r) => r.key === keys.address)!.id,
    };
  });
}

/** A reserved attempt that succeeded: the account's failures are cleared, the address's row no longer counts. */
export async function settleSuccessfulAttempt(db: Database, keys: { account: string; address: string }, reserved: { address: string }) {
  await db.transaction(async (tx) => {
    await tx.delete(loginAttempts).where(eq(loginAttempts.key, keys.account));
    await tx.update(loginAttempts).set({ succeeded: true }).where(eq(loginAttempts.id, reserved.address));
  });
}

/** True when recent failures for this account or address reach the limit (read-only check). */
export async function isSignInBlocked(db: Database, keys: { account: string; address: string }, limits: AttemptLimits = signInLimits) {
  const since = new Date(Date.now() - limits.windowMs);
  const rows = await db
    .select({ key: loginAttempts.key, n: count() })
    .from(loginAttempts)
    .where(and(inArray(loginAttempts.key, [keys.account, keys.address]), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)))
    .groupBy(loginAttempts.key);
  const failures = Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  return (failures[keys.account] ?? 0) >= limits.perAccount || (failures[keys.address] ?? 0) >= limits.perAddress;
}
