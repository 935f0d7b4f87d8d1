// Second factors of staff and partner users: TOTP, passkeys (passkeys.server.ts), backup codes;
// which roles must have one; the state a session starts in after the password.
import crypto from "node:crypto";
import { and, count, eq, inArray, isNotNull, isNull, notLike, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/client.ts";
import { rolePermissions, roles, userBackupCodes, userPasskeys, userRoles, users, userTotp } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { PluginRegistry } from "../plugins/registry.server.ts";
import { readSetting, writeSetting } from "../settings/app-settings.server.ts";
import { isSealed, openSecret, sealSecret } from "./secret-box.server.ts";
import type { SessionLevel } from "./session.server.ts";
import { matchTotp, newTotpSecret, totpQrDataUrl, totpUri } from "./totp.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
type UserActor = Exclude<Actor, { kind: "system" }>;

export const mfaSettingKey = "security.mfa";
/** Unset `requiredRoles` = the default rule: admin and every role holding a sensitive permission. */
export const mfaSettingSchema = z.object({ requiredRoles: z.array(z.string()).optional() });

/** Roles that hold a sensitive permission now, plus admin: the default list. */
export async function defaultRequiredRoles(db: Database, registry: Pick<PluginRegistry, "sensitivePermissions">) {
  const sensitive = registry.sensitivePermissions();
  const rows = await db
    .selectDistinct({ id: roles.id })
    .from(roles)
    .leftJoin(rolePermissions, eq(rolePermissions.roleId, roles.id))
    .where(sql`${roles.allPermissions} or ${rolePermissions.permissionId} in ${sensitive.length ? sensitive : ["-"]}`);
  return rows.map((r) => r.id).sort();
}

/** The roles whose holders must use a second factor: the admin's choice, else the default rule. */
export async function requiredRoles(db: Database, registry: Pick<PluginRegistry, "sensitivePermissions">) {
  const setting = await readSetting(db, mfaSettingKey, mfaSettingSchema);
  return { roles: setting.requiredRoles ?? (await defaultRequiredRoles(db, registry)), isDefault: setting.requiredRoles === undefined };
}

export async function saveRequiredRoles(db: Database, actor: StaffActor, roleIds: string[] | null) {
  const known = new Set((await db.select({ id: roles.id }).from(roles)).map((r) => r.id));
  const value = roleIds === null ? {} : { requiredRoles: [...new Set(roleIds.filter((r) => known.has(r)))].sort() };
  await writeSetting(db, actor, mfaSettingKey, value);
}

/** A staff user whose roles include a required one. Partner users may enrol; they are never forced. */
export async function isSecondFactorRequired(db: Database, registry: Pick<PluginRegistry, "sensitivePermissions">, userId: string) {
  const [user] = await db.select({ kind: users.kind }).from(users).where(eq(users.id, userId));
  if (user?.kind !== "staff") return false;
  const required = (await requiredRoles(db, registry)).roles;
  if (!required.length) return false;
  const [row] = await db
    .select({ n: count() })
    .from(userRoles)
    .where(and(eq(userRoles.userId, userId), inArray(userRoles.roleId, required)));
  return Number(row.n) > 0;
}

export interface FactorSummary {
  totp: boolean;
  passkeys: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }[];
  backupCodesLeft: number;
}

export async function factorsOf(db: Database, userId: string): Promise<FactorSummary> {
  const [totp] = await db.select({ confirmedAt: userTotp.confirmedAt }).from(userTotp).where(eq(userTotp.userId, userId));
  const passkeys = await db
    .select({ id: userPasskeys.id, name: userPasskeys.name, createdAt: userPasskeys.createdAt, lastUsedAt: userPasskeys.lastUsedAt })
    .from(userPasskeys)
    .where(eq(userPasskeys.userId, userId))
    .orderBy(userPasskeys.createdAt);
  const [codes] = await db
    .select({ n: count() })
    .from(userBackupCodes)
    .where(and(eq(userBackupCodes.userId, userId), isNull(userBackupCodes.usedAt)));
  return { totp: Boolean(totp?.confirmedAt), passkeys, backupCodesLeft: Number(codes.n) };
}

export function hasFactor(f: FactorSummary) {
  return f.totp || f.passkeys.length > 0;
}

/** The level a session starts at once the password is right. */
export async function levelAfterPassword(db: Database, registry: Pick<PluginRegistry, "sensitivePermissions">, userId: string): Promise<SessionLevel> {
  const [user] = await db.select({ kind: users.kind }).from(users).where(eq(users.id, userId));
  if (user?.kind === "customer") return "full";
  if (hasFactor(await factorsOf(db, userId))) return "second_factor";
  return (await isSecondFactorRequired(db, registry, userId)) ? "enrolment" : "full";
}

// ---- TOTP ----

/** Starts (or restarts) TOTP set-up: a new unconfirmed secret, its QR code and text. The secret is stored sealed. */
export async function beginTotpEnrolment(db: Database, secretsKey: Buffer, user: { id: string; email: string }) {
  const [existing] = await db.select({ secret: userTotp.secret, confirmedAt: userTotp.confirmedAt }).from(userTotp).where(eq(userTotp.userId, user.id));
  let secret = existing && !existing.confirmedAt ? openSecret(existing.secret, secretsKey, user.id) : null;
  if (!secret) {
    if (existing?.confirmedAt) return { alreadyEnrolled: true as const };
    secret = newTotpSecret();
    const sealed = sealSecret(secret, secretsKey, user.id);
    await db.insert(userTotp).values({ userId: user.id, secret: sealed }).onConflictDoUpdate({ target: userTotp.userId, set: { secret: sealed, confirmedAt: null, lastStep: null } });
  }
  const uri = totpUri(secret, user.email);
  return { alreadyEnrolled: false as const, secret, uri, qr: await totpQrDataUrl(uri) };
}

/** The row's secret in clear; a row still in clear (stored before sealing) is sealed on the way. */
async function totpSecretOf(tx: Database, secretsKey: Buffer, row: { userId: string; secret: string }) {
  const secret = openSecret(row.secret, secretsKey, row.userId);
  if (!isSealed(row.secret)) await tx.update(userTotp).set({ secret: sealSecret(secret, secretsKey, row.userId) }).where(eq(userTotp.userId, row.userId));
  return secret;
}

/** Seals every TOTP secret still stored in clear (run at start; rows written since are sealed already). Returns how many. */
export async function sealPlainTotpSecrets(db: Database, secretsKey: Buffer) {
  const rows = await db.select({ userId: userTotp.userId, secret: userTotp.secret }).from(userTotp).where(notLike(userTotp.secret, "v1:%"));
  for (const row of rows) {
    await db.update(userTotp).set({ secret: sealSecret(row.secret, secretsKey, row.userId) }).where(and(eq(userTotp.userId, row.userId), eq(userTotp.secret, row.secret)));
  }
  return rows.length;
}

/**
 * Confirms TOTP set-up with a first code. Backup codes are issued with the first factor; returns
 * them (shown once) or null when the code is wrong.
 */
export async function confirmTotpEnrolment(db: Database, secretsKey: Buffer, actor: UserActor, input: { code: string; now?: number; ip?: string | null }) {
  const now = input.now ?? Date.now();
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(userTotp).where(eq(userTotp.userId, actor.userId)).for("update");
    if (!row || row.confirmedAt) return { ok: false as const };
    const step = matchTotp(await totpSecretOf(tx, secretsKey, row), input.code, now, null);
    if (step === null) return { ok: false as const };
    await tx.update(userTotp).set({ confirmedAt: new Date(now), lastStep: step }).where(eq(userTotp.userId, actor.userId));
    await audit(tx, actor, { action: "auth.totp_enrolled", entityType: "user", entityId: actor.userId, ip: input.ip });
    const backupCodes = await issueBackupCodesIfNone(tx, actor.userId);
    return { ok: true as const, backupCodes };
  });
}

/** Checks a TOTP code for sign-in or step-up; a code is accepted once only (its step is kept). */
export async function verifyTotp(db: Database, secretsKey: Buffer, userId: string, code: string, now = Date.now()) {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(userTotp).where(and(eq(userTotp.userId, userId), isNotNull(userTotp.confirmedAt))).for("update");
    if (!row) return false;
    const step = matchTotp(await totpSecretOf(tx, secretsKey, row), code, now, row.lastStep ?? null);
    if (step === null) return false;
    await tx.update(userTotp).set({ lastStep: step }).where(eq(userTotp.userId, userId));
    return true;
  });
}

export async function removeTotp(db: Database, actor: UserActor, ip: string | null) {
  await db.delete(userTotp).where(eq(userTotp.userId, actor.userId));
  await audit(db, actor, { action: "auth.totp_removed", entityType: "user", entityId: actor.userId, ip });
}

// ---- backup codes ----

export const backupCodeCount = 10;
const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // 32 symbols, no 0/O or 1/I

function backupDigest(code: string) {
  return crypto.createHash("sha256").update(normaliseBackupCode(code)).digest("hex");
}

export function normaliseBackupCode(code: string) {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

function newBackupCode() {
  const bytes = crypto.randomBytes(16);
  let out = "";
  for (let i = 0; i < 16; i++) out += alphabet[bytes[i] % 32];
  return out.match(/.{4}/g)!.join("-"); // 80 bits: a SHA-256 of it cannot be reversed by trying
}

/** Replaces a user's backup codes with ten new ones; returns them in clear, once. */
export async function regenerateBackupCodes(db: Database, actor: UserActor | null, userId: string, ip: string | null = null) {
  const codes = Array.from({ length: backupCodeCount }, newBackupCode);
  await db.transaction(async (tx) => {
    await tx.delete(userBackupCodes).where(eq(userBackupCodes.userId, userId));
    await tx.insert(userBackupCodes).values(codes.map((c) => ({ userId, codeHash: backupDigest(c) })));
    if (actor) await audit(tx, actor, { action: "auth.backup_codes_generated", entityType: "user", entityId: userId, ip });
  });
  return codes;
}

async function issueBackupCodesIfNone(db: Database, userId: string) {
  const [row] = await db.select({ n: count() }).from(userBackupCodes).where(eq(userBackupCodes.userId, userId));
  if (Number(row.n) > 0) return null;
  return regenerateBackupCodes(db, null, userId);
}

/** Uses up one backup code; true when it was an unused code of this user. */
export async function consumeBackupCode(db: Database, userId: string, code: string) {
  if (normaliseBackupCode(code).length !== 16) return false;
  const rows = await db
    .update(userBackupCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(userBackupCodes.userId, userId), eq(userBackupCodes.codeHash, backupDigest(code)), isNull(userBackupCodes.usedAt)))
    .returning({ id: userBackupCodes.id });
  return rows.length === 1;
}

/** A code typed at the second-factor or step-up prompt: TOTP (6 digits) or a backup code. */
export async function verifySecondFactorCode(db: Database, secretsKey: Buffer, userId: string, code: string, now = Date.now()): Promise<"totp" | "backup_code" | null> {
  const trimmed = code.trim();
  if (/^\d{3}\s?\d{3}$/.test(trimmed)) return (await verifyTotp(db, secretsKey, userId, trimmed, now)) ? "totp" : null;
  return (await consumeBackupCode(db, userId, trimmed)) ? "backup_code" : null;
}

// ---- admin ----

/** An admin removes every factor of a user (lost phone); audited, and the user is signed out. */
export async function resetFactors(db: Database, actor: StaffActor, input: { userId: string; ip: string | null }) {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id, kind: users.kind }).from(users).where(eq(users.id, input.userId));
    if (!user || user.kind === "customer") return false;
    const before = await factorsOf(tx, input.userId);
    await tx.delete(userTotp).where(eq(userTotp.userId, input.userId));
    await tx.delete(userPasskeys).where(eq(userPasskeys.userId, input.userId));
    await tx.delete(userBackupCodes).where(eq(userBackupCodes.userId, input.userId));
    await audit(tx, actor, {
      action: "auth.factors_reset",
      entityType: "user",
      entityId: input.userId,
      ip: input.ip,
      data: { totp: before.totp, passkeys: before.passkeys.length, backupCodesLeft: before.backupCodesLeft },
    });
    return true;
  });
}

/** Staff and partner users with their factors, for the admin's security page. */
export async function usersWithFactors(db: Database) {
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      kind: users.kind,
      totp: sql<boolean>`exists (select 1 from ${userTotp} t where t.user_id = "users"."id" and t.confirmed_at is not null)`,
      passkeys: sql<number>`(select count(*)::int from ${userPasskeys} p where p.user_id = "users"."id")`,
      backupCodesLeft: sql<number>`(select count(*)::int from ${userBackupCodes} b where b.user_id = "users"."id" and b.used_at is null)`,
    })
    .from(users)
    .where(and(inArray(users.kind, ["staff", "partner"]), eq(users.active, true)))
    .orderBy(users.kind, users.name);
}
