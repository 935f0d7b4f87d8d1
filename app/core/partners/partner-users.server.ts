// A partner organisation's administrator manages its own users (issue 15): invites colleagues,
// deactivates them (signed out at once, their open invitation void), invites them again, and
// shares or withdraws the administrator role. Only within their own organisation, never on
// themselves (so an organisation always keeps the administrator acting), and every change audited.
import { and, eq } from "drizzle-orm";
import { partnerOrganisations, sessions, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { invitePartnerUser, sendPartnerInvitation } from "../auth/accounts.server.ts";
import { revokeTokens } from "../auth/tokens.server.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";

type PartnerActor = Extract<Actor, { kind: "partner" }>;
type Runtime = Pick<AppRuntime, "db" | "config" | "jobs">;

export type ColleagueError = "notAdmin" | "notFound" | "self" | "alreadyMember" | "otherOrganisation" | "notReinvitable";
export type ColleagueResult = { ok: true } | { ok: false; error: ColleagueError };

/** Whether the partner user manages their organisation (an active administrator of it). */
export async function isPartnerAdmin(db: Runtime["db"], actor: PartnerActor) {
  const [row] = await db
    .select({ admin: users.partnerAdmin })
    .from(users)
    .where(and(eq(users.id, actor.userId), eq(users.partnerOrgId, actor.partnerOrgId), eq(users.active, true)));
  return row?.admin === true;
}

async function organisationName(db: Runtime["db"], partnerOrgId: string) {
  const [org] = await db.select({ name: partnerOrganisations.name }).from(partnerOrganisations).where(eq(partnerOrganisations.id, partnerOrgId));
  return org?.name ?? "";
}

type Colleague = {
  id: string;
  email: string;
  name: string;
  locale: string | null;
  active: boolean;
  pending: boolean;
};

/** A colleague of the actor's organisation other than the actor, or the reason there is none to act on. */
async function colleague(db: Runtime["db"], actor: PartnerActor, userId: string): Promise<{ user: Colleague } | { error: "self" | "notFound" }> {
  if (userId === actor.userId) return { error: "self" };
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      locale: users.locale,
      active: users.active,
      pending: users.passwordHash,
    })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.kind, "partner"), eq(users.partnerOrgId, actor.partnerOrgId)));
  return row ? { user: { ...row, pending: row.pending === null } } : { error: "notFound" };
}

export async function inviteColleague(runtime: Runtime, actor: PartnerActor, input: { email: string; name: string; language: Language; admin: boolean }): Promise<ColleagueResult> {
  if (!(await isPartnerAdmin(runtime.db, actor))) return { ok: false, error: "notAdmin" };
  const result = await invitePartnerUser(runtime, actor, { ...input, partnerOrgId: actor.partnerOrgId, partnerName: await organisationName(runtime.db, actor.partnerOrgId) });
  return result.ok ? { ok: true } : result;
}

/** The colleague an administrator acts on, or why they may not. */
async function colleagueForAdmin(db: Runtime["db"], actor: PartnerActor, userId: string): Promise<{ user: Colleague } | { error: ColleagueError }> {
  if (!(await isPartnerAdmin(db, actor))) return { error: "notAdmin" };
  return colleague(db, actor, userId);
}

const auditColleague = (db: Runtime["db"], actor: PartnerActor, action: string, userId: string) =>
  audit(db, actor, { action, entityType: "user", entityId: userId, data: { partnerOrgId: actor.partnerOrgId } });

/** Deactivates a colleague: their sessions end and an invitation they have not used yet no longer works. */
export async function deactivateColleague(runtime: Runtime, actor: PartnerActor, userId: string): Promise<ColleagueResult> {
  const found = await colleagueForAdmin(runtime.db, actor, userId);
  if ("error" in found) return { ok: false, error: found.error };
  await runtime.db.transaction(async (tx) => {
    await tx.update(users).set({ active: false }).where(eq(users.id, userId));
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await revokeTokens(tx, userId, "partner_invitation");
    await auditColleague(tx, actor, "partner.user_deactivated", userId);
  });
  return { ok: true };
}

/** A new invitation for a colleague who has not accepted theirs, or was deactivated: accepting it lets them in again. */
export async function reinviteColleague(runtime: Runtime, actor: PartnerActor, userId: string, language: Language): Promise<ColleagueResult> {
  const found = await colleagueForAdmin(runtime.db, actor, userId);
  if ("error" in found) return { ok: false, error: found.error };
  const { user } = found;
  if (user.active && !user.pending) return { ok: false, error: "notReinvitable" };
  const organisation = await organisationName(runtime.db, actor.partnerOrgId);
  await runtime.db.transaction(async (tx) => {
    await sendPartnerInvitation(runtime, tx, { userId, email: user.email, name: user.name, language: (user.locale as Language | null) ?? language, organisation });
    await auditColleague(tx, actor, "partner.user_reinvited", userId);
  });
  return { ok: true };
}

/** Shares or withdraws the administrator role; the acting administrator cannot withdraw their own. */
export async function setColleagueAdmin(runtime: Runtime, actor: PartnerActor, userId: string, admin: boolean): Promise<ColleagueResult> {
  const found = await colleagueForAdmin(runtime.db, actor, userId);
  if ("error" in found) return { ok: false, error: found.error };
  await runtime.db.transaction(async (tx) => {
    await tx.update(users).set({ partnerAdmin: admin }).where(eq(users.id, userId));
    await auditColleague(tx, actor, admin ? "partner.admin_granted" : "partner.admin_withdrawn", userId);
  });
  return { ok: true };
}
