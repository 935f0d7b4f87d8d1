// One timeline per contact: rows of the interactions table (staff-logged touchpoints, messages,
// tickets, portal activity) merged with entries enabled plugins contribute, newest first,
// keyset-paginated across all sources.
import { and, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { branches, interactions, messages, surveys, tickets, users, whatsappMedia, type messageStatuses } from "../../../db/schema/index.ts";
import type { TimeZone } from "../i18n/format.ts";
import { fixedT } from "../i18n/i18n.server.ts";
import type { Logger } from "../logging/logger.server.ts";
import type { Actor, TimelineSource, Translate } from "../plugins/contract.ts";
import { isUuid } from "../validation/ids.ts";
import { cursorPart, decodeCursor, encodeCursor } from "../validation/cursor.server.ts";
import { z } from "../validation/validation.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export const timelinePageSize = 20;

export interface TimelineItem {
  /** Unique across sources: "core" or "<plugin-id>/<type>", then the entry's id. */
  source: string;
  id: string;
  at: Date;
  channel: string;
  direction: string | null;
  title: string;
  body: string | null;
  href: string | null;
  icon: string | null;
  who: string | null;
  timeZone: TimeZone;
  /** Delivery state of the message behind the entry (messages sent, survey requests); null otherwise. */
  delivery: DeliveryStatus | null;
}

export type DeliveryStatus = (typeof messageStatuses)[number];

/**
 * Delivery states for one page in one query: entries whose source is a message (keyed by message
 * id) and survey requests, whose interaction points at the survey and whose e-mail carries the
 * survey id in its params (keyed "survey:<id>").
 */
async function deliveryStatuses(db: Database, contactId: string, messageIds: string[], surveyIds: string[]) {
  const result = new Map<string, DeliveryStatus>();
  if (!messageIds.length && !surveyIds.length) return result;
  const surveyIdOf = sql<string | null>`${messages.params}->>'surveyId'`;
  const rows = await db
    .select({ id: messages.id, status: messages.status, surveyId: surveyIdOf })
    .from(messages)
    .where(
      or(
        messageIds.length ? inArray(messages.id, messageIds) : undefined,
        surveyIds.length
          ? and(eq(messages.contactId, contactId), eq(messages.template, "surveys.request"), inArray(surveyIdOf, surveyIds))
          : undefined,
      ),
    );
  for (const row of rows) {
    if (row.surveyId && surveyIds.includes(row.surveyId)) result.set(`survey:${row.surveyId}`, row.status);
    else result.set(row.id, row.status);
  }
  return result;
}

/**
 * Core entries about tickets and surveys are stored with a title in the default language; they are
 * written again here in the reader's language from the ticket or survey itself (two queries at most
 * per page). An entry whose record is gone keeps its stored title.
 */
async function localisedTitles(
  db: Database,
  language: "id" | "en",
  rows: { id: string; channel: string; direction: string | null; sourceType: string | null; sourceId: string | null }[],
) {
  const titles = new Map<string, string>();
  const ticketIds = [...new Set(rows.filter((r) => r.sourceType === "ticket" && r.channel === "ticket" && r.sourceId && isUuid(r.sourceId)).map((r) => r.sourceId!))];
  const surveyIds = [
    ...new Set(rows.filter((r) => r.sourceType === "survey" && r.channel === "survey" && r.direction === "inbound" && r.sourceId && isUuid(r.sourceId)).map((r) => r.sourceId!)),
  ];
  const [ticketRows, surveyRows] = await Promise.all([
    ticketIds.length ? db.select({ id: tickets.id, number: tickets.number, subject: tickets.subject }).from(tickets).where(inArray(tickets.id, ticketIds)) : [],
    surveyIds.length ? db.select({ id: surveys.id, rating: surveys.rating }).from(surveys).where(inArray(surveys.id, surveyIds)) : [],
  ]);
  const ticketById = new Map(ticketRows.map((t) => [t.id, t]));
  const ratingById = new Map(surveyRows.map((s) => [s.id, s.rating]));
  const t = fixedT(language, "staff");
  for (const r of rows) {
    if (r.sourceType === "ticket" && r.channel === "ticket" && r.sourceId) {
      const ticket = ticketById.get(r.sourceId);
      if (ticket) titles.set(r.id, t(r.direction === "outbound" ? "tickets.timeline.resolved" : "tickets.timeline.opened", { number: ticket.number, subject: ticket.subject }));
    } else if (r.sourceType === "survey" && r.channel === "survey") {
      if (r.direction === "outbound") titles.set(r.id, t("surveys.timeline.sent"));
      else if (r.sourceId) {
        const rating = ratingById.get(r.sourceId);
        if (rating) titles.set(r.id, t("surveys.timeline.answered", { rating: t(`surveys.ratings.${rating}`) }));
      }
    }
  }
  return titles;
}


/**
 * The sort key: time to the microsecond (fixed width, so strings compare like times), then
 * source, then id. Newest first = largest key first.
 */
type Key = { at: string; source: string; id: string };

function compareKeys(a: Key, b: Key) {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

const preciseAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const microKey = (date: Date) => date.toISOString().replace("Z", "000Z");

const timelineCursor = z
  .tuple([z.string().regex(preciseAt), cursorPart.text(200), cursorPart.text(200)])
  .transform(([at, source, id]): Key => ({ at, source, id }));

export function encodeTimelineCursor(key: Key) {
  return encodeCursor([key.at, key.source, key.id]);
}

export function decodeTimelineCursor(value: string | null | undefined): Key | null {
  return decodeCursor(value, timelineCursor);
}

const coreHref: Record<string, (id: string) => string> = {
  ticket: (id) => `/staff/tickets/${encodeURIComponent(id)}`,
  task: (id) => `/staff/tasks/${encodeURIComponent(id)}`,
};

type Fetched = { items: (TimelineItem & { key: Key })[]; exhausted: boolean; floor: Key | null };

async function fetchInteractions(
  db: Database,
  input: { contactId: string; channel?: string; cursor: Key | null; limit: number; timeZone: TimeZone; language: "id" | "en" },
): Promise<Fetched> {
  const conditions: SQL[] = [eq(interactions.contactId, input.contactId)];
  if (input.channel) conditions.push(sql`${interactions.channel} = ${input.channel}`);
  const c = input.cursor;
  if (c) {
    if (c.source === "core") conditions.push(sql`(${interactions.occurredAt}, ${interactions.id}) < (${c.at}::timestamptz, ${c.id}::uuid)`);
    else if ("core" < c.source) conditions.push(sql`${interactions.occurredAt} <= ${c.at}::timestamptz`);
    else conditions.push(sql`${interactions.occurredAt} < ${c.at}::timestamptz`);
  }
  const rows = await db
    .select({
      id: interactions.id,
      at: interactions.occurredAt,
      atKey: sql<string>`to_char(${interactions.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      channel: interactions.channel,
      direction: interactions.direction,
      subject: interactions.subject,
      body: interactions.body,
      sourceType: interactions.sourceType,
      sourceId: interactions.sourceId,
      who: users.name,
      timeZone: branches.timeZone,
      // a photo, voice note or document a contact sent on WhatsApp: the entry links to the file
      hasMedia: sql<boolean>`${whatsappMedia.id} is not null`,
    })
    .from(interactions)
    .leftJoin(whatsappMedia, eq(whatsappMedia.interactionId, interactions.id))
    .leftJoin(users, eq(users.id, interactions.staffUserId))
    .leftJoin(branches, eq(branches.id, interactions.branchId))
    .where(and(...conditions))
    // NULLS LAST as in interactions_contact_timeline_idx, so the page is read straight off the index
    .orderBy(sql`${interactions.occurredAt} desc nulls last`, sql`${interactions.id} desc nulls last`)
    .limit(input.limit);
  const messageIds = rows.filter((r) => r.sourceType === "message" && r.sourceId && isUuid(r.sourceId)).map((r) => r.sourceId!);
  const surveyIds = rows.filter((r) => r.sourceType === "survey" && r.sourceId && isUuid(r.sourceId)).map((r) => r.sourceId!);
  const [statuses, titles] = await Promise.all([deliveryStatuses(db, input.contactId, messageIds, surveyIds), localisedTitles(db, input.language, rows)]);
  const items = rows.map((r) => ({
    source: "core",
    id: r.id,
    at: r.at,
    channel: r.channel,
    direction: r.direction,
    title: titles.get(r.id) ?? r.subject,
    body: r.body,
    href: r.hasMedia ? `/staff/whatsapp/media/${r.id}` : r.sourceType && r.sourceId && coreHref[r.sourceType] ? coreHref[r.sourceType](r.sourceId) : null,
    icon: null,
    who: r.who,
    timeZone: r.timeZone ?? input.timeZone,
    delivery:
      (r.sourceType === "message" && r.sourceId ? statuses.get(r.sourceId) : undefined) ??
      (r.sourceType === "survey" && r.sourceId ? statuses.get(`survey:${r.sourceId}`) : undefined) ??
      null,
    key: { at: r.atKey, source: "core", id: r.id },
  }));
  const exhausted = rows.length < input.limit;
  return { items, exhausted, floor: exhausted ? null : items[items.length - 1].key };
}

export type PluginTimelineSource = TimelineSource & { pluginId: string };

async function fetchPluginSource(
  source: PluginTimelineSource,
  input: { contactId: string; channel?: string; cursor: Key | null; limit: number; timeZone: TimeZone; now: Date },
  ctx: { db: Database; actor: StaffActor; language: "id" | "en"; t: Translate },
): Promise<Fetched> {
  const sourceName = `${source.pluginId}/${source.type}`;
  const items: Fetched["items"] = [];
  let cursor = input.cursor;
  // with a channel filter a source may hand back entries of other channels; ask again a few times
  for (let round = 0; round < 3; round++) {
    // `before` is exclusive and in milliseconds: ask from just after the cursor's millisecond and
    // drop what is not strictly older than the cursor
    const before = cursor ? new Date(Date.parse(`${cursor.at.slice(0, 23)}Z`) + 1) : new Date(input.now.getTime() + 1);
    const raw = await source.list(input.contactId, { before, limit: input.limit }, ctx);
    const keyed = raw
      .filter((e) => e.at instanceof Date && !Number.isNaN(e.at.getTime()) && typeof e.id === "string")
      .map((e) => ({ entry: e, key: { at: microKey(e.at), source: sourceName, id: e.id } }))
      .filter(({ key }) => !cursor || compareKeys(key, cursor) < 0)
      .sort((a, b) => compareKeys(b.key, a.key));
    for (const { entry, key } of keyed) {
      if (input.channel && entry.channel !== input.channel) continue;
      items.push({
        source: sourceName,
        id: entry.id,
        at: entry.at,
        channel: entry.channel,
        direction: null,
        title: entry.view.title,
        body: entry.view.body ?? null,
        href: entry.view.href ?? null,
        icon: entry.view.icon ?? null,
        who: null,
        timeZone: input.timeZone,
        delivery: null,
        key,
      });
    }
    const exhausted = raw.length < input.limit;
    const oldest = keyed.at(-1)?.key ?? null;
    if (exhausted) return { items, exhausted: true, floor: null };
    // a source that ignores `before` and returns only entries we already had: nothing more to get
    if (!oldest) return { items, exhausted: true, floor: null };
    if (items.length >= input.limit || !input.channel) return { items, exhausted: false, floor: oldest };
    cursor = oldest;
  }
  return { items, exhausted: false, floor: cursor };
}

/**
 * One page of a contact's timeline. Every source (the interactions table and each plugin source)
 * returns up to `limit + 1` entries older than the cursor; a source that may hold more sets a
 * floor, and the page stops at the highest floor so no entry of any source is ever skipped.
 */
export async function listTimeline(
  db: Database,
  actor: StaffActor,
  input: { contactId: string; channel?: string; after?: string | null; limit?: number; timeZone: TimeZone },
  plugins: { sources: PluginTimelineSource[]; language: "id" | "en"; t: (pluginId: string) => Translate; logger?: Logger },
): Promise<{ items: TimelineItem[]; next: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? timelinePageSize, 1), 100);
  const cursor = decodeTimelineCursor(input.after);
  const request = { contactId: input.contactId, channel: input.channel, cursor, limit: limit + 1, timeZone: input.timeZone };
  const now = new Date();
  const fetched = await Promise.all([
    fetchInteractions(db, { ...request, language: plugins.language }),
    ...plugins.sources.map(async (source) => {
      try {
        return await fetchPluginSource(source, { ...request, now }, { db, actor, language: plugins.language, t: plugins.t(source.pluginId) });
      } catch (error) {
        // one broken plugin must not take the contact's page down with it
        plugins.logger?.warn({ err: error, plugin: source.pluginId, type: source.type }, "timeline source failed");
        return { items: [], exhausted: true, floor: null } satisfies Fetched;
      }
    }),
  ]);
  const floors = fetched.filter((f) => !f.exhausted && f.floor).map((f) => f.floor!);
  const cutoff = floors.sort(compareKeys).at(-1) ?? null;
  const candidates = fetched
    .flatMap((f) => f.items)
    .filter((item) => !cutoff || compareKeys(item.key, cutoff) >= 0)
    .sort((a, b) => compareKeys(b.key, a.key));
  const page = candidates.slice(0, limit);
  let next: Key | null = null;
  if (candidates.length > limit) next = page[page.length - 1].key;
  else if (cutoff) next = cutoff;
  return {
    items: page.map(({ key: _key, ...item }) => item),
    next: next ? encodeTimelineCursor(next) : null,
  };
}
