// Merging a duplicate contact into the record that is kept. One transaction moves every
// touchpoint (timeline, tasks, tickets, surveys, messages, identifiers, consents, portal users),
// marks the duplicate merged, keeps a snapshot of what it held, audits, and announces
// `core.contact.merged` so plugins move their own rows in the same commit.
import { eq, inArray, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import {
  branches,
  consents,
  profilingObjections,
  contactIdentifiers,
  contactMerges,
  contacts,
  interactions,
  messages,
  surveys,
  tasks,
  tickets,
  users,
} from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { contactMergedEvent } from "../events/core-events.ts";
import type { EventBus } from "../events/event-bus.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { mergeFields, type MergeChoices, type MergeField } from "./contact-merge.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

/** Payload of `core.contact.merged`, version 1: plugins move their rows from merged to kept. */
export type { ContactMergedV1 } from "../events/core-events.ts";

async function touchpointCounts(db: Database, contactId: string) {
  const count = (table: string, column = "contact_id") =>
    sql<number>`(select count(*)::int from ${sql.identifier(table)} where ${sql.identifier(column)} = ${contactId}::uuid)`;
  const [row] = await db
    .select({
      interactions: count("interactions"),
      tasks: count("tasks"),
      tickets: count("tickets"),
      surveys: count("surveys"),
      messages: count("messages"),
      identifiers: count("contact_identifiers"),
      consents: count("consents"),
      users: count("users"),
    })
    .from(sql`(select 1) as one`);
  return row;
}

/** Both records side by side for the merge screen, or the reason they cannot be merged. */
export async function mergeCandidates(db: Database, _actor: StaffActor, input: { keepId: string; mergeId: string }) {
  if (!isUuid(input.keepId) || !isUuid(input.mergeId)) return { ok: false as const, error: "notFound" as const };
  if (input.keepId === input.mergeId) return { ok: false as const, error: "same" as const };
  const owner = sql<string | null>`(select ${users.name} from ${users} where ${users.id} = ${contacts.ownerId})`;
  const rows = await db
    .select({
      id: contacts.id,
      fullName: contacts.fullName,
      email: contacts.email,
      phone: contacts.phone,
      birthDate: contacts.birthDate,
      gender: contacts.gender,
      address: contacts.address,
      city: contacts.city,
      preferredLocale: contacts.preferredLocale,
      preferredChannel: contacts.preferredChannel,
      lifecycleStage: contacts.lifecycleStage,
      branchId: contacts.branchId,
      branchName: branches.name,
      ownerId: contacts.ownerId,
      ownerName: owner,
      tags: contacts.tags,
      blacklisted: contacts.blacklisted,
      blacklistReason: contacts.blacklistReason,
      mergedIntoId: contacts.mergedIntoId,
      source: contacts.source,
      createdAt: contacts.createdAt,
    })
    .from(contacts)
    .leftJoin(branches, eq(branches.id, contacts.branchId))
    .where(inArray(contacts.id, [input.keepId, input.mergeId]));
  const keep = rows.find((r) => r.id === input.keepId);
  const merge = rows.find((r) => r.id === input.mergeId);
  if (!keep || !merge) return { ok: false as const, error: "notFound" as const };
  if (keep.mergedIntoId || merge.mergedIntoId) return { ok: false as const, error: "alreadyMerged" as const };
  const identifiers = await db
    .select({ contactId: contactIdentifiers.contactId, system: contactIdentifiers.system, value: contactIdentifiers.value })
    .from(contactIdentifiers)
    .where(inArray(contactIdentifiers.contactId, [keep.id, merge.id]));
  const [keepCounts, mergeCounts] = await Promise.all([touchpointCounts(db, keep.id), touchpointCounts(db, merge.id)]);
  return {
    ok: true as const,
    keep: { ...keep, identifiers: identifiers.filter((i) => i.contactId === keep.id), counts: keepCounts },
    merge: { ...merge, identifiers: identifiers.filter((i) => i.contactId === merge.id), counts: mergeCounts },
  };
}

export type MergeError = "notFound" | "same" | "alreadyMerged";

/**
 * Merges `mergeId` into `keepId`. Field values come from `choices` (the kept record's by default,
 * the duplicate's where the kept one is empty); tags are joined; a blacklist on either survives.
 */
export async function mergeContacts(
  db: Database,
  bus: Pick<EventBus, "emit">,
  actor: StaffActor,
  input: { keepId: string; mergeId: string; choices: MergeChoices },
): Promise<{ ok: true; mergeId: string } | { ok: false; error: MergeError }> {
  if (!isUuid(input.keepId) || !isUuid(input.mergeId)) return { ok: false, error: "notFound" };
  if (input.keepId === input.mergeId) return { ok: false, error: "same" };
  return db.transaction(async (tx) => {
    // both rows locked in id order, so two merges of overlapping pairs cannot deadlock
    const locked = await tx
      .select()
      .from(contacts)
      .where(inArray(contacts.id, [input.keepId, input.mergeId]))
      .orderBy(contacts.id)
      .for("update");
    const keep = locked.find((c) => c.id === input.keepId);
    const merge = locked.find((c) => c.id === input.mergeId);
    if (!keep || !merge) return { ok: false as const, error: "notFound" as const };
    if (keep.mergedIntoId || merge.mergedIntoId) return { ok: false as const, error: "alreadyMerged" as const };

    const mergedIdentifiers = await tx.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, merge.id));
    const mergedConsents = await tx.select().from(consents).where(eq(consents.contactId, merge.id));
    const keptConsents = await tx.select().from(consents).where(eq(consents.contactId, keep.id));

    // ---- the kept record's profile
    const chosen: Partial<Record<MergeField, unknown>> = {};
    for (const field of mergeFields) {
      const kept = keep[field];
      const other = merge[field];
      const choice = input.choices[field] ?? (kept === null || kept === "" ? "merge" : "keep");
      chosen[field] = choice === "merge" && other !== null && other !== "" ? other : kept;
    }
    const tags = [...new Set([...keep.tags, ...merge.tags])];
    const blacklisted = keep.blacklisted || merge.blacklisted;
    const blacklistReason = keep.blacklisted ? keep.blacklistReason : merge.blacklisted ? merge.blacklistReason : null;
    await tx
      .update(contacts)
      .set({ ...(chosen as Partial<typeof contacts.$inferInsert>), tags, blacklisted, blacklistReason, updatedAt: new Date() })
      .where(eq(contacts.id, keep.id));

    // ---- every touchpoint moves to the kept record
    const moved = {
      interactions: (await tx.update(interactions).set({ contactId: keep.id }).where(eq(interactions.contactId, merge.id)).returning({ id: interactions.id })).length,
      tasks: (await tx.update(tasks).set({ contactId: keep.id }).where(eq(tasks.contactId, merge.id)).returning({ id: tasks.id })).length,
      tickets: (await tx.update(tickets).set({ contactId: keep.id }).where(eq(tickets.contactId, merge.id)).returning({ id: tickets.id })).length,
      surveys: (await tx.update(surveys).set({ contactId: keep.id }).where(eq(surveys.contactId, merge.id)).returning({ id: surveys.id })).length,
      messages: (await tx.update(messages).set({ contactId: keep.id }).where(eq(messages.contactId, merge.id)).returning({ id: messages.id })).length,
      users: (await tx.update(users).set({ contactId: keep.id }).where(eq(users.contactId, merge.id)).returning({ id: users.id })).length,
      identifiers: 0,
      consents: 0,
    };

    // identifiers: (system, value) is unique, so the same value cannot sit on both; a value
    // written differently (spaces in a NIK) is the same identifier and is not copied twice
    const keptIdentifiers = await tx.select({ system: contactIdentifiers.system, value: contactIdentifiers.value }).from(contactIdentifiers).where(eq(contactIdentifiers.contactId, keep.id));
    const norm = (system: string, value: string) => `${system}:${value.replace(/[\s.-]/g, "").toLowerCase()}`;
    const keptKeys = new Set(keptIdentifiers.map((i) => norm(i.system, i.value)));
    const duplicateIds = mergedIdentifiers.filter((i) => keptKeys.has(norm(i.system, i.value))).map((i) => i.id);
    if (duplicateIds.length) await tx.delete(contactIdentifiers).where(inArray(contactIdentifiers.id, duplicateIds));
    moved.identifiers = (
      await tx.update(contactIdentifiers).set({ contactId: keep.id }).where(eq(contactIdentifiers.contactId, merge.id)).returning({ id: contactIdentifiers.id })
    ).length;

    // consents: per purpose the most recent answer wins, whichever record it was given on
    for (const theirs of mergedConsents) {
      const ours = keptConsents.find((c) => c.purpose === theirs.purpose);
      if (ours && ours.updatedAt >= theirs.updatedAt) continue;
      await tx
        .insert(consents)
        .values({ ...theirs, contactId: keep.id })
        .onConflictDoUpdate({
          target: [consents.contactId, consents.purpose],
          set: { granted: theirs.granted, source: theirs.source, wordingVersion: theirs.wordingVersion, recordedBy: theirs.recordedBy, updatedAt: theirs.updatedAt },
        });
      moved.consents++;
    }
    await tx.delete(consents).where(eq(consents.contactId, merge.id));
    // the consent ledger is proof and append-only: the kept record gets a copy of the merged one's history
    await tx.execute(sql`insert into consent_records (contact_id, purpose, granted, notice_version, channel, recorded_by_kind, recorded_by, at)
      select ${keep.id}, purpose, granted, notice_version, channel, recorded_by_kind, recorded_by, at from consent_records where contact_id = ${merge.id} order by id`);
    // an objection to profiling made on either record stands for the person
    await tx.execute(sql`insert into profiling_objections (contact_id, source, recorded_by, objected_at)
      select ${keep.id}, source, recorded_by, objected_at from profiling_objections where contact_id = ${merge.id} on conflict do nothing`);
    await tx.delete(profilingObjections).where(eq(profilingObjections.contactId, merge.id));

    // ---- the duplicate stays as a tombstone pointing at the kept record (and so do earlier merges into it)
    await tx
      .update(contacts)
      .set({ mergedIntoId: keep.id, updatedAt: new Date() })
      .where(or(eq(contacts.id, merge.id), eq(contacts.mergedIntoId, merge.id)));

    const snapshot = {
      version: 1,
      merged: { ...merge, createdAt: merge.createdAt.toISOString(), updatedAt: merge.updatedAt.toISOString() },
      keptBefore: Object.fromEntries(mergeFields.map((f) => [f, keep[f]])),
      keptTagsBefore: keep.tags,
      identifiers: mergedIdentifiers.map((i) => ({ system: i.system, value: i.value })),
      consents: mergedConsents.map((c) => ({ purpose: c.purpose, granted: c.granted, source: c.source, updatedAt: c.updatedAt.toISOString() })),
      choices: input.choices,
      moved,
    };
    await tx.insert(contactMerges).values({ keptContactId: keep.id, mergedContactId: merge.id, mergedBy: actor.userId, snapshot });
    await audit(tx, actor, {
      action: "contact.merged",
      entityType: "contact",
      entityId: keep.id,
      data: { mergedContactId: merge.id, moved, fields: Object.keys(input.choices).filter((f) => input.choices[f as MergeField] === "merge") },
    });
    await bus.emit(tx, contactMergedEvent, { keptContactId: keep.id, mergedContactId: merge.id });
    return { ok: true as const, mergeId: merge.id };
  });
}
