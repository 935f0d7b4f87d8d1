// Staff create and edit contacts: profile, identifiers, blacklist. Every change is audited and
// announced on the event bus in the same transaction.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, contactIdentifiers, contacts, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { contactBlacklistedEvent, contactCreatedEvent, contactUpdatedEvent } from "../events/core-events.ts";
import type { EventBus } from "../events/event-bus.server.ts";
import type { Actor } from "../plugins/contract.ts";
import type { ContactIdentifierSystem, ContactProfileInput } from "./contact-forms.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;
type Runtime = { db: Database; bus: Pick<EventBus, "emit"> };

/** Payloads of the contact events (version 1). */
export type { ContactChangedV1 } from "../events/core-events.ts";

export type ContactEditError = "notFound" | "unknownOwner" | "unknownBranch" | "merged";
export type IdentifierConflict = { system: ContactIdentifierSystem; value: string; contactId: string; fullName: string };


/** Staff users who may own a contact, and branches a contact may belong to (for the form's selects). */
export async function contactFormOptions(db: Database) {
  const [owners, branchRows] = await Promise.all([
    db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(eq(users.kind, "staff"), eq(users.active, true)))
      .orderBy(asc(users.name)),
    db.select({ id: branches.id, name: branches.name }).from(branches).where(eq(branches.active, true)).orderBy(asc(branches.name)),
  ]);
  return { owners, branches: branchRows };
}

/** The profile as the edit form shows it, with identifiers; null when there is no such contact. */
export async function getContactForEdit(db: Database, _actor: StaffActor, contactId: string) {
  if (!isUuid(contactId)) return null;
  const [contact] = await db
    .select({
      id: contacts.id,
      fullName: contacts.fullName,
      phone: contacts.phone,
      email: contacts.email,
      birthDate: contacts.birthDate,
      gender: contacts.gender,
      address: contacts.address,
      city: contacts.city,
      preferredLocale: contacts.preferredLocale,
      preferredChannel: contacts.preferredChannel,
      lifecycleStage: contacts.lifecycleStage,
      ownerId: contacts.ownerId,
      branchId: contacts.branchId,
      tags: contacts.tags,
      blacklisted: contacts.blacklisted,
      blacklistReason: contacts.blacklistReason,
      mergedIntoId: contacts.mergedIntoId,
    })
    .from(contacts)
    .where(eq(contacts.id, contactId));
  if (!contact) return null;
  const identifiers = await db
    .select({ id: contactIdentifiers.id, system: contactIdentifiers.system, value: contactIdentifiers.value })
    .from(contactIdentifiers)
    .where(eq(contactIdentifiers.contactId, contactId))
    .orderBy(asc(contactIdentifiers.system), asc(contactIdentifiers.value));
  return { ...contact, identifiers };
}

async function checkReferences(db: Database, input: Pick<ContactProfileInput, "ownerId" | "branchId">): Promise<ContactEditError | null> {
  if (input.ownerId) {
    const [owner] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.ownerId), eq(users.kind, "staff"), eq(users.active, true)));
    if (!owner) return "unknownOwner";
  }
  if (input.branchId) {
    const [branch] = await db.select({ id: branches.id }).from(branches).where(eq(branches.id, input.branchId));
    if (!branch) return "unknownBranch";
  }
  return null;
}

function profileValues(input: ContactProfileInput) {
  const { intent: _intent, ...values } = input;
  return values;
}

export async function createContact(
  runtime: Runtime,
  actor: StaffActor,
  input: ContactProfileInput,
): Promise<{ ok: true; id: string } | { ok: false; error: ContactEditError }> {
  const error = await checkReferences(runtime.db, input);
  if (error) return { ok: false, error };
  return runtime.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(contacts)
      .values({ ...profileValues(input), source: "staff" })
      .returning({ id: contacts.id });
    await audit(tx, actor, { action: "contact.created", entityType: "contact", entityId: created.id });
    await runtime.bus.emit(tx, contactCreatedEvent, { contactId: created.id, fields: [] });
    return { ok: true as const, id: created.id };
  });
}

const comparable = (value: unknown) => (Array.isArray(value) ? value.join(",") : String(value ?? ""));

export async function updateContact(
  runtime: Runtime,
  actor: StaffActor,
  contactId: string,
  input: ContactProfileInput,
): Promise<{ ok: true; changed: string[] } | { ok: false; error: ContactEditError }> {
  if (!isUuid(contactId)) return { ok: false, error: "notFound" };
  const error = await checkReferences(runtime.db, input);
  if (error) return { ok: false, error };
  const values = profileValues(input);
  return runtime.db.transaction(async (tx) => {
    const [before] = await tx.select().from(contacts).where(eq(contacts.id, contactId)).for("update");
    if (!before) return { ok: false as const, error: "notFound" as const };
    if (before.mergedIntoId) return { ok: false as const, error: "merged" as const };
    const changed = Object.keys(values).filter(
      (k) => comparable(before[k as keyof typeof before]) !== comparable(values[k as keyof typeof values]),
    );
    if (changed.length === 0) return { ok: true as const, changed };
    await tx
      .update(contacts)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(contacts.id, contactId));
    // which fields, not their values: the audit log must not become a second copy of personal data
    await audit(tx, actor, { action: "contact.updated", entityType: "contact", entityId: contactId, data: { fields: changed } });
    await runtime.bus.emit(tx, contactUpdatedEvent, { contactId, fields: changed });
    return { ok: true as const, changed };
  });
}

/**
 * Adds an identifier. Identifiers are unique per system across all contacts: when the value
 * already belongs to someone, says who (staff may follow the link and merge).
 */
export async function addIdentifier(
  db: Database,
  actor: StaffActor,
  contactId: string,
  input: { system: ContactIdentifierSystem; value: string },
): Promise<{ ok: true; id: string } | { ok: false; error: "notFound" } | { ok: false; error: "identifierTaken"; conflict: IdentifierConflict | null }> {
  if (!isUuid(contactId)) return { ok: false, error: "notFound" };
  return db.transaction(async (tx) => {
    const [contact] = await tx.select({ id: contacts.id, mergedIntoId: contacts.mergedIntoId }).from(contacts).where(eq(contacts.id, contactId));
    if (!contact || contact.mergedIntoId) return { ok: false as const, error: "notFound" as const };
    const [created] = await tx
      .insert(contactIdentifiers)
      .values({ contactId, system: input.system, value: input.value })
      .onConflictDoNothing({ target: [contactIdentifiers.system, contactIdentifiers.value] })
      .returning({ id: contactIdentifiers.id });
    if (!created) {
      const [owner] = await tx
        .select({ contactId: contacts.id, fullName: contacts.fullName })
        .from(contactIdentifiers)
        .innerJoin(contacts, eq(contacts.id, contactIdentifiers.contactId))
        .where(and(eq(contactIdentifiers.system, input.system), eq(contactIdentifiers.value, input.value)));
      // the other row may have gone in between; then the conflict has no name to show
      const conflict = owner ? { system: input.system, value: input.value, contactId: owner.contactId, fullName: owner.fullName } : null;
      return { ok: false as const, error: "identifierTaken" as const, conflict };
    }
    await audit(tx, actor, { action: "contact.identifier_added", entityType: "contact", entityId: contactId, data: { system: input.system } });
    return { ok: true as const, id: created.id };
  });
}

export async function removeIdentifier(db: Database, actor: StaffActor, contactId: string, identifierId: string) {
  if (!isUuid(contactId) || !isUuid(identifierId)) return { ok: false as const, error: "notFound" as const };
  return db.transaction(async (tx) => {
    // scoped by contact too, so a forged id of another contact's identifier removes nothing
    const [removed] = await tx
      .delete(contactIdentifiers)
      .where(and(eq(contactIdentifiers.id, identifierId), eq(contactIdentifiers.contactId, contactId)))
      .returning({ system: contactIdentifiers.system });
    if (!removed) return { ok: false as const, error: "notFound" as const };
    await audit(tx, actor, { action: "contact.identifier_removed", entityType: "contact", entityId: contactId, data: { system: removed.system } });
    return { ok: true as const };
  });
}

/** Puts a contact on the blacklist with a reason, or takes it off. */
export async function setBlacklisted(
  runtime: Runtime,
  actor: StaffActor,
  contactId: string,
  input: { blacklisted: true; reason: string } | { blacklisted: false },
) {
  if (!isUuid(contactId)) return { ok: false as const, error: "notFound" as const };
  return runtime.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(contacts)
      .set({
        blacklisted: input.blacklisted,
        blacklistReason: input.blacklisted ? input.reason : null,
        updatedAt: new Date(),
      })
      .where(and(eq(contacts.id, contactId), sql`${contacts.mergedIntoId} is null`))
      .returning({ id: contacts.id });
    if (!updated) return { ok: false as const, error: "notFound" as const };
    await audit(tx, actor, {
      action: input.blacklisted ? "contact.blacklisted" : "contact.unblacklisted",
      entityType: "contact",
      entityId: contactId,
      data: input.blacklisted ? { reason: input.reason } : undefined,
    });
    await runtime.bus.emit(tx, contactBlacklistedEvent, { contactId, blacklisted: input.blacklisted });
    return { ok: true as const };
  });
}
