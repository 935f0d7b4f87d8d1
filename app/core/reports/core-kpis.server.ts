// The core's own KPIs: contacts, tickets, satisfaction, tasks, messages and consent. Their strings
// live in the `reports` namespace under `kpis.<id>`; plugins contribute theirs through defineServer.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../../db/client.ts";
import { consentPurposes } from "../../../db/schema/consents.ts";
import type { KpiDefinition, KpiQuery } from "../plugins/contract.ts";
import { aggregate, branchDimension, dailyBy, distinctAggregate } from "./kpi-aggregate.server.ts";
import { inBranchesSql, inRangeSql } from "./kpi-sql.server.ts";

const strings = (id: string, withDenominator: boolean) => ({
  name: `kpis.${id}.name`,
  definition: `kpis.${id}.definition`,
  numerator: `kpis.${id}.numerator`,
  ...(withDenominator ? { denominator: `kpis.${id}.denominator` } : {}),
});

const live = sql.raw(`c.merged_into_id is null`);
// What marks days for the daily rollups (ADR 021): the columns deciding each record's day; a contact
// moving branch moves every message of theirs, so it asks for a full rebuild.
const contactsSource = { table: "contacts", days: ["created_at", "*branch_id"] };
const ticketsSource = { table: "tickets", days: ["created_at", "resolved_at", "closed_at"] };
const surveysSource = { table: "surveys", days: ["sent_at", "answered_at"] };
const openTicket = sql.raw(`t.status not in ('resolved','closed')`);
const resolvedAt = sql.raw(`coalesce(t.resolved_at, t.closed_at)`);
/** Tickets resolved (or closed) on a day of the range, in their branch's zone. */
const resolvedInRange = (q: KpiQuery) => sql`${resolvedAt} is not null and ${inRangeSql(resolvedAt, sql`t.branch_id`, q)}`;

const newContacts: KpiDefinition = {
  id: "contacts.new",
  ...strings("contacts.new", false),
  unit: "count",
  permission: "core.report.read",
  dimensions: ["branch"],
  better: "up",
  rollup: { sources: [contactsSource] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`contacts c`,
      where: sql`${live} and ${inRangeSql(sql`c.created_at`, sql`c.branch_id`, q)}`,
      numerator: sql`count(*)`,
      dimensions: { branch: branchDimension(sql`c.branch_id`) },
      daily: dailyBy(sql`c.created_at`, sql`c.branch_id`),
    }),
  records: async (q, { db }) =>
    rowsOf<{ id: string; full_name: string; created_at: Date }>(
      await db.execute(sql`select c.id, c.full_name, c.created_at from contacts c
        where ${live} and ${inRangeSql(sql`c.created_at`, sql`c.branch_id`, q)} order by c.created_at desc limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: `/staff/contacts/${r.id}`, at: new Date(r.created_at) })),
};

const activeContacts: KpiDefinition = {
  id: "contacts.active",
  ...strings("contacts.active", false),
  unit: "count",
  permission: "core.report.read",
  dimensions: ["branch", "channel"],
  better: "up",
  // a distinct count, rolled up by each contact's previous active day (ADR 028); a merge moves the
  // duplicate's interactions to the kept contact, and that update marks their days
  rollup: { sources: [{ table: "interactions", days: ["occurred_at"] }], distinct: true },
  compute: (q, { db }) =>
    distinctAggregate(db, q, {
      from: sql`interactions i join contacts c on c.id = i.contact_id`,
      where: live,
      entity: sql`i.contact_id`,
      at: sql`i.occurred_at`,
      branch: sql`i.branch_id`,
      numerator: { atLeast: 1 },
      dimensions: { branch: branchDimension(sql`i.branch_id`), channel: { key: sql`i.channel` } },
    }),
  records: async (q, { db }) =>
    rowsOf<{ id: string; full_name: string; at: Date }>(
      await db.execute(sql`select c.id, c.full_name, max(i.occurred_at) as at from interactions i join contacts c on c.id = i.contact_id
        where ${live} and ${inRangeSql(sql`i.occurred_at`, sql`i.branch_id`, q)} group by c.id, c.full_name order by at desc limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: `/staff/contacts/${r.id}`, at: new Date(r.at) })),
};

function ticketRecords(where: (q: KpiQuery) => ReturnType<typeof sql>, at: string): KpiDefinition["records"] {
  return async (q, { db }) =>
    rowsOf<{ id: string; number: string; subject: string; at: Date | null }>(
      await db.execute(sql`select t.id, t.number, t.subject, ${sql.raw(at)} as at from tickets t where ${where(q)} order by ${sql.raw(at)} desc nulls last limit ${q.limit}`),
    ).map((r) => ({ label: `${r.number} · ${r.subject}`, href: `/staff/tickets/${r.id}`, at: r.at ? new Date(r.at) : null }));
}

const ticketDimensions = {
  branch: branchDimension(sql`t.branch_id`),
  channel: { key: sql`t.channel` },
};

const ticketsOpened: KpiDefinition = {
  id: "tickets.opened",
  ...strings("tickets.opened", false),
  unit: "count",
  permission: "core.report.read",
  dimensions: ["branch", "channel"],
  better: "down",
  rollup: { sources: [ticketsSource] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`tickets t`,
      where: inRangeSql(sql`t.created_at`, sql`t.branch_id`, q),
      numerator: sql`count(*)`,
      dimensions: ticketDimensions,
      daily: dailyBy(sql`t.created_at`, sql`t.branch_id`),
    }),
  records: ticketRecords((q) => inRangeSql(sql`t.created_at`, sql`t.branch_id`, q), "t.created_at"),
};

const ticketsClosed: KpiDefinition = {
  id: "tickets.closed",
  ...strings("tickets.closed", false),
  unit: "count",
  permission: "core.report.read",
  dimensions: ["branch", "channel"],
  better: "up",
  rollup: { sources: [ticketsSource] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`tickets t`,
      where: resolvedInRange(q),
      numerator: sql`count(*)`,
      dimensions: ticketDimensions,
      daily: dailyBy(resolvedAt, sql`t.branch_id`),
    }),
  records: ticketRecords(resolvedInRange, "coalesce(t.resolved_at, t.closed_at)"),
};

/**
 * Resolution within SLA: of the tickets whose resolution was settled in the period, the share
 * resolved (or closed) by its deadline. A ticket is settled on the day it is resolved in time, or
 * else on the day its deadline passes: resolved late or still open, it is a miss from then on, so a
 * backlog left past its deadline counts against the figure as the waiting customer feels it. Live
 * SQL, no rollup: a deadline passing settles a ticket without any write to it.
 */
const resolutionSettledAt = sql.raw(`least(coalesce(t.resolved_at, t.closed_at), t.sla_due_at)`);
const resolutionSettled = (q: KpiQuery) =>
  sql`${resolutionSettledAt} <= ${q.now.toISOString()}::timestamptz and ${inRangeSql(resolutionSettledAt, sql`t.branch_id`, q)}`;
const resolvedInTime = sql.raw(`coalesce(t.resolved_at, t.closed_at) <= t.sla_due_at`);
const ticketsWithinSla: KpiDefinition = {
  id: "tickets.withinSla",
  ...strings("tickets.withinSla", true),
  unit: "percent",
  permission: "core.report.read",
  dimensions: ["branch", "channel"],
  better: "up",
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`tickets t`,
      where: resolutionSettled(q),
      numerator: sql`count(*) filter (where ${resolvedInTime})`,
      denominator: sql`count(*)`,
      dimensions: ticketDimensions,
    }),
  // the misses, each at the deadline it missed
  records: ticketRecords((q) => sql`${resolutionSettled(q)} and not coalesce(${resolvedInTime}, false)`, "t.sla_due_at"),
};

/**
 * First response within SLA: of the tickets whose first reply was settled in the period, the share
 * answered by its first-response deadline. Only tickets that wait for a reply have that deadline
 * (opened by a patient, shopper or partner). A ticket is settled, and counts on that local day, when
 * staff first reply in time, or else when its deadline passes: answered late or not answered at all,
 * it is a miss on the day of the deadline and stays one. Tickets not yet answered and not yet due
 * do not count. Live SQL, no rollup: a deadline passing settles a ticket without any write to it.
 */
const firstResponseSettledAt = sql.raw(`least(t.first_response_at, t.first_response_due_at)`);
const firstResponseSettled = (q: KpiQuery) =>
  sql`t.first_response_due_at is not null and ${firstResponseSettledAt} <= ${q.now.toISOString()}::timestamptz and ${inRangeSql(firstResponseSettledAt, sql`t.branch_id`, q)}`;
const firstResponseInTime = sql.raw(`t.first_response_at <= t.first_response_due_at`);
const ticketsFirstResponseWithinSla: KpiDefinition = {
  id: "tickets.firstResponseWithinSla",
  ...strings("tickets.firstResponseWithinSla", true),
  unit: "percent",
  permission: "core.report.read",
  dimensions: ["branch", "channel"],
  better: "up",
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`tickets t`,
      where: firstResponseSettled(q),
      numerator: sql`count(*) filter (where ${firstResponseInTime})`,
      denominator: sql`count(*)`,
      dimensions: ticketDimensions,
    }),
  // the misses, as the resolution KPI lists its late tickets: each at the deadline it missed
  records: ticketRecords((q) => sql`${firstResponseSettled(q)} and not coalesce(${firstResponseInTime}, false)`, "t.first_response_due_at"),
};

// Open tickets now, by how long they have been open (the range does not apply: a backlog is today's).
const ageBucket = sql`case when t.created_at > now_at - interval '1 day' then '0-1'
  when t.created_at > now_at - interval '3 days' then '1-3'
  when t.created_at > now_at - interval '7 days' then '3-7' else '7+' end`;
const ticketBacklog: KpiDefinition = {
  id: "tickets.backlog",
  ...strings("tickets.backlog", false),
  unit: "count",
  permission: "core.report.read",
  dimensions: ["branch", "age"],
  better: "down",
  snapshot: true,
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`tickets t cross join (select ${q.now.toISOString()}::timestamptz as now_at) n`,
      where: sql`${openTicket} and t.created_at <= n.now_at and ${inBranchesSql(sql`t.branch_id`, q)}`,
      numerator: sql`count(*)`,
      dimensions: { branch: branchDimension(sql`t.branch_id`), age: { key: ageBucket } },
    }),
  records: ticketRecords((q) => sql`${openTicket} and ${inBranchesSql(sql`t.branch_id`, q)}`, "t.created_at"),
};

const satisfaction: KpiDefinition = {
  id: "surveys.satisfaction",
  ...strings("surveys.satisfaction", true),
  unit: "percent",
  permission: "core.report.read",
  dimensions: ["branch"],
  better: "up",
  rollup: { sources: [surveysSource] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`surveys s`,
      where: sql`s.answered_at is not null and s.rating is not null and ${inRangeSql(sql`s.answered_at`, sql`s.branch_id`, q)}`,
      numerator: sql`count(*) filter (where s.rating in ('excellent','good'))`,
      denominator: sql`count(*)`,
      dimensions: { branch: branchDimension(sql`s.branch_id`) },
      daily: dailyBy(sql`s.answered_at`, sql`s.branch_id`),
    }),
  records: async (q, { db }) =>
    rowsOf<{ contact_id: string; full_name: string; rating: string; answered_at: Date }>(
      await db.execute(sql`select s.contact_id, c.full_name, s.rating, s.answered_at from surveys s join contacts c on c.id = s.contact_id
        where s.answered_at is not null and s.rating is not null and ${inRangeSql(sql`s.answered_at`, sql`s.branch_id`, q)} order by s.answered_at desc limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: `/staff/contacts/${r.contact_id}`, at: new Date(r.answered_at), detail: r.rating })),
};

const surveyResponseRate: KpiDefinition = {
  id: "surveys.responseRate",
  ...strings("surveys.responseRate", true),
  unit: "percent",
  permission: "core.report.read",
  dimensions: ["branch"],
  better: "up",
  rollup: { sources: [surveysSource] },
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`surveys s`,
      where: inRangeSql(sql`s.sent_at`, sql`s.branch_id`, q),
      numerator: sql`count(*) filter (where s.answered_at is not null)`,
      denominator: sql`count(*)`,
      dimensions: { branch: branchDimension(sql`s.branch_id`) },
      daily: dailyBy(sql`s.sent_at`, sql`s.branch_id`),
    }),
  // the surveys sent in the range still unanswered (the denominator less the numerator): whom to remind
  records: async (q, { db }) =>
    rowsOf<{ contact_id: string; full_name: string; sent_at: Date }>(
      await db.execute(sql`select s.contact_id, c.full_name, s.sent_at from surveys s join contacts c on c.id = s.contact_id
        where s.answered_at is null and ${inRangeSql(sql`s.sent_at`, sql`s.branch_id`, q)} order by s.sent_at desc limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: `/staff/contacts/${r.contact_id}`, at: new Date(r.sent_at) })),
};

// Tasks have no branch of their own: a task counts for its contact's branch.
const overdueTasks: KpiDefinition = {
  id: "tasks.overdue",
  ...strings("tasks.overdue", false),
  unit: "count",
  permission: "core.report.read",
  dimensions: ["branch"],
  better: "down",
  snapshot: true,
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`tasks k left join contacts c on c.id = k.contact_id`,
      where: sql`k.status not in ('done','cancelled') and k.due_at < ${q.now.toISOString()}::timestamptz and ${inBranchesSql(sql`c.branch_id`, q)}`,
      numerator: sql`count(*)`,
      dimensions: { branch: branchDimension(sql`c.branch_id`) },
    }),
  records: async (q, { db }) =>
    rowsOf<{ id: string; title: string; due_at: Date }>(
      await db.execute(sql`select k.id, k.title, k.due_at from tasks k left join contacts c on c.id = k.contact_id
        where k.status not in ('done','cancelled') and k.due_at < ${q.now.toISOString()}::timestamptz and ${inBranchesSql(sql`c.branch_id`, q)}
        order by k.due_at limit ${q.limit}`),
    ).map((r) => ({ label: r.title, href: `/staff/tasks/${r.id}`, at: new Date(r.due_at) })),
};

// Messages count for their contact's branch, on the day they were queued.
function messageKpi(id: string, statuses: string[], better: "up" | "down"): KpiDefinition {
  const statusList = sql.raw(statuses.map((s) => `'${s}'`).join(","));
  const counted = (q: KpiQuery) => sql`m.status in (${statusList}) and ${inRangeSql(sql`m.created_at`, sql`c.branch_id`, q)}`;
  return {
    id,
    ...strings(id, false),
    unit: "count",
    permission: "core.report.read",
    dimensions: ["branch", "channel"],
    better,
    rollup: { sources: [{ table: "messages", days: ["created_at"] }, contactsSource] },
    compute: (q, { db }) =>
      aggregate(db, q, {
        from: sql`messages m left join contacts c on c.id = m.contact_id`,
        where: counted(q),
        numerator: sql`count(*)`,
        dimensions: { branch: branchDimension(sql`c.branch_id`), channel: { key: sql`m.channel` } },
        daily: dailyBy(sql`m.created_at`, sql`c.branch_id`),
      }),
    // the messages counted, each opening its contact; one without a contact (a notice to staff) opens the mailbox (admins only)
    records: async (q, { db }) =>
      rowsOf<{ contact_id: string | null; full_name: string | null; channel: string; template: string; created_at: Date }>(
        await db.execute(sql`select m.contact_id, c.full_name, m.channel, m.template, m.created_at from messages m left join contacts c on c.id = m.contact_id
          where ${counted(q)} order by m.created_at desc limit ${q.limit}`),
      ).map((r) => ({
        label: r.full_name ?? r.template,
        href: r.contact_id ? `/staff/contacts/${r.contact_id}` : "/staff/mailbox",
        at: new Date(r.created_at),
        detail: `${r.channel} · ${r.template}`,
      })),
  };
}

/**
 * Campaign reach: of the contacts a campaign targeted (its members when it started), the share its
 * message reached (sent, delivered or read). A campaign counts on the day it started, in the zone of
 * each contact's branch; split by channel, members who got no message (no consent, no address) are "-".
 */
const campaignReach: KpiDefinition = {
  id: "campaigns.reach",
  ...strings("campaigns.reach", true),
  unit: "percent",
  permission: "core.report.read",
  dimensions: ["channel", "branch"],
  better: "up",
  compute: (q, { db }) =>
    aggregate(db, q, {
      from: sql`segment_campaign_recipients r join segment_campaigns sc on sc.id = r.campaign_id join contacts c on c.id = r.contact_id left join messages m on m.id = r.message_id`,
      where: inRangeSql(sql`sc.created_at`, sql`c.branch_id`, q),
      numerator: sql`count(*) filter (where m.status in ('sent','delivered','read'))`,
      denominator: sql`count(*)`,
      dimensions: { channel: { key: sql`coalesce(m.channel, '-')` }, branch: branchDimension(sql`c.branch_id`) },
    }),
  records: async (q, { db }) =>
    rowsOf<{ segment_id: string | null; title: string; created_at: Date; recipients: number }>(
      await db.execute(sql`select sc.id, sc.segment_id, sc.title, sc.created_at, count(*)::int as recipients
        from segment_campaign_recipients r join segment_campaigns sc on sc.id = r.campaign_id join contacts c on c.id = r.contact_id
        where ${inRangeSql(sql`sc.created_at`, sql`c.branch_id`, q)} group by sc.id order by sc.created_at desc limit ${q.limit}`),
    ).map((r) => ({ label: r.title, href: r.segment_id ? `/staff/segments/${r.segment_id}` : "/staff/segments", at: new Date(r.created_at), detail: String(r.recipients) })),
};

// coverage is per purpose: the total is over every (contact, purpose) pair of the contacts there now
const consentPairs = sql`contacts c cross join (values ${sql.join(
  consentPurposes.map((p) => sql`(${p})`),
  sql`, `,
)}) as p(purpose) left join consents g on g.contact_id = c.id and g.purpose = p.purpose`;
const consentPairsNow = (q: KpiQuery) => sql`${live} and c.created_at <= ${q.now.toISOString()}::timestamptz and ${inBranchesSql(sql`c.branch_id`, q)}`;
const consentCoverage: KpiDefinition = {
  id: "consents.coverage",
  ...strings("consents.coverage", true),
  unit: "percent",
  permission: "core.report.read",
  dimensions: ["purpose", "branch"],
  better: "up",
  snapshot: true,
  compute: async (q, { db }) =>
    aggregate(db, q, {
      from: consentPairs,
      where: consentPairsNow(q),
      numerator: sql`count(*) filter (where g.granted)`,
      denominator: sql`count(*)`,
      dimensions: { purpose: { key: sql`p.purpose` }, branch: branchDimension(sql`c.branch_id`) },
    }),
  // the gaps (the denominator less the numerator): contacts lacking a granted consent, newest first,
  // one row per contact with the purposes missing
  records: async (q, { db }) =>
    rowsOf<{ id: string; full_name: string; created_at: Date; missing: string }>(
      await db.execute(sql`select c.id, c.full_name, c.created_at, string_agg(p.purpose, ', ' order by p.purpose) as missing from ${consentPairs}
        where ${consentPairsNow(q)} and not coalesce(g.granted, false) group by c.id order by c.created_at desc, c.id limit ${q.limit}`),
    ).map((r) => ({ label: r.full_name, href: `/staff/contacts/${r.id}`, at: new Date(r.created_at), detail: r.missing })),
};

export const coreKpis: KpiDefinition[] = [
  newContacts,
  activeContacts,
  ticketsOpened,
  ticketsClosed,
  ticketsWithinSla,
  ticketsFirstResponseWithinSla,
  ticketBacklog,
  satisfaction,
  surveyResponseRate,
  overdueTasks,
  messageKpi("messages.sent", ["sent", "delivered", "read"], "up"),
  messageKpi("messages.delivered", ["delivered", "read"], "up"),
  messageKpi("messages.read", ["read"], "up"),
  messageKpi("messages.failed", ["failed"], "down"),
  campaignReach,
  consentCoverage,
];
