import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { partnerOrganisations, sessions, tickets, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
type PartnerActor = Extract<Actor, { kind: "partner" }>;

const orgColumns = {
  id: partnerOrganisations.id,
  code: partnerOrganisations.code,
  name: partnerOrganisations.name,
  type: partnerOrganisations.type,
  email: partnerOrganisations.email,
  phone: partnerOrganisations.phone,
  address: partnerOrganisations.address,
  city: partnerOrganisations.city,
  active: partnerOrganisations.active,
};

export async function listPartnerOrganisations(db: Database, _actor: StaffActor) {
  return db
    .select({ ...orgColumns, userCount: count(users.id) })
    .from(partnerOrganisations)
    .leftJoin(users, and(eq(users.partnerOrgId, partnerOrganisations.id), eq(users.kind, "partner")))
    .groupBy(partnerOrganisations.id)
    .orderBy(asc(partnerOrganisations.name));
}

export async function getPartnerOrganisation(db: Database, _actor: StaffActor, id: string) {
  if (!isUuid(id)) return null;
  const [org] = await db.select(orgColumns).from(partnerOrganisations).where(eq(partnerOrganisations.id, id));
  return org ?? null;
}

/** The partner user's own organisation; the id comes from the session, never the URL. */
export async function getOwnOrganisation(db: Database, actor: PartnerActor) {
  const [org] = await db.select(orgColumns).from(partnerOrganisations).where(eq(partnerOrganisations.id, actor.partnerOrgId));
  return org ?? null;
}

export async function listOrganisationUsers(db: Database, partnerOrgId: string) {
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      active: users.active,
      admin: users.partnerAdmin,
      // invited but not yet accepted: no password chosen
      pending: sql<boolean>`${users.passwordHash} is null`,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(and(eq(users.kind, "partner"), eq(users.partnerOrgId, partnerOrgId)))
    .orderBy(asc(users.name));
}

export async function createPartnerOrganisation(
  db: Database,
  actor: StaffActor,
  input: { code: string; name: string; type: "clinic" | "hospital" | "supplier" | "corporate"; email: string | null; phone: string | null; city: string | null },
): Promise<{ ok: true; id: string } | { ok: false; error: "codeTaken" }> {
  return db.transaction(async (tx) => {
    const [created] = await tx.insert(partnerOrganisations).values(input).onConflictDoNothing().returning({ id: partnerOrganisations.id });
    if (!created) return { ok: false as const, error: "codeTaken" as const };
    await audit(tx, actor, { action: "partner.created", entityType: "partner_organisation", entityId: created.id });
    return { ok: true as const, id: created.id };
  });
}

export async function updateOwnOrganisationContact(
  db: Database,
  actor: PartnerActor,
  input: { email: string | null; phone: string | null; address: string | null; city: string | null },
) {
  await db.transaction(async (tx) => {
    await tx.update(partnerOrganisations).set({ ...input, updatedAt: new Date() }).where(eq(partnerOrganisations.id, actor.partnerOrgId));
    await audit(tx, actor, { action: "partner.profile_updated", entityType: "partner_organisation", entityId: actor.partnerOrgId });
  });
}

export type PartnerUpdateError = "notFound";

/** Staff edit an organisation's name, type and contact details. */
export async function updatePartnerOrganisation(
  db: Database,
  actor: StaffActor,
  id: string,
  input: { name: string; type: "clinic" | "hospital" | "supplier" | "corporate"; email: string | null; phone: string | null; address: string | null; city: string | null },
): Promise<{ ok: true } | { ok: false; error: PartnerUpdateError }> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select(orgColumns).from(partnerOrganisations).where(eq(partnerOrganisations.id, id)).for("update");
    if (!before) return { ok: false as const, error: "notFound" as const };
    await tx.update(partnerOrganisations).set({ ...input, updatedAt: new Date() }).where(eq(partnerOrganisations.id, id));
    const changed = (Object.keys(input) as (keyof typeof input)[]).filter((k) => (before[k] ?? null) !== (input[k] ?? null));
    await audit(tx, actor, { action: "partner.updated", entityType: "partner_organisation", entityId: id, data: { fields: changed } });
    return { ok: true as const };
  });
}

/**
 * Deactivates or reactivates an organisation. While it is inactive its users cannot sign in and
 * their sessions are refused (see resolveRequestAuth); deactivating also ends their sessions now.
 */
export async function setPartnerOrganisationActive(
  db: Database,
  actor: StaffActor,
  id: string,
  active: boolean,
): Promise<{ ok: true; changed: boolean } | { ok: false; error: PartnerUpdateError }> {
  return db.transaction(async (tx) => {
    const [org] = await tx.select({ active: partnerOrganisations.active }).from(partnerOrganisations).where(eq(partnerOrganisations.id, id)).for("update");
    if (!org) return { ok: false as const, error: "notFound" as const };
    if (org.active === active) return { ok: true as const, changed: false };
    await tx.update(partnerOrganisations).set({ active, updatedAt: new Date() }).where(eq(partnerOrganisations.id, id));
    if (!active) {
      const members = tx.select({ id: users.id }).from(users).where(and(eq(users.kind, "partner"), eq(users.partnerOrgId, id)));
      await tx.delete(sessions).where(inArray(sessions.userId, members));
    }
    await audit(tx, actor, { action: active ? "partner.reactivated" : "partner.deactivated", entityType: "partner_organisation", entityId: id });
    return { ok: true as const, changed: true };
  });
}

/** Whether a partner user's organisation is active (checked on every partner request). */
export async function isPartnerOrganisationActive(db: Database, partnerOrgId: string) {
  const [org] = await db.select({ active: partnerOrganisations.active }).from(partnerOrganisations).where(eq(partnerOrganisations.id, partnerOrgId));
  return org?.active === true;
}

/** The organisation's tickets: how many, and how many are still open. */
export async function partnerTicketSummary(db: Database, _actor: StaffActor, partnerOrgId: string) {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      open: sql<number>`(count(*) filter (where ${tickets.status} not in ('resolved', 'closed')))::int`,
    })
    .from(tickets)
    .where(eq(tickets.partnerOrgId, partnerOrgId));
  return { total: row?.total ?? 0, open: row?.open ?? 0 };
}
