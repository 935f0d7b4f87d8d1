// The contact 360 page's data: profile, identifiers, consents, open work, surveys, plugin panels.
// Reading it is itself audited (who saw whose data, UU PDP).
import { and, asc, desc, eq, inArray, isNotNull, notInArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "../../../db/client.ts";
import { branches, contactIdentifiers, contacts, surveys, tasks, tickets, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { consentsOf, setConsent, type ConsentPurpose } from "../consents/consents.server.ts";
import { defaultTimeZone, type TimeZone } from "../i18n/format.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { Actor, ContactPanel, PanelView, Translate } from "../plugins/contract.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

const openTaskStatuses = ["open", "in_progress"] as const;
const closedTicketStatuses = ["resolved", "closed"] as const;
const listLimit = 10;

/** Where a merged contact now lives (following a chain of merges), or null when it was never merged. */
async function keptContactId(db: Database, mergedIntoId: string) {
  let id = mergedIntoId;
  for (let hop = 0; hop < 5; hop++) {
    const [row] = await db.select({ mergedIntoId: contacts.mergedIntoId }).from(contacts).where(eq(contacts.id, id));
    if (!row?.mergedIntoId) return id;
    id = row.mergedIntoId;
  }
  return id;
}

const owner = alias(users, "owner");

export type Contact360 = NonNullable<Awaited<ReturnType<typeof loadProfile>>>;

async function loadProfile(db: Database, contactId: string) {
  const [row] = await db
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
      tags: contacts.tags,
      blacklisted: contacts.blacklisted,
      blacklistReason: contacts.blacklistReason,
      mergedIntoId: contacts.mergedIntoId,
      source: contacts.source,
      createdAt: contacts.createdAt,
      updatedAt: contacts.updatedAt,
      ownerId: contacts.ownerId,
      ownerName: owner.name,
      branchId: contacts.branchId,
      branchName: branches.name,
      branchTimeZone: branches.timeZone,
    })
    .from(contacts)
    .leftJoin(owner, eq(owner.id, contacts.ownerId))
    .leftJoin(branches, eq(branches.id, contacts.branchId))
    .where(eq(contacts.id, contactId));
  return row ?? null;
}

/**
 * Everything the 360 page shows except the timeline and plugin panels. Returns a redirect target
 * for a merged contact, null when there is none. Writes `contact.viewed` to the audit log.
 */
export async function loadContact360(
  db: Database,
  actor: StaffActor,
  contactId: string,
  options: { ip?: string | null } = {},
) {
  if (!isUuid(contactId)) return null;
  const contact = await loadProfile(db, contactId);
  if (!contact) return null;
  if (contact.mergedIntoId) return { kind: "merged" as const, keptId: await keptContactId(db, contact.mergedIntoId) };

  const canReadTickets = actor.permissions.has("core.ticket.read");
  const canReadSurveys = actor.permissions.has("core.survey.read");
  const assignee = alias(users, "assignee");
  const [identifiers, consents, openTasks, openTickets, answeredSurveys] = await Promise.all([
    db
      .select({ id: contactIdentifiers.id, system: contactIdentifiers.system, value: contactIdentifiers.value })
      .from(contactIdentifiers)
      .where(eq(contactIdentifiers.contactId, contactId))
      .orderBy(asc(contactIdentifiers.system), asc(contactIdentifiers.value)),
    consentsOf(db, contactId),
    db
      .select({
        id: tasks.id,
        title: tasks.title,
        dueAt: tasks.dueAt,
        priority: tasks.priority,
        status: tasks.status,
        assigneeName: assignee.name,
        overdue: sql<boolean>`coalesce(${tasks.dueAt} < now(), false)`,
      })
      .from(tasks)
      .leftJoin(assignee, eq(assignee.id, tasks.assigneeId))
      .where(and(eq(tasks.contactId, contactId), inArray(tasks.status, [...openTaskStatuses])))
      .orderBy(sql`${tasks.dueAt} asc nulls last`, desc(tasks.createdAt))
      .limit(listLimit),
    canReadTickets
      ? db
          .select({
            id: tickets.id,
            number: tickets.number,
            subject: tickets.subject,
            status: tickets.status,
            priority: tickets.priority,
            slaDueAt: tickets.slaDueAt,
            breached: sql<boolean>`${tickets.slaDueAt} < now()`,
          })
          .from(tickets)
          .where(and(eq(tickets.contactId, contactId), notInArray(tickets.status, [...closedTicketStatuses])))
          .orderBy(desc(tickets.createdAt))
          .limit(listLimit)
      : Promise.resolve(null),
    canReadSurveys
      ? db
          .select({ id: surveys.id, sourceType: surveys.sourceType, rating: surveys.rating, comment: surveys.comment, answeredAt: surveys.answeredAt })
          .from(surveys)
          .where(and(eq(surveys.contactId, contactId), isNotNull(surveys.answeredAt)))
          .orderBy(desc(surveys.answeredAt))
          .limit(listLimit)
      : Promise.resolve(null),
  ]);
  await audit(db, actor, { action: "contact.viewed", entityType: "contact", entityId: contactId, ip: options.ip ?? null });
  const timeZone: TimeZone = contact.branchTimeZone ?? defaultTimeZone;
  return {
    kind: "found" as const,
    contact,
    timeZone,
    identifiers,
    consents,
    openTasks,
    openTickets,
    answeredSurveys: answeredSurveys?.map((s) => ({ ...s, answeredAt: s.answeredAt! })) ?? null,
  };
}

/** The panels enabled plugins put on the page, as view models; a failing panel is left out. */
export async function loadContactPanels(
  panels: (ContactPanel & { pluginId: string })[],
  contactId: string,
  ctx: { db: Database; actor: StaffActor; language: "id" | "en"; t: (pluginId: string) => Translate; logger?: Logger },
): Promise<{ id: string; view: PanelView }[]> {
  const loaded = await Promise.all(
    panels.map(async (panel) => {
      try {
        const view = await panel.load(contactId, { db: ctx.db, actor: ctx.actor, language: ctx.language, t: ctx.t(panel.pluginId) });
        return view ? { id: `${panel.pluginId}:${panel.id}`, view } : null;
      } catch (error) {
        ctx.logger?.warn({ err: error, plugin: panel.pluginId, panel: panel.id }, "contact panel failed");
        return null;
      }
    }),
  );
  return loaded.filter((p): p is { id: string; view: PanelView } => p !== null);
}

/** A consent the contact gave or withdrew in person, recorded by the staff member who heard it. */
export async function recordConsentInPerson(
  db: Database,
  actor: StaffActor,
  contactId: string,
  input: { purpose: ConsentPurpose; granted: boolean },
) {
  if (!isUuid(contactId)) return { ok: false as const, error: "notFound" as const };
  return db.transaction(async (tx) => {
    const [contact] = await tx.select({ mergedIntoId: contacts.mergedIntoId }).from(contacts).where(eq(contacts.id, contactId));
    if (!contact || contact.mergedIntoId) return { ok: false as const, error: "notFound" as const };
    await setConsent(tx, actor, { contactId, purpose: input.purpose, granted: input.granted, source: "staff" });
    return { ok: true as const };
  });
}
