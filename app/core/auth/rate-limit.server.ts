import { and, count, eq, gt, inArray } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { loginAttempts } from "../../../db/schema/index.ts";

// Kept in the database so that every app instance behind a load balancer counts together.
export const signInLimits = { perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 };

export function signInKeys(kind: string, email: string, ip: string | null) {
  return { account: `account:${kind}:${email}`, address: `ip:${ip ?? "unknown"}` };
}

/** True when recent failures for this account or address exceed the limit. */
export async function isSignInBlocked(db: Database, keys: { account: string; address: string }) {
  const since = new Date(Date.now() - signInLimits.windowMs);
  const rows = await db
    .select({ key: loginAttempts.key, n: count() })
    .from(loginAttempts)
    .where(and(inArray(loginAttempts.key, [keys.account, keys.address]), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)))
    .groupBy(loginAttempts.key);
  const failures = Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  return (failures[keys.account] ?? 0) >= signInLimits.perAccount || (failures[keys.address] ?? 0) >= signInLimits.perAddress;
}

export async function recordSignInAttempt(db: Database, keys: { account: string; address: string }, succeeded: boolean) {
  if (succeeded) {
    // a successful sign-in clears the account's failures, not the address's
    await db.delete(loginAttempts).where(eq(loginAttempts.key, keys.account));
    return;
  }
  await db.insert(loginAttempts).values([
    { key: keys.account, succeeded },
    { key: keys.address, succeeded },
  ]);
}
