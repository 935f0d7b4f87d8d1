// Proving a second factor at sign-in and at step-up, with the same attempt limits as passwords.
import { eq } from "drizzle-orm";
import { users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { factorsOf, hasFactor, verifySecondFactorCode } from "./mfa.server.ts";
import { verifyPassword } from "./password.server.ts";
import { reserveAttempt, settleSuccessfulAttempt } from "./rate-limit.server.ts";
import { completeSecondFactor, markReauthenticated, type PendingAuth, type RequestAuth } from "./session.server.ts";

type Runtime = Pick<AppRuntime, "db" | "config">;
export type FactorError = "invalidCode" | "rateLimited" | "wrongPassword";

// a 6-digit code is guessable only with many tries: 5 per account per 15 minutes, as for passwords
function codeKeys(userId: string, ip: string | null) {
  return { account: `factor:${userId}`, address: `ip:${ip ?? "unknown"}` };
}

/** The actor of a session still owing its factor (for the audit log; it holds no permissions yet). */
export function actorOf(user: PendingAuth["user"]): Exclude<Actor, { kind: "system" }> {
  return user.kind === "partner"
    ? { kind: "partner", userId: user.id, partnerOrgId: user.partnerOrgId! }
    : { kind: "staff", userId: user.id, permissions: new Set(), branchId: user.branchId };
}

/** A TOTP or backup code typed after the password; the session becomes a full one. */
export async function proveSecondFactor(runtime: Runtime, pending: PendingAuth, input: { code: string; ip: string | null }): Promise<{ ok: true } | { ok: false; error: FactorError }> {
  const { db } = runtime;
  const keys = codeKeys(pending.user.id, input.ip);
  const reserved = await reserveAttempt(db, keys);
  if (!reserved) return { ok: false, error: "rateLimited" };
  const method = await verifySecondFactorCode(db, runtime.config.secretsKey, pending.user.id, input.code);
  if (!method) {
    await audit(db, actorOf(pending.user), { action: "auth.second_factor_failed", entityType: "user", entityId: pending.user.id, ip: input.ip });
    return { ok: false, error: "invalidCode" };
  }
  await settleSuccessfulAttempt(db, keys, reserved);
  await completeSecondFactor(db, pending.session.id);
  await audit(db, actorOf(pending.user), { action: "auth.second_factor_passed", entityType: "user", entityId: pending.user.id, ip: input.ip, data: { method } });
  return { ok: true };
}

/** Step-up: the password again, and a code when the user has a second factor. */
export async function confirmIdentity(
  runtime: Runtime,
  auth: RequestAuth,
  input: { password: string; code: string | null; ip: string | null },
): Promise<{ ok: true } | { ok: false; error: FactorError }> {
  const { db } = runtime;
  const keys = codeKeys(auth.user.id, input.ip);
  const reserved = await reserveAttempt(db, keys);
  if (!reserved) return { ok: false, error: "rateLimited" };
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, auth.user.id));
  if (!(await verifyPassword(user?.passwordHash ?? null, input.password))) {
    await audit(db, auth.actor, { action: "auth.step_up_failed", entityType: "user", entityId: auth.user.id, ip: input.ip });
    return { ok: false, error: "wrongPassword" };
  }
  if (hasFactor(await factorsOf(db, auth.user.id))) {
    // with a second factor, the step-up asks for it too: a TOTP or a backup code (a passkey: passkeys.server.ts)
    const method = input.code ? await verifySecondFactorCode(db, runtime.config.secretsKey, auth.user.id, input.code) : null;
    if (!method) {
      await audit(db, auth.actor, { action: "auth.step_up_failed", entityType: "user", entityId: auth.user.id, ip: input.ip });
      return { ok: false, error: "invalidCode" };
    }
  }
  await settleSuccessfulAttempt(db, keys, reserved);
  await markReauthenticated(db, auth.session.id);
  await audit(db, auth.actor, { action: "auth.step_up_passed", entityType: "user", entityId: auth.user.id, ip: input.ip });
  return { ok: true };
}
