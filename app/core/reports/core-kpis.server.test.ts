// Core KPIs against a small fixture whose answers were worked out by hand (see the comments).
// Two branches: Jakarta (WIB, +7) and Makassar (WITA, +8); a record's day is its branch's day.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, consents, contacts, interactions, messages, surveys, tasks, tickets } from "../../../db/schema/index.ts";
import { createStaff, createTestApp } from "../../../tests/support/test-app.ts";
import type { KpiQuery } from "../plugins/contract.ts";
import { coreKpis } from "./core-kpis.server.ts";
import { kpiValue } from "./kpis.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let jkt: string;
let mks: string;
const now = new Date("2026-12-02T00:00:00Z");
const november = { from: "2026-11-01", to: "2026-11-30" };
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  app = await createTestApp();
  const db = app.runtime.db;
  const staff = await createStaff(app.runtime, { roles: ["admin"] });
  [{ id: jkt }, { id: mks }] = await db
    .insert(branches)
    .values([
      { code: "JKT", name: "Jakarta", kind: "hospital", timeZone: "Asia/Jakarta" },
      { code: "MKS", name: "Makassar", kind: "hospital", timeZone: "Asia/Makassar" },
    ])
    .returning({ id: branches.id });
  const [a, b, c, , e] = await db
    .insert(contacts)
    .values([
      // A: 00:30 WIB on 1 Nov -> in November
      { fullName: "A", branchId: jkt, createdAt: at("2026-10-31T17:30:00Z") },
      // B: 00:30 WITA on 1 Nov (23:30 WIB on 31 Oct) -> in November, because its branch is in WITA
      { fullName: "B", branchId: mks, createdAt: at("2026-10-31T16:30:00Z") },
      // C: no branch, 00:30 WIB on 1 Dec -> out
      { fullName: "C", createdAt: at("2026-11-30T17:30:00Z") },
      // D: merged away -> never counts
      { fullName: "D", branchId: jkt, createdAt: at("2026-11-15T03:00:00Z") },
      // E: 23:59 WITA on 30 Nov -> in
      { fullName: "E", branchId: mks, createdAt: at("2026-11-30T15:59:00Z") },
    ])
    .returning();
  await db.update(contacts).set({ mergedIntoId: a.id }).where(eq(contacts.fullName, "D"));

  await db.insert(interactions).values([
    { contactId: a.id, channel: "call", direction: "inbound", subject: "x", branchId: jkt, occurredAt: at("2026-11-10T03:00:00Z") },
    { contactId: a.id, channel: "visit", direction: "inbound", subject: "x", branchId: jkt, occurredAt: at("2026-11-11T03:00:00Z") },
    { contactId: b.id, channel: "call", direction: "inbound", subject: "x", branchId: mks, occurredAt: at("2026-11-12T03:00:00Z") },
    // 07:00 WIB on 31 Oct -> out
    { contactId: e.id, channel: "call", direction: "inbound", subject: "x", branchId: mks, occurredAt: at("2026-10-31T00:00:00Z") },
  ]);

  const ticket = (v: Partial<typeof tickets.$inferInsert>) => ({ channel: "phone" as const, category: "complaint" as const, subject: "s", contactId: a.id, branchId: jkt, ...v }) as typeof tickets.$inferInsert;
  await db.insert(tickets).values([
    // T1: opened 2 Nov, resolved 3 Nov before its SLA (4 Nov) -> within
    ticket({ createdAt: at("2026-11-02T03:00:00Z"), resolvedAt: at("2026-11-03T03:00:00Z"), slaDueAt: at("2026-11-04T03:00:00Z"), status: "resolved" }),
    // T2: resolved 10 Nov after its SLA (6 Nov) -> late
    ticket({ createdAt: at("2026-11-05T03:00:00Z"), resolvedAt: at("2026-11-10T03:00:00Z"), slaDueAt: at("2026-11-06T03:00:00Z"), status: "resolved" }),
    // T3 (Makassar): closed without a resolution time on 8 Nov, SLA 9 Nov -> within
    ticket({ branchId: mks, createdAt: at("2026-11-07T03:00:00Z"), closedAt: at("2026-11-08T03:00:00Z"), slaDueAt: at("2026-11-09T03:00:00Z"), status: "closed", channel: "whatsapp" }),
    // T4: opened in October, resolved 02:00 WIB on 1 Nov, SLA long past -> closed in November, late
    ticket({ createdAt: at("2026-10-20T03:00:00Z"), resolvedAt: at("2026-10-31T19:00:00Z"), slaDueAt: at("2026-10-21T03:00:00Z"), status: "resolved" }),
    // T5: open since 20 Nov -> backlog, older than 7 days on 2 Dec
    ticket({ createdAt: at("2026-11-20T03:00:00Z"), slaDueAt: at("2026-11-21T03:00:00Z"), status: "open" }),
    // T6: in progress since 30 Nov 06:00 UTC -> backlog, 1-3 days old
    ticket({ createdAt: at("2026-11-30T06:00:00Z"), slaDueAt: at("2026-12-01T03:00:00Z"), status: "in_progress" }),
  ]);

  const survey = (n: number, v: Partial<typeof surveys.$inferInsert>) =>
    ({ contactId: a.id, sourceType: "test", sourceId: String(n), tokenHash: `h${n}`, branchId: jkt, expiresAt: at("2027-01-01T00:00:00Z"), ...v }) as typeof surveys.$inferInsert;
  await db.insert(surveys).values([
    survey(1, { sentAt: at("2026-11-02T03:00:00Z"), answeredAt: at("2026-11-03T03:00:00Z"), rating: "excellent" }),
    survey(2, { sentAt: at("2026-11-02T03:00:00Z"), answeredAt: at("2026-11-04T03:00:00Z"), rating: "average" }),
    survey(3, { sentAt: at("2026-11-05T03:00:00Z") }),
    survey(4, { sentAt: at("2026-11-05T03:00:00Z"), answeredAt: at("2026-11-06T03:00:00Z"), rating: "good" }),
  ]);

  await db.insert(tasks).values([
    { title: "K1", contactId: a.id, assigneeId: staff.id, createdBy: staff.id, dueAt: at("2026-11-29T03:00:00Z"), status: "open" },
    { title: "K2", contactId: a.id, assigneeId: staff.id, createdBy: staff.id, dueAt: at("2026-11-29T03:00:00Z"), status: "done" },
    { title: "K3", contactId: a.id, assigneeId: staff.id, createdBy: staff.id, dueAt: at("2026-12-05T03:00:00Z"), status: "open" },
  ]);

  const message = (channel: "email" | "whatsapp", status: "queued" | "sent" | "delivered" | "read" | "failed", contactId: string) =>
    ({ channel, status, contactId, recipient: "r", template: "t", locale: "id", createdAt: at("2026-11-15T03:00:00Z") }) as typeof messages.$inferInsert;
  await db.insert(messages).values([message("email", "delivered", a.id), message("whatsapp", "read", a.id), message("whatsapp", "failed", b.id), message("email", "queued", b.id)]);

  await db.insert(consents).values([
    { contactId: a.id, purpose: "marketing", granted: true, source: "staff" },
    { contactId: a.id, purpose: "service_messages", granted: true, source: "staff" },
    { contactId: b.id, purpose: "marketing", granted: false, source: "staff" },
    { contactId: c.id, purpose: "surveys", granted: true, source: "staff" },
  ]);
});

afterAll(() => app.close());


async function figure(id: string, query: Partial<KpiQuery> = {}) {
  const kpi = coreKpis.find((k) => k.id === id)!;
  const rows = await kpi.compute({ range: november, branchIds: null, dimension: null, now, ...query }, { db: app.runtime.db, t: (k) => k, language: "id" });
  if (query.dimension) return Object.fromEntries(rows.map((r) => [r.label ?? r.key, kpiValue(kpi, r)]));
  return { value: kpiValue(kpi, rows[0]), numerator: rows[0]?.numerator, denominator: rows[0]?.denominator ?? null };
}

describe("core KPIs", () => {
  it("new contacts count each contact on its branch's day, never merged ones", async () => {
    expect(await figure("contacts.new")).toMatchObject({ value: 3 });
    expect(await figure("contacts.new", { branchIds: [jkt] })).toMatchObject({ value: 1 });
    expect(await figure("contacts.new", { dimension: "branch" })).toEqual({ Jakarta: 1, Makassar: 2 });
    // 1 Dec in WIB holds C only
    expect(await figure("contacts.new", { range: { from: "2026-12-01", to: "2026-12-01" } })).toMatchObject({ value: 1 });
  });

  it("active contacts are distinct contacts with an interaction in the range", async () => {
    expect(await figure("contacts.active")).toMatchObject({ value: 2 });
    expect(await figure("contacts.active", { dimension: "channel" })).toEqual({ call: 2, visit: 1 });
  });

  it("tickets opened, closed and resolved within SLA", async () => {
    expect(await figure("tickets.opened")).toMatchObject({ value: 5 });
    expect(await figure("tickets.opened", { branchIds: [jkt] })).toMatchObject({ value: 4 });
    expect(await figure("tickets.closed")).toMatchObject({ value: 4 });
    // settled in November: T1 and T3 in time; T2 late (its deadline, 6 Nov); T5 still open past its
    // deadline (21 Nov). T4 missed its deadline in October, so it counts there: 2 / 4
    expect(await figure("tickets.withinSla")).toEqual({ value: 50, numerator: 2, denominator: 4 });
    expect(await figure("tickets.withinSla", { dimension: "branch" })).toEqual({ Jakarta: (1 / 3) * 100, Makassar: 100 });
    expect(await figure("tickets.withinSla", { range: { from: "2026-10-01", to: "2026-10-31" } })).toEqual({ value: 0, numerator: 0, denominator: 1 });
    // December so far (now is 07:00 WIB on 2 Dec): T6's deadline passed on 1 Dec with the ticket in progress
    expect(await figure("tickets.withinSla", { range: { from: "2026-12-01", to: "2026-12-02" } })).toEqual({ value: 0, numerator: 0, denominator: 1 });
    // an hour before that deadline, T6 was not settled yet: nothing to count
    expect(await figure("tickets.withinSla", { range: { from: "2026-12-01", to: "2026-12-02" }, now: at("2026-12-01T02:00:00Z") })).toEqual({ value: null, numerator: 0, denominator: 0 });
    // the list behind it: the misses, each at the deadline it missed
    const kpi = coreKpis.find((k) => k.id === "tickets.withinSla")!;
    const misses = await kpi.records!({ range: november, branchIds: null, dimension: null, now, limit: 10 }, { db: app.runtime.db, t: (k) => k, language: "id" });
    expect(misses.map((m) => m.at?.toISOString())).toEqual(["2026-11-21T03:00:00.000Z", "2026-11-06T03:00:00.000Z"]);
  });

  it("backlog counts open tickets now, by age", async () => {
    expect(await figure("tickets.backlog")).toMatchObject({ value: 2 });
    expect(await figure("tickets.backlog", { dimension: "age" })).toEqual({ "1-3": 1, "7+": 1 });
    expect(await figure("tickets.backlog", { branchIds: [mks] })).toMatchObject({ value: 0 });
  });

  it("satisfaction is the share of Sangat baik + Baik among answers; response rate answered over sent", async () => {
    expect(await figure("surveys.satisfaction")).toEqual({ value: (2 / 3) * 100, numerator: 2, denominator: 3 });
    expect(await figure("surveys.responseRate")).toEqual({ value: 75, numerator: 3, denominator: 4 });
  });

  it("overdue tasks are open tasks past their due time now", async () => {
    expect(await figure("tasks.overdue")).toMatchObject({ value: 1 });
  });

  it("messages sent, delivered, read and failed per channel", async () => {
    expect(await figure("messages.sent")).toMatchObject({ value: 2 });
    expect(await figure("messages.sent", { dimension: "channel" })).toEqual({ email: 1, whatsapp: 1 });
    expect(await figure("messages.delivered")).toMatchObject({ value: 2 });
    expect(await figure("messages.read")).toMatchObject({ value: 1 });
    expect(await figure("messages.failed")).toMatchObject({ value: 1 });
    expect(await figure("messages.failed", { branchIds: [jkt] })).toMatchObject({ value: 0 });
  });

  it("consent coverage is granted consents over contacts × purposes", async () => {
    // A, B, C, E live (D merged): 16 pairs; granted: A marketing, A service, C surveys
    expect(await figure("consents.coverage")).toEqual({ value: (3 / 16) * 100, numerator: 3, denominator: 16 });
    expect(await figure("consents.coverage", { dimension: "purpose" })).toEqual({ marketing: 25, service_messages: 25, surveys: 25, partner_sharing: 0 });
  });

  it("an unknown dimension gives no rows, and an empty branch list gives zero", async () => {
    expect(await figure("tickets.opened", { dimension: "product" })).toEqual({});
    expect(await figure("tickets.opened", { branchIds: [] })).toMatchObject({ value: 0 });
  });
});
