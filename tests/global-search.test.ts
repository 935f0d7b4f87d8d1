// The staff global search (issue 15): one box, every kind the user may read — contacts by typo'd
// name, phone in any form, NIK, member card; tickets, referrals and receipts by number — each kind
// scoped as its own list page is, plugins' kinds gone with the plugin, and no input breaks it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, contactIdentifiers, tickets } from "../db/schema/index.ts";
import hospitalReferrals from "../plugins/hospital-referrals/index.ts";
import retailPos from "../plugins/retail-pos/index.ts";
import { referrals } from "../plugins/hospital-referrals/schema.ts";
import { retailPosConnections, retailPosSales } from "../plugins/retail-pos/schema.ts";
import * as searchRoute from "../app/routes/staff/search.tsx";
import { callRoute, createContact, createPartnerOrg, createStaff, createTestApp, unwrap } from "./support/test-app.ts";

interface Page {
  query: string;
  cut: boolean;
  tooShort: boolean;
  title: string;
  groups: { kind: string; label: string; results: { id: string; title: string; subtitle?: string; href?: string }[]; more: boolean; listHref: string | null; failed: boolean }[] | null;
}

let app: Awaited<ReturnType<typeof createTestApp>>;
const ids = {} as { patient: string; shopper: string; ticket: string; ticketNumber: string; referral: string; referralNumber: string; sale: string };
const cookies = {} as Record<"manager" | "cashier" | "frontdesk" | "agent", string>;

async function search(cookie: string, q: string, raw = false) {
  const path = raw ? `/staff/search?q=${q}` : `/staff/search?q=${encodeURIComponent(q)}`;
  return unwrap(await callRoute(app.runtime, searchRoute.loader, { path, cookie }));
}
async function page(cookie: string, q: string) {
  const result = await search(cookie, q);
  expect(result.status).toBe(200);
  return result.data as Page;
}
const kind = (p: Page, k: string) => p.groups?.find((g) => g.kind === k);
const found = (p: Page, k: string) => kind(p, k)?.results.map((r) => r.id) ?? [];

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalReferrals, retailPos] });
  const { db } = app.runtime;
  // a patient: a BPJS card makes her one (hidden from staff without core.patient.read)
  const patient = await createContact(app.runtime, { fullName: "Wulandari Kusumaningrum", phone: "+6281299887766" });
  await db.insert(contactIdentifiers).values([
    { contactId: patient.id, system: "nik", value: "3174055204880003" },
    { contactId: patient.id, system: "bpjs", value: "0001234567890" },
  ]);
  // a shopper with a member card
  const shopper = await createContact(app.runtime, { fullName: "Bambang Pamungkas", phone: "+6285711223344" });
  await db.insert(contactIdentifiers).values({ contactId: shopper.id, system: "member_card", value: "MBR-00042" });
  const [ticket] = await db
    .insert(tickets)
    .values({ channel: "phone", category: "complaint", subject: "Antrean farmasi terlalu lama", slaDueAt: new Date(Date.now() + 86_400_000), contactId: shopper.id })
    .returning({ id: tickets.id, number: tickets.number });
  const clinic = await createPartnerOrg(app.runtime, { type: "clinic" });
  const [referral] = await db
    .insert(referrals)
    .values({ direction: "incoming", status: "sent", contactId: patient.id, partnerOrgId: clinic.id, reason: "Sesak napas", icd10Code: "J18.9", icd10Text: "Pneumonia", targetService: "Poli Penyakit Dalam" })
    .returning({ id: referrals.id, number: referrals.number });
  const [store] = await db.insert(branches).values({ code: "TK01", name: "Toko Bandung", kind: "store" }).returning({ id: branches.id });
  const [connection] = await db
    .insert(retailPosConnections)
    .values({ branchId: store.id, name: "Kasir 1", keyPrefix: "pos_test", keyHash: "hash-global-search", signingSecret: "secret" })
    .returning({ id: retailPosConnections.id });
  const [sale] = await db
    .insert(retailPosSales)
    .values({ connectionId: connection.id, branchId: store.id, kind: "sale", receiptNo: "TK01-000123", idempotencyKey: "k1", requestHash: "h1", contactId: shopper.id, occurredAt: new Date(), totalIdr: 125_000 })
    .returning({ id: retailPosSales.id });
  Object.assign(ids, { patient: patient.id, shopper: shopper.id, ticket: ticket.id, ticketNumber: ticket.number, referral: referral.id, referralNumber: referral.number, sale: sale.id });
  for (const role of ["manager", "cashier", "frontdesk", "agent"] as const) cookies[role] = (await createStaff(app.runtime, { roles: [role] })).cookie;
});
afterAll(() => app.close());

describe("global search", () => {
  it("finds contacts by a typo'd name, a phone in any form, NIK, BPJS and member card", async () => {
    const byName = await page(cookies.manager, "wulandari kusumaningrom");
    expect(found(byName, "core.contacts")[0]).toBe(ids.patient);
    expect(kind(byName, "core.contacts")?.listHref).toBe("/staff/contacts?q=wulandari%20kusumaningrom");
    for (const phone of ["0812-9988-7766", "+62 812 9988 7766", "6281299887766"]) expect(found(await page(cookies.manager, phone), "core.contacts"), phone).toEqual([ids.patient]);
    expect(found(await page(cookies.manager, "3174055204880003"), "core.contacts")).toEqual([ids.patient]);
    expect(found(await page(cookies.manager, "0001234567890"), "core.contacts")).toEqual([ids.patient]);
    const card = await page(cookies.manager, "mbr-00042");
    expect(found(card, "core.contacts")).toEqual([ids.shopper]);
    expect(kind(card, "core.contacts")?.results[0].href).toBe(`/staff/contacts/${ids.shopper}`);
  });

  it("finds a ticket, a referral and a receipt by number", async () => {
    const ticket = await page(cookies.manager, ids.ticketNumber.toLowerCase());
    expect(found(ticket, "core.tickets")).toEqual([ids.ticket]);
    expect(kind(ticket, "core.tickets")?.results[0].href).toBe(`/staff/tickets/${ids.ticket}`);
    expect(found(await page(cookies.manager, ids.ticketNumber.replace("TKT-", "")), "core.tickets")).toEqual([ids.ticket]);
    const referral = await page(cookies.manager, ids.referralNumber);
    expect(found(referral, "hospital-referrals.referrals")).toEqual([ids.referral]);
    expect(referral.groups?.find((g) => g.kind === "hospital-referrals.referrals")?.label).toBe("Rujukan");
    expect(kind(referral, "hospital-referrals.referrals")?.results[0].href).toBe(`/staff/referrals/${ids.referral}`);
    const receipt = await page(cookies.manager, "tk01-000123");
    expect(found(receipt, "retail-pos.receipts")).toEqual([ids.sale]);
    expect(kind(receipt, "retail-pos.receipts")?.results[0]).toMatchObject({ href: `/staff/contacts/${ids.shopper}` });
    expect(kind(receipt, "retail-pos.receipts")?.results[0].subtitle).toContain("Bambang Pamungkas");
  });

  it("gives no results of a kind the user may not read: the cashier sees no patients, referrals or tickets", async () => {
    const byNik = await page(cookies.cashier, "3174055204880003");
    expect(found(byNik, "core.contacts")).toEqual([]);
    expect(found(await page(cookies.cashier, "wulandari kusumaningrum"), "core.contacts")).toEqual([]);
    expect(found(await page(cookies.cashier, "0812-9988-7766"), "core.contacts")).toEqual([]);
    expect(kind(await page(cookies.cashier, ids.referralNumber), "hospital-referrals.referrals")).toBeUndefined();
    expect(kind(await page(cookies.cashier, ids.ticketNumber), "core.tickets")).toBeUndefined();
    // what the cashier's job needs: shoppers and receipts
    expect(found(await page(cookies.cashier, "MBR-00042"), "core.contacts")).toEqual([ids.shopper]);
    expect(found(await page(cookies.cashier, "TK01-000123"), "retail-pos.receipts")).toEqual([ids.sale]);
    // the front desk reads patients and referrals, not receipts
    expect(found(await page(cookies.frontdesk, "3174055204880003"), "core.contacts")).toEqual([ids.patient]);
    expect(kind(await page(cookies.frontdesk, "TK01-000123"), "retail-pos.receipts")).toBeUndefined();
  });

  it("a receipt of a patient does not name or link her for staff who may not see patients", async () => {
    const { db } = app.runtime;
    const [sale] = await db.select().from(retailPosSales);
    await db
      .insert(retailPosSales)
      .values({ ...sale, id: undefined, receiptNo: "TK01-000777", idempotencyKey: "k2", requestHash: "h2", contactId: ids.patient, createdAt: undefined });
    const forCashier = kind(await page(cookies.cashier, "TK01-000777"), "retail-pos.receipts")?.results ?? [];
    expect(forCashier).toHaveLength(1);
    expect(forCashier[0].href).toBeUndefined();
    expect(forCashier[0].subtitle).not.toContain("Wulandari");
    const forManager = kind(await page(cookies.manager, "TK01-000777"), "retail-pos.receipts")?.results ?? [];
    expect(forManager[0].href).toBe(`/staff/contacts/${ids.patient}`);
  });

  it("a disabled plugin's kind is absent, and back when it is enabled again", async () => {
    const { db, registry } = app.runtime;
    await registry.setEnabled(db, { kind: "system" }, "retail-pos", false);
    try {
      const p = await page(cookies.manager, "TK01-000123");
      expect(kind(p, "retail-pos.receipts")).toBeUndefined();
      expect(p.groups?.map((g) => g.kind)).toContain("hospital-referrals.referrals");
    } finally {
      await registry.setEnabled(db, { kind: "system" }, "retail-pos", true);
    }
    expect(found(await page(cookies.manager, "TK01-000123"), "retail-pos.receipts")).toEqual([ids.sale]);
  });

  it("an empty or one-character query shows the hint, a long one is cut, control characters are dropped", async () => {
    const empty = await page(cookies.manager, "");
    expect(empty).toMatchObject({ query: "", tooShort: false, groups: null, title: "Cari" });
    expect(await page(cookies.manager, "   ")).toMatchObject({ query: "", groups: null });
    expect(await page(cookies.manager, "a")).toMatchObject({ query: "a", tooShort: true, groups: null });
    const long = await page(cookies.manager, `Wulandari ${"x".repeat(490)}`);
    expect(long.cut).toBe(true);
    expect(long.query).toHaveLength(100);
    const control = await page(cookies.manager, "wulandari\u0000\u0007\u001b[31m kusumaningrum\u200b");
    expect(control.query).toBe("wulandari [31m kusumaningrum");
    expect(control.groups).not.toBeNull();
  });

  it("never answers 400 or 500 to malformed input", async () => {
    for (const q of ["%", "%zz", "%E0%A4%A", "%00", "'--", "\\", "_%_", "%F0%9F%98%80%F0%9F", "a&q=b&q=c", "RJK-9999-", "TKT-", "0", "+", "()-.", "<script>", "%ED%A0%80"]) {
      const result = await search(cookies.manager, q, true);
      expect(result.status, q).toBe(200);
    }
    for (const q of ["𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 名前", "x".repeat(5000), "0812" + "9".repeat(200), "siti' or 1=1 --", "% _ \\ %"]) {
      expect((await search(cookies.manager, q)).status, q.slice(0, 20)).toBe(200);
    }
  });

  it("refuses a staff member whose roles can search nothing (403), and sends a visitor to sign in", async () => {
    const nobody = await createStaff(app.runtime, { roles: [] });
    expect(unwrap(await callRoute(app.runtime, searchRoute.loader, { path: "/staff/search?q=wulandari", cookie: nobody.cookie })).status).toBe(403);
    const anonymous = await callRoute(app.runtime, searchRoute.loader, { path: "/staff/search?q=wulandari" });
    expect(anonymous).toBeInstanceOf(Response);
    expect([302, 303]).toContain((anonymous as Response).status);
  });
});
