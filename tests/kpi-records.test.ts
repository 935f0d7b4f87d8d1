// The records behind each KPI's number (issue #9: every number links to what makes it up), against
// a fixture worked out by hand. November 2026; "now" is 2 Dec 2026 07:00 WIB. Jakarta-side branches
// are WIB (+7), Makassar-side WITA (+8): 2026-10-31T16:30Z is 00:30 WITA on 1 Nov (November in
// Makassar, October in Jakarta) and 2026-11-30T17:30Z is 00:30 WIB on 1 Dec (December).
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consents, contacts, messages, surveys } from "../db/schema/index.ts";
import { rowsOf, type KpiDefinition, type KpiQuery } from "../app/plugin-api/index.ts";
import { coreKpis } from "../app/core/reports/core-kpis.server.ts";
import { allKpis } from "../app/core/reports/kpis.server.ts";
import { installedPlugins } from "../plugins/index.ts";
import { appointmentKpis } from "../plugins/hospital-appointments/kpis.server.ts";
import { referralKpis } from "../plugins/hospital-referrals/kpis.server.ts";
import { loyaltyKpis } from "../plugins/retail-loyalty/kpis.server.ts";
import { createConnection } from "../plugins/retail-pos/connections.server.ts";
import { posKpis } from "../plugins/retail-pos/kpis.server.ts";
import { createContact, createPartnerOrg, createStaff, createTestApp } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
const november = { from: "2026-11-01", to: "2026-11-30" };
const now = new Date("2026-12-02T00:00:00Z");
const at = (iso: string) => new Date(iso);
const ids: Record<string, string> = {};

async function one<T>(query: ReturnType<typeof sql>) {
  return rowsOf<T>(await app.runtime.db.execute(query))[0];
}
async function branch(code: string, name: string, kind: "hospital" | "store", zone: string) {
  return (await one<{ id: string }>(sql`insert into branches (code, name, kind, time_zone) values (${code}, ${name}, ${kind}, ${zone}) returning id`)).id;
}

beforeAll(async () => {
  app = await createTestApp({ plugins: installedPlugins });
  const db = app.runtime.db;
  const staff = await createStaff(app.runtime, { roles: ["admin"] });
  const jkt = (ids.jkt = await branch("JKT", "Jakarta", "hospital", "Asia/Jakarta"));
  const mks = (ids.mks = await branch("MKS", "Makassar", "hospital", "Asia/Makassar"));
  const cons = (ids.cons = await branch("CONS", "Cabang Persetujuan", "hospital", "Asia/Jakarta"));
  const s1 = (ids.s1 = await branch("S1", "Toko Jakarta", "store", "Asia/Jakarta"));
  const s2 = (ids.s2 = await branch("S2", "Toko Makassar", "store", "Asia/Makassar"));
  const ani = await createContact(app.runtime, { fullName: "Ani", branchId: jkt, createdAt: at("2026-11-01T03:00:00Z") });
  const budi = await createContact(app.runtime, { fullName: "Budi", branchId: mks, createdAt: at("2026-11-01T03:00:00Z") });
  const citra = await createContact(app.runtime, { fullName: "Citra", branchId: jkt, createdAt: at("2026-11-01T03:00:00Z") });
  Object.assign(ids, { ani: ani.id, budi: budi.id, citra: citra.id });

  // surveys: s1 answered; s2, s3 (Makassar, 00:30 WITA 1 Nov) and s5 unanswered in November; s4 sent on 1 Dec (WIB)
  const survey = (n: number, contactId: string, branchId: string, sentAt: string, answeredAt?: string) =>
    ({ contactId, sourceType: "test", sourceId: String(n), tokenHash: `h${n}`, branchId, expiresAt: at("2027-01-01T00:00:00Z"), sentAt: at(sentAt), ...(answeredAt ? { answeredAt: at(answeredAt), rating: "good" } : {}) }) as typeof surveys.$inferInsert;
  await db.insert(surveys).values([
    survey(1, ani.id, jkt, "2026-11-02T03:00:00Z", "2026-11-03T03:00:00Z"),
    survey(2, ani.id, jkt, "2026-11-05T03:00:00Z"),
    survey(3, budi.id, mks, "2026-10-31T16:30:00Z"),
    survey(4, ani.id, jkt, "2026-11-30T17:30:00Z"),
    survey(5, citra.id, jkt, "2026-11-20T03:00:00Z"),
  ]);

  // messages count for their contact's branch on the day they were queued
  const message = (contactId: string | null, channel: "email" | "whatsapp", status: "queued" | "sent" | "delivered" | "read" | "failed", createdAt: string, template = "t") =>
    ({ channel, status, contactId, recipient: "r", template, locale: "id", createdAt: at(createdAt) }) as typeof messages.$inferInsert;
  await db.insert(messages).values([
    message(ani.id, "email", "delivered", "2026-11-03T03:00:00Z"), // m1
    message(ani.id, "whatsapp", "read", "2026-11-04T03:00:00Z"), // m2
    message(budi.id, "whatsapp", "failed", "2026-11-05T03:00:00Z"), // m3
    message(budi.id, "email", "sent", "2026-10-31T16:30:00Z"), // m4: November in Makassar
    message(null, "email", "sent", "2026-11-06T03:00:00Z", "staff-notice"), // m5: no contact, no branch (WIB)
    message(ani.id, "email", "read", "2026-11-30T17:30:00Z"), // m6: 1 Dec
    message(ani.id, "email", "queued", "2026-11-07T03:00:00Z"), // m7: not sent yet
  ]);

  // consent coverage, in a branch of its own: Putri has all four, Rina marketing only (surveys
  // refused), Sari none; Tono is created after now, Umar merged away
  const inCons = (fullName: string, createdAt: string) => createContact(app.runtime, { fullName, branchId: cons, createdAt: at(createdAt) });
  const putri = await inCons("Putri", "2026-11-01T03:00:00Z");
  const rina = await inCons("Rina", "2026-11-10T03:00:00Z");
  const sari = await inCons("Sari", "2026-11-20T03:00:00Z");
  await inCons("Tono", "2026-12-05T03:00:00Z");
  const umar = await inCons("Umar", "2026-11-25T03:00:00Z");
  await db.update(contacts).set({ mergedIntoId: sari.id }).where(eq(contacts.id, umar.id));
  Object.assign(ids, { rina: rina.id, sari: sari.id });
  await db.insert(consents).values([
    ...(["service_messages", "marketing", "surveys", "partner_sharing"] as const).map((purpose) => ({ contactId: putri.id, purpose, granted: true, source: "staff" as const })),
    { contactId: rina.id, purpose: "marketing", granted: true, source: "staff" },
    { contactId: rina.id, purpose: "surveys", granted: false, source: "staff" },
  ]);

  // hospital-appointments
  const service = async (branchId: string, code: string, name: string) =>
    (await one<{ id: string }>(sql`insert into hospital_appointments_services (branch_id, code, name) values (${branchId}, ${code}, ${name}) returning id`)).id;
  const anak = await service(jkt, "ANAK", "Poli Anak");
  const gigi = await service(mks, "GIGI", "Poli Gigi");
  const { id: drA } = await one<{ id: string }>(sql`insert into hospital_appointments_practitioners (name) values ('dr. Ayu') returning id`);
  const waitlist = (contactId: string, serviceId: string, status: string, createdAt: string) =>
    db.execute(sql`insert into hospital_appointments_waitlist (contact_id, service_id, date_from, date_to, status, channel, created_at)
      values (${contactId}, ${serviceId}, '2026-11-10', '2026-11-20', ${status}, 'frontdesk', ${createdAt}::timestamptz)`);
  await waitlist(ani.id, anak, "booked", "2026-11-05T03:00:00Z"); // w1: filled
  await waitlist(ani.id, anak, "waiting", "2026-11-06T03:00:00Z"); // w2
  await waitlist(budi.id, gigi, "left", "2026-10-31T16:30:00Z"); // w3: November in Makassar
  await waitlist(citra.id, anak, "waiting", "2026-11-30T17:30:00Z"); // w4: 1 Dec
  await waitlist(citra.id, anak, "left", "2026-11-12T03:00:00Z"); // w5
  let queue = 1;
  const appointment = (contactId: string, serviceId: string, branchId: string, status: string, start: string, day: string, created: string) =>
    db.execute(sql`insert into hospital_appointments_appointments
      (contact_id, practitioner_id, service_id, branch_id, start_at, end_at, local_date, queue_number, status, channel, created_at, hold_expires_at)
      values (${contactId}, ${drA}, ${serviceId}, ${branchId}, ${start}::timestamptz, ${start}::timestamptz + interval '15 minutes', ${day}::date, ${queue++},
        ${status}, 'frontdesk', ${created}::timestamptz, ${status === "proposed" ? created : null}::timestamptz)`);
  await appointment(ani.id, anak, jkt, "fulfilled", "2026-11-02T02:00:00Z", "2026-11-02", "2026-11-01T03:00:00Z"); // a1
  await appointment(budi.id, gigi, mks, "noshow", "2026-11-03T01:00:00Z", "2026-11-03", "2026-10-31T16:30:00Z"); // a2: booked on 1 Nov WITA
  await appointment(citra.id, anak, jkt, "cancelled", "2026-11-12T02:00:00Z", "2026-11-12", "2026-11-10T03:00:00Z"); // a3: a booking all the same
  await appointment(ani.id, anak, jkt, "proposed", "2026-11-13T02:00:00Z", "2026-11-13", "2026-11-11T03:00:00Z"); // a4: a hold, not a booking
  await appointment(ani.id, anak, jkt, "booked", "2026-12-03T02:00:00Z", "2026-12-03", "2026-11-30T17:30:00Z"); // a5: booked on 1 Dec

  // hospital-referrals (all from one clinic)
  const { id: clinic } = await createPartnerOrg(app.runtime, { name: "Klinik Sehat" });
  const referral = async (name: string, v: { direction?: string; status: string; branchId: string; sent: string; decided?: string; scheduled?: string }) => {
    ids[name] = (
      await one<{ id: string }>(sql`insert into hospital_referrals_referrals
      (direction, status, contact_id, partner_org_id, branch_id, reason, icd10_code, icd10_text, target_service, sent_at, decided_at, scheduled_for)
      values (${v.direction ?? "incoming"}, ${v.status}, ${ani.id}, ${clinic}, ${v.branchId}, 'r', 'A00', 'x', 'Poli Anak',
        ${v.sent}::timestamptz, ${v.decided ?? null}::timestamptz, ${v.scheduled ?? null}::timestamptz) returning id`)
    ).id;
  };
  await referral("r1", { status: "accepted", branchId: jkt, sent: "2026-11-02T03:00:00Z", decided: "2026-11-02T07:00:00Z" });
  await referral("r2", { status: "completed", branchId: jkt, sent: "2026-11-03T03:00:00Z", decided: "2026-11-03T13:00:00Z", scheduled: "2026-11-06T03:00:00Z" });
  await referral("r3", { status: "back_referred", branchId: mks, sent: "2026-10-31T16:30:00Z", decided: "2026-11-01T03:00:00Z", scheduled: "2026-11-05T03:00:00Z" });
  await referral("r4", { status: "rejected", branchId: jkt, sent: "2026-11-05T03:00:00Z", decided: "2026-11-05T05:00:00Z" });
  await referral("r5", { status: "completed", branchId: jkt, sent: "2026-11-30T17:30:00Z", decided: "2026-12-01T03:00:00Z", scheduled: "2026-12-01T05:00:00Z" });
  await referral("r6", { status: "completed", branchId: mks, sent: "2026-11-08T03:00:00Z", decided: "2026-11-08T05:00:00Z", scheduled: "2026-11-09T03:00:00Z" });
  await referral("r7", { direction: "outgoing", status: "accepted", branchId: jkt, sent: "2026-11-09T03:00:00Z", decided: "2026-11-09T05:00:00Z" });

  // retail-pos: Mira is a member of S1, Nina of S2
  for (const [branchId, name] of [
    [s1, "Kasir 1"],
    [s2, "Kasir 2"],
  ]) {
    if (!(await createConnection(db, { kind: "system" }, { branchId, name })).ok) throw new Error("connection");
  }
  const conn = async (branchId: string) => (await one<{ id: string }>(sql`select id from retail_pos_connections where branch_id = ${branchId}`)).id;
  const [k1, k2] = [await conn(s1), await conn(s2)];
  const mira = await createContact(app.runtime, { fullName: "Mira", branchId: s1 });
  const nina = await createContact(app.runtime, { fullName: "Nina", branchId: s2 });
  Object.assign(ids, { mira: mira.id, nina: nina.id });
  let n = 0;
  const sale = async (v: { branch: string; kind?: "sale" | "refund"; total: number; contact: string | null; at: string; original?: string; lines?: [string, number, number][] }) => {
    n++;
    const { id } = await one<{ id: string }>(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, original_sale_id, contact_id, occurred_at, total_idr)
      values (${v.branch === s1 ? k1 : k2}, ${v.branch}, ${v.kind ?? "sale"}, ${`R${n}`}, ${`k${n}`}, 'h', ${v.original ?? null}, ${v.contact}, ${v.at}::timestamptz, ${v.total}) returning id`);
    let line = 1;
    for (const [sku, quantity, unit] of v.lines ?? []) {
      await db.execute(sql`insert into retail_pos_sale_lines (sale_id, line_no, sku, name, category, quantity, unit_price_idr, amount_idr)
        values (${id}, ${line++}, ${sku}, ${`Barang ${sku}`}, 'Umum', ${quantity}, ${unit}, ${quantity * unit})`);
    }
    return id;
  };
  const r1 = await sale({ branch: s1, total: 100_000, contact: mira.id, at: "2026-11-02T03:00:00Z", lines: [["X", 2, 30_000], ["Y", 1, 40_000]] }); // R1
  await sale({ branch: s1, total: 50_000, contact: mira.id, at: "2026-11-03T03:00:00Z", lines: [["Y", 1, 50_000]] }); // R2
  await sale({ branch: s1, total: 30_000, contact: null, at: "2026-11-04T03:00:00Z", lines: [["X", 1, 30_000]] }); // R3: a walk-in
  await sale({ branch: s2, total: 20_000, contact: nina.id, at: "2026-10-31T16:30:00Z", lines: [["X", 1, 20_000]] }); // R4: November in Makassar
  await sale({ branch: s1, kind: "refund", total: 10_000, contact: mira.id, at: "2026-11-05T03:00:00Z", original: r1 }); // R5: a refund
  await sale({ branch: s1, total: 999, contact: null, at: "2026-11-30T17:30:00Z", lines: [["X", 1, 999]] }); // R6: 1 Dec
  await sale({ branch: s1, total: 15_000, contact: nina.id, at: "2026-11-06T03:00:00Z", lines: [["W", 1, 15_000]] }); // R7: Nina in Jakarta's store

  // retail-loyalty
  const entry = (contactId: string, kind: string, points: number, balance: number, occurred: string) =>
    db.execute(sql`insert into retail_loyalty_ledger (contact_id, kind, points, balance_after, occurred_at, reason, staff_user_id)
      values (${contactId}, ${kind}, ${points}, ${balance}, ${occurred}::timestamptz, ${kind === "adjust" ? "hadiah" : null}, ${kind === "adjust" ? staff.id : null})`);
  await entry(mira.id, "earn", 100, 100, "2026-11-02T03:00:00Z"); // e1
  await entry(mira.id, "adjust", 20, 120, "2026-11-03T03:00:00Z"); // e2: granted by staff
  await entry(mira.id, "redeem", -50, 70, "2026-11-04T03:00:00Z"); // e3
  await entry(nina.id, "expire", -5, 0, "2026-10-31T16:30:00Z"); // e4: November in Makassar
  await entry(mira.id, "earn", 7, 77, "2026-11-30T17:30:00Z"); // e5: 1 Dec
  await entry(nina.id, "earn", 30, 30, "2026-11-06T03:00:00Z"); // e6
  await entry(mira.id, "adjust", -10, 60, "2026-11-07T03:00:00Z"); // e7: taken away, not issued
  await entry(nina.id, "expire", -3, 27, "2026-11-30T16:30:00Z"); // e8: 00:30 WITA on 1 Dec
  const lot = (contactId: string, remaining: number, earned: string, expires: string) =>
    db.execute(sql`insert into retail_loyalty_lots (contact_id, points, remaining, value_idr, earned_at, expires_at)
      values (${contactId}, ${Math.max(remaining, 100)}, ${remaining}, 0, ${earned}::timestamptz, ${expires}::timestamptz)`);
  await lot(mira.id, 70, "2026-06-01T00:00:00Z", "2026-12-20T00:00:00Z"); // o1: 18 days away
  await lot(mira.id, 30, "2026-07-01T00:00:00Z", "2027-01-20T00:00:00Z"); // o2: 49 days
  await lot(nina.id, 10, "2026-08-01T00:00:00Z", "2027-02-20T00:00:00Z"); // o3: 80 days
  await lot(nina.id, 40, "2026-05-01T00:00:00Z", "2026-11-30T00:00:00Z"); // o4: expired
  await lot(mira.id, 0, "2026-09-01T00:00:00Z", "2026-12-10T00:00:00Z"); // o5: used up
  await lot(mira.id, 25, "2026-12-05T00:00:00Z", "2027-12-05T00:00:00Z"); // o6: earned after now
  await lot(nina.id, 15, "2026-10-01T00:00:00Z", "2027-06-01T00:00:00Z"); // o7: 181 days
  const { id: reward } = await one<{ id: string }>(sql`insert into retail_loyalty_rewards (code, name, points_cost, value_idr) values ('REC-R', '{"id":"Voucher","en":"Voucher"}', 50, 10000) returning id`);
  const voucher = (code: string, contactId: string, status: string, issued: string) =>
    db.execute(sql`insert into retail_loyalty_vouchers (code, contact_id, reward_id, points_cost, value_idr, status, issued_at, expires_at, used_at)
      values (${code}, ${contactId}, ${reward}, 50, 10000, ${status}, ${issued}::timestamptz, '2027-01-01T00:00:00Z', ${status === "used" ? issued : null}::timestamptz)`);
  await voucher("V1", mira.id, "used", "2026-11-04T03:00:00Z");
  await voucher("V2", mira.id, "issued", "2026-11-05T03:00:00Z");
  await voucher("V3", nina.id, "cancelled", "2026-11-06T03:00:00Z");
  await voucher("V4", nina.id, "issued", "2026-10-31T16:30:00Z"); // November in Makassar
  await voucher("V5", mira.id, "issued", "2026-11-30T17:30:00Z"); // 1 Dec
});
afterAll(() => app.close());

const ctx = () => ({ db: app.runtime.db, t: (k: string) => k, language: "id" as const });
function kpi(kpis: KpiDefinition[], id: string) {
  const found = kpis.find((k) => k.id === id);
  if (!found) throw new Error(`no KPI ${id}`);
  return found;
}
/** The records as [label, at, detail, href] with ids named. */
async function records(kpis: KpiDefinition[], id: string, query: Partial<KpiQuery> = {}, limit = 50) {
  const rows = await kpi(kpis, id).records!({ range: november, branchIds: null, dimension: null, now, ...query, limit }, ctx());
  const names = Object.fromEntries(Object.entries(ids).map(([name, value]) => [value, name]));
  return rows.map((r) => [r.label, r.at?.toISOString() ?? null, r.detail ?? null, r.href.replace(/[0-9a-f-]{36}/g, (m) => `<${names[m] ?? "?"}>`)]);
}
async function total(kpis: KpiDefinition[], id: string, query: Partial<KpiQuery> = {}) {
  const [row] = await kpi(kpis, id).compute({ range: november, branchIds: null, dimension: null, now, ...query }, ctx());
  return { numerator: row?.numerator ?? 0, denominator: row?.denominator ?? null };
}

describe("every KPI lists the records behind its number", () => {
  it("the core's and every installed plugin's", async () => {
    const registered = allKpis(app.runtime.registry);
    const plugins = new Set(registered.map((k) => k.id.split(".")[0]));
    expect([...plugins].sort()).toEqual(["core", ...installedPlugins.map((p) => p.manifest.id)].sort());
    expect(registered.filter((k) => !k.records).map((k) => k.id)).toEqual([]);
  });

  it("each answers the fixture with links to existing staff pages", async () => {
    const pages = [/^\/staff\/contacts\/[0-9a-f-]{36}$/, /^\/staff\/tickets\/[0-9a-f-]{36}$/, /^\/staff\/tasks\/[0-9a-f-]{36}$/, /^\/staff\/referrals\/[0-9a-f-]{36}$/, /^\/staff\/loyalty\?contact=[0-9a-f-]{36}$/, /^\/staff\/segments(\/[0-9a-f-]{36})?$/, /^\/staff\/pos\/reports$/, /^\/staff\/mailbox$/];
    let seen = 0;
    for (const k of allKpis(app.runtime.registry)) {
      const rows = await k.records!({ range: november, branchIds: null, dimension: null, now, limit: 3 }, ctx());
      expect(rows.length, k.id).toBeLessThanOrEqual(3);
      for (const r of rows) expect(pages.some((p) => p.test(r.href)), `${k.id}: ${r.href}`).toBe(true);
      seen += rows.length;
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe("core KPI records", () => {
  it("survey response rate lists the surveys sent in the range and still unanswered", async () => {
    expect(await records(coreKpis, "surveys.responseRate")).toEqual([
      ["Citra", "2026-11-20T03:00:00.000Z", null, "/staff/contacts/<citra>"],
      ["Ani", "2026-11-05T03:00:00.000Z", null, "/staff/contacts/<ani>"],
      ["Budi", "2026-10-31T16:30:00.000Z", null, "/staff/contacts/<budi>"],
    ]);
    // answered 1 of 4 sent: the three others are the list
    expect(await total(coreKpis, "surveys.responseRate")).toEqual({ numerator: 1, denominator: 4 });
    expect((await records(coreKpis, "surveys.responseRate", { branchIds: [ids.jkt] })).map((r) => r[0])).toEqual(["Citra", "Ani"]);
    expect(await records(coreKpis, "surveys.responseRate", {}, 1)).toHaveLength(1);
  });

  it("messages sent, delivered, read and failed list their messages, on their contact's day", async () => {
    expect(await records(coreKpis, "messages.sent")).toEqual([
      ["staff-notice", "2026-11-06T03:00:00.000Z", "email · staff-notice", "/staff/mailbox"],
      ["Ani", "2026-11-04T03:00:00.000Z", "whatsapp · t", "/staff/contacts/<ani>"],
      ["Ani", "2026-11-03T03:00:00.000Z", "email · t", "/staff/contacts/<ani>"],
      ["Budi", "2026-10-31T16:30:00.000Z", "email · t", "/staff/contacts/<budi>"],
    ]);
    expect((await total(coreKpis, "messages.sent")).numerator).toBe(4);
    expect((await records(coreKpis, "messages.sent", { branchIds: [ids.jkt] })).map((r) => r[1])).toEqual(["2026-11-04T03:00:00.000Z", "2026-11-03T03:00:00.000Z"]);
    expect((await records(coreKpis, "messages.delivered")).map((r) => r[1])).toEqual(["2026-11-04T03:00:00.000Z", "2026-11-03T03:00:00.000Z"]);
    expect(await records(coreKpis, "messages.delivered", { branchIds: [ids.mks] })).toEqual([]);
    expect(await records(coreKpis, "messages.read")).toEqual([["Ani", "2026-11-04T03:00:00.000Z", "whatsapp · t", "/staff/contacts/<ani>"]]);
    expect(await records(coreKpis, "messages.failed")).toEqual([["Budi", "2026-11-05T03:00:00.000Z", "whatsapp · t", "/staff/contacts/<budi>"]]);
    expect(await records(coreKpis, "messages.failed", { branchIds: [ids.jkt] })).toEqual([]);
  });

  it("consent coverage lists the contacts there now lacking a consent, with the purposes missing", async () => {
    expect(await records(coreKpis, "consents.coverage", { branchIds: [ids.cons] })).toEqual([
      ["Sari", "2026-11-20T03:00:00.000Z", "marketing, partner_sharing, service_messages, surveys", "/staff/contacts/<sari>"],
      ["Rina", "2026-11-10T03:00:00.000Z", "partner_sharing, service_messages, surveys", "/staff/contacts/<rina>"],
    ]);
    // 3 contacts × 4 purposes, 5 granted: the 7 gaps above
    expect(await total(coreKpis, "consents.coverage", { branchIds: [ids.cons] })).toEqual({ numerator: 5, denominator: 12 });
    // every branch: Ani and Budi have none either
    const everywhere = (await records(coreKpis, "consents.coverage")).map((r) => r[0]);
    expect(everywhere).toEqual(expect.arrayContaining(["Sari", "Rina", "Ani", "Budi"]));
    expect(everywhere).not.toContain("Putri");
    expect(everywhere).not.toContain("Tono");
    expect(everywhere).not.toContain("Umar");
  });
});

describe("hospital KPI records", () => {
  it("waitlist fill rate lists the entries made in the period that got no appointment", async () => {
    expect(await records(appointmentKpis, "waitlistFillRate")).toEqual([
      ["Citra", "2026-11-12T03:00:00.000Z", "Poli Anak · left", "/staff/contacts/<citra>"],
      ["Ani", "2026-11-06T03:00:00.000Z", "Poli Anak · waiting", "/staff/contacts/<ani>"],
      ["Budi", "2026-10-31T16:30:00.000Z", "Poli Gigi · left", "/staff/contacts/<budi>"],
    ]);
    expect(await total(appointmentKpis, "waitlistFillRate")).toEqual({ numerator: 1, denominator: 4 });
    expect((await records(appointmentKpis, "waitlistFillRate", { branchIds: [ids.jkt] })).map((r) => r[0])).toEqual(["Citra", "Ani"]);
  });

  it("booking lead time lists the bookings made in the period (holds left out), latest booking first", async () => {
    expect(await records(appointmentKpis, "bookingLeadDays")).toEqual([
      ["Citra", "2026-11-10T03:00:00.000Z", "Poli Anak · dr. Ayu", "/staff/contacts/<citra>"],
      ["Ani", "2026-11-01T03:00:00.000Z", "Poli Anak · dr. Ayu", "/staff/contacts/<ani>"],
      ["Budi", "2026-10-31T16:30:00.000Z", "Poli Gigi · dr. Ayu", "/staff/contacts/<budi>"],
    ]);
    expect((await total(appointmentKpis, "bookingLeadDays")).denominator).toBe(3);
    expect((await records(appointmentKpis, "bookingLeadDays", { branchIds: [ids.mks] })).map((r) => r[0])).toEqual(["Budi"]);
  });

  it("hours to accept lists the accepted incoming referrals; back-referral rate the visits not yet sent back", async () => {
    const hrefs = async (id: string, query: Partial<KpiQuery> = {}) => (await records(referralKpis, id, query)).map((r) => [r[1], r[2], r[3]]);
    expect(await hrefs("hoursToAccept")).toEqual([
      ["2026-11-08T03:00:00.000Z", "completed", "/staff/referrals/<r6>"],
      ["2026-11-03T03:00:00.000Z", "completed", "/staff/referrals/<r2>"],
      ["2026-11-02T03:00:00.000Z", "accepted", "/staff/referrals/<r1>"],
      ["2026-10-31T16:30:00.000Z", "back_referred", "/staff/referrals/<r3>"],
    ]);
    expect((await total(referralKpis, "hoursToAccept")).numerator).toBe(4);
    expect((await hrefs("hoursToAccept", { branchIds: [ids.jkt] })).map((r) => r[2])).toEqual(["/staff/referrals/<r2>", "/staff/referrals/<r1>"]);
    expect(await hrefs("backReferralRate")).toEqual([
      ["2026-11-08T03:00:00.000Z", "completed", "/staff/referrals/<r6>"],
      ["2026-11-03T03:00:00.000Z", "completed", "/staff/referrals/<r2>"],
    ]);
    expect(await total(referralKpis, "backReferralRate")).toEqual({ numerator: 1, denominator: 3 });
    expect((await hrefs("backReferralRate", { branchIds: [ids.jkt] })).map((r) => r[2])).toEqual(["/staff/referrals/<r2>"]);
    expect((await records(referralKpis, "backReferralRate"))[0][0]).toBe(`${(await one<{ number: string }>(sql`select number from hospital_referrals_referrals where id = ${ids.r6}`)).number} · Klinik Sehat`);
  });
});

describe("retail-pos KPI records", () => {
  it("average basket lists the receipts with their totals, average items with their items", async () => {
    expect(await records(posKpis, "basketRupiah")).toEqual([
      ["R7", "2026-11-06T03:00:00.000Z", "15000", "/staff/contacts/<nina>"],
      ["R3", "2026-11-04T03:00:00.000Z", "30000", "/staff/pos/reports"],
      ["R2", "2026-11-03T03:00:00.000Z", "50000", "/staff/contacts/<mira>"],
      ["R1", "2026-11-02T03:00:00.000Z", "100000", "/staff/contacts/<mira>"],
      ["R4", "2026-10-31T16:30:00.000Z", "20000", "/staff/contacts/<nina>"],
    ]);
    expect(await total(posKpis, "basketRupiah")).toEqual({ numerator: 215_000, denominator: 5 });
    expect((await records(posKpis, "basketRupiah", { branchIds: [ids.s2] })).map((r) => r[0])).toEqual(["R4"]);
    expect((await records(posKpis, "basketItems")).map((r) => [r[0], r[2]])).toEqual([
      ["R7", "1"],
      ["R3", "1"],
      ["R2", "1"],
      ["R1", "3"],
      ["R4", "1"],
    ]);
    expect(await total(posKpis, "basketItems")).toEqual({ numerator: 7, denominator: 5 });
    expect((await records(posKpis, "basketItems", { branchIds: [ids.s1] })).map((r) => r[0])).toEqual(["R7", "R3", "R2", "R1"]);
  });

  it("members' share lists the members' receipts", async () => {
    expect((await records(posKpis, "membersShare")).map((r) => [r[0], r[2], r[3]])).toEqual([
      ["R7", "15000", "/staff/contacts/<nina>"],
      ["R2", "50000", "/staff/contacts/<mira>"],
      ["R1", "100000", "/staff/contacts/<mira>"],
      ["R4", "20000", "/staff/contacts/<nina>"],
    ]);
    expect((await total(posKpis, "membersShare")).numerator).toBe(185_000);
    expect((await records(posKpis, "membersShare", { branchIds: [ids.s1] })).map((r) => r[0])).toEqual(["R7", "R2", "R1"]);
  });

  it("repeat rate lists the members who bought twice, frequency every member who bought, counting only the branches asked for", async () => {
    expect(await records(posKpis, "repeatRate")).toEqual([
      ["Nina", "2026-11-06T03:00:00.000Z", "2", "/staff/contacts/<nina>"],
      ["Mira", "2026-11-03T03:00:00.000Z", "2", "/staff/contacts/<mira>"],
    ]);
    expect(await total(posKpis, "repeatRate")).toEqual({ numerator: 2, denominator: 2 });
    // in Jakarta's store Nina bought once
    expect((await records(posKpis, "repeatRate", { branchIds: [ids.s1] })).map((r) => r[0])).toEqual(["Mira"]);
    expect(await total(posKpis, "repeatRate", { branchIds: [ids.s1] })).toEqual({ numerator: 1, denominator: 2 });
    expect((await records(posKpis, "purchaseFrequency", { branchIds: [ids.s1] })).map((r) => [r[0], r[1], r[2]])).toEqual([
      ["Nina", "2026-11-06T03:00:00.000Z", "1"],
      ["Mira", "2026-11-03T03:00:00.000Z", "2"],
    ]);
    expect(await total(posKpis, "purchaseFrequency", { branchIds: [ids.s1] })).toEqual({ numerator: 3, denominator: 2 });
    expect((await records(posKpis, "purchaseFrequency", { branchIds: [ids.s2] })).map((r) => [r[0], r[1], r[2]])).toEqual([["Nina", "2026-10-31T16:30:00.000Z", "1"]]);
  });

  it("line sales lists the lines, newest receipt first", async () => {
    expect((await records(posKpis, "lineSales")).map((r) => [r[0], r[2]])).toEqual([
      ["R7 · Barang W", "15000"],
      ["R3 · Barang X", "30000"],
      ["R2 · Barang Y", "50000"],
      ["R1 · Barang X", "60000"],
      ["R1 · Barang Y", "40000"],
      ["R4 · Barang X", "20000"],
    ]);
    expect((await total(posKpis, "lineSales")).numerator).toBe(215_000);
    expect((await records(posKpis, "lineSales", { branchIds: [ids.s2] })).map((r) => r[0])).toEqual(["R4 · Barang X"]);
    expect(await records(posKpis, "lineSales", {}, 2)).toHaveLength(2);
  });
});

describe("retail-loyalty KPI records", () => {
  it("points issued, redeemed and expired list their ledger entries, each opening the member", async () => {
    expect(await records(loyaltyKpis, "pointsIssued")).toEqual([
      ["Nina", "2026-11-06T03:00:00.000Z", "30 · earn", "/staff/loyalty?contact=<nina>"],
      ["Mira", "2026-11-03T03:00:00.000Z", "20 · adjust", "/staff/loyalty?contact=<mira>"],
      ["Mira", "2026-11-02T03:00:00.000Z", "100 · earn", "/staff/loyalty?contact=<mira>"],
    ]);
    expect((await total(loyaltyKpis, "pointsIssued")).numerator).toBe(150);
    expect((await records(loyaltyKpis, "pointsIssued", { branchIds: [ids.s1] })).map((r) => r[2])).toEqual(["20 · adjust", "100 · earn"]);
    expect(await records(loyaltyKpis, "pointsRedeemed")).toEqual([["Mira", "2026-11-04T03:00:00.000Z", "50 · redeem", "/staff/loyalty?contact=<mira>"]]);
    expect(await records(loyaltyKpis, "pointsRedeemed", { branchIds: [ids.s2] })).toEqual([]);
    expect(await records(loyaltyKpis, "pointsExpired")).toEqual([["Nina", "2026-10-31T16:30:00.000Z", "5 · expire", "/staff/loyalty?contact=<nina>"]]);
    expect(await records(loyaltyKpis, "pointsExpired", { branchIds: [ids.s1] })).toEqual([]);
  });

  it("liability lists the lots still owed, latest earned first", async () => {
    expect(await records(loyaltyKpis, "pointsLiability")).toEqual([
      ["Nina", "2026-10-01T00:00:00.000Z", "15", "/staff/loyalty?contact=<nina>"],
      ["Nina", "2026-08-01T00:00:00.000Z", "10", "/staff/loyalty?contact=<nina>"],
      ["Mira", "2026-07-01T00:00:00.000Z", "30", "/staff/loyalty?contact=<mira>"],
      ["Mira", "2026-06-01T00:00:00.000Z", "70", "/staff/loyalty?contact=<mira>"],
    ]);
    expect((await total(loyaltyKpis, "pointsLiability")).numerator).toBe(125);
    expect((await records(loyaltyKpis, "pointsLiability", { branchIds: [ids.s1] })).map((r) => r[2])).toEqual(["30", "70"]);
  });

  it("points expiring in 30/60/90 days list those lots, the soonest to expire first", async () => {
    const lots = async (id: string, query: Partial<KpiQuery> = {}) => (await records(loyaltyKpis, id, query)).map((r) => [r[0], r[1], r[2]]);
    const o1 = ["Mira", "2026-12-20T00:00:00.000Z", "70"];
    const o2 = ["Mira", "2027-01-20T00:00:00.000Z", "30"];
    const o3 = ["Nina", "2027-02-20T00:00:00.000Z", "10"];
    expect(await lots("pointsExpiring30")).toEqual([o1]);
    expect(await lots("pointsExpiring60")).toEqual([o1, o2]);
    expect(await lots("pointsExpiring90")).toEqual([o1, o2, o3]);
    expect((await total(loyaltyKpis, "pointsExpiring90")).numerator).toBe(110);
    expect(await lots("pointsExpiring90", { branchIds: [ids.s2] })).toEqual([o3]);
    expect(await lots("pointsExpiring30", { branchIds: [ids.s2] })).toEqual([]);
  });

  it("voucher redemption rate lists the vouchers issued in the period and not used", async () => {
    expect(await records(loyaltyKpis, "voucherRedemptionRate")).toEqual([
      ["Mira", "2026-11-05T03:00:00.000Z", "10000", "/staff/loyalty?contact=<mira>"],
      ["Nina", "2026-10-31T16:30:00.000Z", "10000", "/staff/loyalty?contact=<nina>"],
    ]);
    expect(await total(loyaltyKpis, "voucherRedemptionRate")).toEqual({ numerator: 1, denominator: 3 });
    expect((await records(loyaltyKpis, "voucherRedemptionRate", { branchIds: [ids.s1] })).map((r) => r[0])).toEqual(["Mira"]);
  });
});
