import { and, eq, isNull, sql } from "drizzle-orm";
import { contacts, partnerOrganisations, users, type UserKind } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { setConsent } from "../consents/consents.server.ts";
import type { Language } from "../i18n/languages.ts";
import { queueEmail, renderActionEmail, type ActionEmailTemplate } from "../messaging/email.server.ts";
import { countSignInFailure } from "../operations/metrics.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { accountEmailLimits, queueAccountEmail, type AccountEmailResult } from "./account-emails.server.ts";
import { hashPassword, verifyPassword } from "./password.server.ts";
import { reserveAttempt, settleSuccessfulAttempt, signInKeys } from "./rate-limit.server.ts";
import { endAllSessions } from "./session.server.ts";
import { consumeToken, issueToken, peekToken } from "./tokens.server.ts";

type Runtime = Pick<AppRuntime, "db" | "jobs" | "config">;

export type SignInFailure = "invalidCredentials" | "rateLimited" | "unverified" | "inactive";

/** Checks credentials for one portal's kind of user; every outcome is audited. */
export async function signIn(
  runtime: Runtime,
  input: { kind: UserKind; email: string; password: string; ip: string | null },
): Promise<{ ok: true; userId: string } | { ok: false; error: SignInFailure }> {
  const { db } = runtime;
  const keys = signInKeys(input.kind, input.email, input.ip);
  // the attempt is counted before the password is checked, atomically (item 9a of issue 12)
  const reserved = await reserveAttempt(db, keys);
  if (!reserved) {
    countSignInFailure(input.kind);
    await audit(db, null, { action: "auth.sign_in_blocked", data: { kind: input.kind, email: input.email }, ip: input.ip });
    return { ok: false, error: "rateLimited" };
  }
  const [user] = await db
    .select({
      id: users.id,
      passwordHash: users.passwordHash,
      // a partner user of a deactivated organisation is as inactive as a deactivated user
      active: sql<boolean>`${users.active} and coalesce((select ${partnerOrganisations.active} from ${partnerOrganisations} where ${partnerOrganisations.id} = ${users.partnerOrgId}), true)`,
      emailVerifiedAt: users.emailVerifiedAt,
    })
    .from(users)
    .where(and(eq(users.kind, input.kind), eq(users.email, input.email)));
  const valid = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !valid) {
    countSignInFailure(input.kind);
    await audit(db, null, {
      action: "auth.sign_in_failed",
      entityType: user ? "user" : undefined,
      entityId: user?.id,
      data: { kind: input.kind, email: input.email },
      ip: input.ip,
    });
    return { ok: false, error: "invalidCredentials" };
  }
  // the right password: not a guess, whatever else stops the sign-in
  await settleSuccessfulAttempt(db, keys, reserved);
  if (!user.active) return { ok: false, error: "inactive" };
  if (input.kind === "customer" && !user.emailVerifiedAt) return { ok: false, error: "unverified" };
  await audit(db, { kind: input.kind, userId: user.id } as Actor, {
    action: "auth.signed_in",
    entityType: "user",
    entityId: user.id,
    ip: input.ip,
  });
  return { ok: true, userId: user.id };
}

/** Rate-limited per address and per account (counted whether or not the account exists), then queued. */
async function requestAccountEmail(
  runtime: Runtime,
  input: { purpose: "verify-email" | "reset-password"; kind: UserKind; email: string; language: Language; ip: string | null },
): Promise<AccountEmailResult> {
  const reserved = await reserveAttempt(runtime.db, { account: `mail:${input.kind}:${input.email}`, address: `mail-ip:${input.ip ?? "unknown"}` }, accountEmailLimits);
  if (!reserved) return { ok: false, error: "rateLimited" };
  await queueAccountEmail(runtime, runtime.db, input);
  return { ok: true };
}

/** Registration counts against the same limits as the other account e-mails. */
export async function reserveRegistration(runtime: Runtime, input: { email: string; ip: string | null }) {
  return (await reserveAttempt(runtime.db, { account: `mail:customer:${input.email}`, address: `mail-ip:${input.ip ?? "unknown"}` }, accountEmailLimits)) !== null;
}

function link(runtime: Runtime, path: string, token: string) {
  return `${runtime.config.appOrigin}${path}?token=${encodeURIComponent(token)}`;
}

async function sendActionEmail(
  runtime: Runtime,
  db: Runtime["db"],
  input: { to: string; userId: string; name: string; template: ActionEmailTemplate; language: Language; url: string; values?: Record<string, string>; contactId?: string | null },
) {
  const email = await renderActionEmail(input.template, input.language, { name: input.name, url: input.url, values: input.values });
  await queueEmail(db, runtime.jobs, {
    to: input.to,
    template: input.template,
    language: input.language,
    email,
    userId: input.userId,
    contactId: input.contactId ?? undefined,
  });
}

/**
 * A patient or shopper signs up. The answer is the same whether or not the address already has
 * an account (the owner of an existing one is told by e-mail instead), so the form cannot be
 * used to find out who is a customer here.
 */
export async function registerCustomer(
  runtime: Runtime,
  input: { name: string; email: string; phone: string | null; password: string; language: Language; ip: string | null },
) {
  const passwordHash = await hashPassword(input.password);
  await runtime.db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id, name: users.name, locale: users.locale }).from(users).where(and(eq(users.kind, "customer"), eq(users.email, input.email)));
    if (existing) {
      // the owner is told by e-mail, rendered by the job, so this answer costs what a new account costs
      await queueAccountEmail(runtime, tx, { purpose: "account-exists", kind: "customer", email: input.email, language: input.language });
      return;
    }
    // an existing contact with this address (one only) is the same person; the verification
    // e-mail proves they own the address before they can sign in and see it
    const matches = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(sql`lower(${contacts.email}) = ${input.email}`, isNull(contacts.mergedIntoId)))
      .limit(2);
    let contactId = matches.length === 1 ? matches[0].id : null;
    if (!contactId) {
      const [contact] = await tx
        .insert(contacts)
        .values({ fullName: input.name, email: input.email, phone: input.phone, preferredLocale: input.language, lifecycleStage: "customer", preferredChannel: input.phone ? "whatsapp" : "email" })
        .returning({ id: contacts.id });
      contactId = contact.id;
    }
    const [user] = await tx
      .insert(users)
      .values({ kind: "customer", email: input.email, name: input.name, passwordHash, locale: input.language, contactId })
      .returning({ id: users.id });
    const actor = { kind: "customer" as const, userId: user.id, contactId };
    // the sign-up form asks for exactly this purpose; marketing is asked separately
    await setConsent(tx, actor, { contactId, purpose: "service_messages", granted: true, source: "registration" });
    await queueAccountEmail(runtime, tx, { purpose: "verify-email", kind: "customer", email: input.email, language: input.language });
    await audit(tx, actor, { action: "auth.registered", entityType: "user", entityId: user.id, ip: input.ip });
  });
}

/** Sends a fresh verification link to an unverified customer (silently nothing otherwise, decided by the job). */
export async function resendVerification(runtime: Runtime, input: { email: string; language: Language; ip: string | null }): Promise<AccountEmailResult> {
  return requestAccountEmail(runtime, { purpose: "verify-email", kind: "customer", email: input.email, language: input.language, ip: input.ip });
}

export async function verifyEmail(runtime: Runtime, token: string) {
  return runtime.db.transaction(async (tx) => {
    const userId = await consumeToken(tx, "email_verification", token);
    if (!userId) return null;
    await tx.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId));
    await audit(tx, { kind: "customer", userId } as Actor, { action: "auth.email_verified", entityType: "user", entityId: userId });
    return userId;
  });
}

/**
 * Always answers the same, in the same time: the request only queues a job, which looks the
 * account up and e-mails a link when it exists and is active (issue 12, item 9b).
 */
export async function requestPasswordReset(runtime: Runtime, input: { kind: UserKind; email: string; language: Language; ip: string | null }): Promise<AccountEmailResult> {
  return requestAccountEmail(runtime, { purpose: "reset-password", kind: input.kind, email: input.email, language: input.language, ip: input.ip });
}

export async function isValidResetToken(runtime: Runtime, token: string) {
  return (await peekToken(runtime.db, "password_reset", token)) !== null;
}

/** Sets a new password from an e-mailed link and signs the account out everywhere. */
export async function resetPassword(runtime: Runtime, input: { token: string; password: string; ip: string | null }) {
  const passwordHash = await hashPassword(input.password);
  const result = await runtime.db.transaction(async (tx) => {
    const userId = await consumeToken(tx, "password_reset", input.token);
    if (!userId) return null;
    // the link reached the inbox, so the address is proven too
    const [user] = await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
      .where(eq(users.id, userId))
      .returning({ id: users.id, kind: users.kind });
    await audit(tx, null, { action: "auth.password_reset", entityType: "user", entityId: userId, ip: input.ip });
    return user;
  });
  if (result) await endAllSessions(runtime as AppRuntime, result.id);
  return result;
}

export async function changePassword(
  runtime: Runtime,
  actor: Exclude<Actor, { kind: "system" }>,
  input: { current: string; next: string; ip: string | null },
): Promise<{ ok: true } | { ok: false; error: "wrongPassword" }> {
  const [user] = await runtime.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId));
  if (!(await verifyPassword(user?.passwordHash ?? null, input.current))) return { ok: false, error: "wrongPassword" };
  const passwordHash = await hashPassword(input.next);
  await runtime.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, actor.userId));
    await audit(tx, actor, { action: "auth.password_changed", entityType: "user", entityId: actor.userId, ip: input.ip });
  });
  await endAllSessions(runtime as AppRuntime, actor.userId);
  return { ok: true };
}

/**
 * Staff invite a user of a partner organisation, or its administrator a colleague; the link lets
 * them choose a password. `admin`: the new user manages the organisation's users; staff's first
 * invitation to an organisation without an administrator makes one.
 */
export async function invitePartnerUser(
  runtime: Runtime,
  actor: Extract<Actor, { kind: "staff" | "partner" }>,
  input: { partnerOrgId: string; partnerName: string; email: string; name: string; language: Language; admin?: boolean },
): Promise<{ ok: true; userId: string } | { ok: false; error: "alreadyMember" | "otherOrganisation" }> {
  return runtime.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id, partnerOrgId: users.partnerOrgId, passwordHash: users.passwordHash })
      .from(users)
      .where(and(eq(users.kind, "partner"), eq(users.email, input.email)));
    if (existing && existing.partnerOrgId !== input.partnerOrgId) return { ok: false as const, error: "otherOrganisation" as const };
    if (existing?.passwordHash) return { ok: false as const, error: "alreadyMember" as const };
    const [anyAdmin] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.kind, "partner"), eq(users.partnerOrgId, input.partnerOrgId), eq(users.partnerAdmin, true), eq(users.active, true)))
      .limit(1);
    const partnerAdmin = input.admin ?? !anyAdmin;
    const userId =
      existing?.id ??
      (
        await tx
          .insert(users)
          .values({ kind: "partner", email: input.email, name: input.name, partnerOrgId: input.partnerOrgId, locale: input.language, partnerAdmin })
          .returning({ id: users.id })
      )[0].id;
    await sendPartnerInvitation(runtime, tx, { userId, email: input.email, name: input.name, language: input.language, organisation: input.partnerName });
    await audit(tx, actor, { action: "partner.user_invited", entityType: "user", entityId: userId, data: { partnerOrgId: input.partnerOrgId, admin: partnerAdmin } });
    return { ok: true as const, userId };
  });
}

/** E-mails a partner user a link (valid 7 days) to choose a password; accepting it makes them active. */
export async function sendPartnerInvitation(
  runtime: Runtime,
  db: Runtime["db"],
  input: { userId: string; email: string; name: string; language: Language; organisation: string },
) {
  const token = await issueToken(db, input.userId, "partner_invitation");
  await sendActionEmail(runtime, db, {
    to: input.email,
    userId: input.userId,
    name: input.name,
    template: "auth.partner-invitation",
    language: input.language,
    url: link(runtime, "/partner/invitation", token),
    values: { organisation: input.organisation },
  });
}

/** Who is invited to staff or to a partner organisation: the token kind of each. */
export type InvitationKind = "staff" | "partner";
const invitationTokens = { staff: "staff_invitation", partner: "partner_invitation" } as const;

export async function invitationDetails(runtime: Runtime, kind: InvitationKind, token: string) {
  const found = await peekToken(runtime.db, invitationTokens[kind], token);
  if (!found) return null;
  const [user] = await runtime.db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, found.userId));
  return user ?? null;
}

/** The invited user sets their name and password; returns their id to start a session. */
export async function acceptInvitation(runtime: Runtime, kind: InvitationKind, input: { token: string; name: string; password: string; ip: string | null }) {
  const passwordHash = await hashPassword(input.password);
  return runtime.db.transaction(async (tx) => {
    const userId = await consumeToken(tx, invitationTokens[kind], input.token);
    if (!userId) return null;
    // a staff invitation does not bring back an account deactivated since it was sent
    const [user] = await tx
      .update(users)
      .set({ name: input.name, passwordHash, emailVerifiedAt: new Date(), ...(kind === "partner" ? { active: true } : {}) })
      .where(and(eq(users.id, userId), kind === "staff" ? eq(users.active, true) : undefined))
      .returning({ partnerOrgId: users.partnerOrgId, branchId: users.branchId });
    if (!user) return null;
    const actor: Actor =
      kind === "partner" ? { kind: "partner", userId, partnerOrgId: user.partnerOrgId! } : { kind: "staff", userId, permissions: new Set(), branchId: user.branchId };
    await audit(tx, actor, { action: `${kind}.invitation_accepted`, entityType: "user", entityId: userId, ip: input.ip });
    return userId;
  });
}

/**
 * E-mails a new colleague a link to choose their own password (valid 7 days, unlike the hour of a
 * reset link), in their language. Earlier invitations stay valid until they expire or one is used.
 */
export async function inviteStaffUser(runtime: Runtime, db: Runtime["db"], input: { userId: string; invitedBy: string; language: Language }) {
  const [user] = await db.select({ name: users.name, email: users.email, locale: users.locale }).from(users).where(eq(users.id, input.userId));
  const token = await issueToken(db, input.userId, "staff_invitation");
  await sendActionEmail(runtime, db, {
    to: user.email,
    userId: input.userId,
    name: user.name,
    template: "auth.staff-invitation",
    language: (user.locale as Language | null) ?? input.language,
    url: link(runtime, "/staff/invitation", token),
    values: { invitedBy: input.invitedBy },
  });
}
