// The breach register: the people affected found from the audit log (checked against a fixture
// worked out by hand), the 72-hour clock, a notice to each in their language, the authority's
// report, and closing only once everyone who can be told was told.
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, branches, messages, privacyIncidents, tickets } from "../../db/schema/index.ts";
import { breachClock } from "../../app/core/privacy/breach-register-forms.ts";
import { findAffectedPeople } from "../../app/core/privacy/breach-register.server.ts";
import * as listRoute from "../../app/routes/staff/privacy.incidents.tsx";
import * as detailRoute from "../../app/routes/staff/privacy.incident.tsx";
import * as reportRoute from "../../app/routes/staff/privacy.incident.report.tsx";
import * as xlsxRoute from "../../app/routes/staff/privacy.incident.report.xlsx.ts";
import { atInstant } from "../support/clock.ts";
import { callRoute, createContact, createCustomer, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<typeof createStaff>>;
let stolen: Awaited<ReturnType<typeof createStaff>>;
const people: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp();
  const db = app.runtime.db;
  admin = await createStaff(app.runtime, { roles: ["admin"] });
  stolen = await createStaff(app.runtime, { roles: ["agent"], email: "agen.dicuri@rs.contoh.id" });
  const other = await createStaff(app.runtime, { roles: ["agent"] });
  people.ani = (await createContact(app.runtime, { fullName: "Ani", email: "ani@contoh.id", preferredLocale: "id" })).id;
  const [makassar] = await db.insert(branches).values({ code: "H-MKS", name: "RS Makassar", kind: "hospital", timeZone: "Asia/Makassar" }).returning({ id: branches.id });
  people.bob = (await createContact(app.runtime, { fullName: "Bob", email: "bob@example.com", preferredLocale: "en", branchId: makassar.id })).id;
  people.cici = (await createContact(app.runtime, { fullName: "Cici" })).id;
  people.dodi = (await createContact(app.runtime, { fullName: "Dodi" })).id;
  const eka = await createCustomer(app.runtime, { email: "eka@contoh.id" });
  people.eka = eka.contact.id;
  people.fajar = (await createContact(app.runtime, { fullName: "Fajar", email: null, preferredLocale: "en" })).id;
  // Ani's duplicate, merged into her: an entry about it counts for Ani
  people.aniOld = (await createContact(app.runtime, { fullName: "Ani (lama)", mergedIntoId: people.ani })).id;
  const [ticket] = await db
    .insert(tickets)
    .values({ subject: "Keluhan", contactId: people.fajar, channel: "phone", category: "complaint", slaDueAt: new Date("2026-12-03T00:00:00Z") })
    .returning({ id: tickets.id });

  const entry = (at: string, actor: string, entityType: string, entityId: string, data: Record<string, unknown> | null = null) => ({
    at: new Date(at),
    actorKind: "staff" as const,
    actorUserId: actor,
    action: "test.touched",
    entityType,
    entityId,
    data,
  });
  await db.insert(auditLog).values([
    entry("2026-12-01T03:00:00Z", stolen.id, "contact", people.ani), // Ani 1
    entry("2026-12-01T04:00:00Z", stolen.id, "contact", people.ani), // Ani 2
    entry("2026-12-01T04:30:00Z", stolen.id, "contact", people.aniOld), // Ani 3, through the merge
    entry("2026-12-01T05:00:00Z", stolen.id, "user", eka.id), // Eka, through her account
    entry("2026-12-01T06:00:00Z", stolen.id, "ticket", ticket.id), // Fajar, through his ticket
    entry("2026-12-01T07:00:00Z", stolen.id, "hospital-appointments.visit", "0b0b0b0b-0000-4000-8000-000000000001", { contactId: people.bob }), // Bob, named in the data
    entry("2026-11-30T23:59:59Z", stolen.id, "contact", people.cici), // before the window
    entry("2026-12-02T00:00:01Z", stolen.id, "contact", people.dodi), // after the window
    entry("2026-12-01T08:00:00Z", other.id, "contact", people.dodi), // another account
    entry("2026-12-01T09:00:00Z", stolen.id, "segment", "0b0b0b0b-0000-4000-8000-000000000002"), // no person
  ]);
});
afterAll(() => app.close());

const windowFrom = new Date("2026-12-01T00:00:00Z");
const windowTo = new Date("2026-12-02T00:00:00Z");

describe("the people affected", () => {
  it("are found from the audit log, by window, account and record type", async () => {
    const byName = async (scope: { entityTypes: string[]; actorUserId: string | null }) => {
      const found = await findAffectedPeople(app.runtime.db, { windowFrom, windowTo, ...scope });
      const names = Object.fromEntries(Object.entries(people).map(([name, id]) => [id, name]));
      return Object.fromEntries(found.map((f) => [names[f.contactId], f.entries]));
    };
    expect(await byName({ entityTypes: [], actorUserId: stolen.id })).toEqual({ ani: 3, eka: 1, fajar: 1, bob: 1 });
    expect(await byName({ entityTypes: ["contact"], actorUserId: stolen.id })).toEqual({ ani: 3 });
    expect(await byName({ entityTypes: ["user", "ticket"], actorUserId: stolen.id })).toEqual({ eka: 1, fajar: 1 });
    // without an account: everyone touched in the window, whoever did it
    expect(await byName({ entityTypes: [], actorUserId: null })).toEqual({ ani: 3, eka: 1, fajar: 1, bob: 1, dodi: 1 });
  });
});

describe("the 72-hour clock", () => {
  it("runs out 72 hours after discovery unless the authority and the people were told", () => {
    const notifyBy = new Date("2026-12-05T02:00:00Z");
    const at = (iso: string, told: { authority?: string; people?: string } = {}) =>
      breachClock({ notifyBy, authorityNotifiedAt: told.authority ?? null, peopleNotifiedAt: told.people ?? null }, new Date(iso));
    expect(at("2026-12-02T02:00:00Z")).toMatchObject({ overdue: false, hours: 72, minutes: 0 });
    expect(at("2026-12-05T01:59:00Z")).toMatchObject({ overdue: false, hours: 0, minutes: 1 });
    expect(at("2026-12-05T02:00:00Z")).toMatchObject({ overdue: true });
    expect(at("2026-12-05T02:00:00Z", { authority: "2026-12-04T00:00:00Z" })).toMatchObject({ overdue: true });
    expect(at("2026-12-06T00:00:00Z", { authority: "2026-12-04T00:00:00Z", people: "2026-12-04T00:00:00Z" })).toMatchObject({ overdue: false, done: true });
  });
});

describe("an incident, from record to close", () => {
  it("is recorded in local time, finds its people, tells each in their language, and closes once reported", async () => {
    const form = {
      title: "Kata sandi agen dicuri",
      description: "Akun agen dipakai dari alamat IP asing.",
      severity: "high",
      // WIB: 07.00 on 1 Dec = 00.00 UTC
      discoveredAt: "2026-12-02T09:00",
      windowFrom: "2026-12-01T07:00",
      windowTo: "2026-12-02T07:00",
      entityTypes: [] as string[],
      dataCategories: ["identity", "contact_details"],
      actorEmail: "AGEN.DICURI@rs.contoh.id",
    };
    const created = unwrap(await callRoute(app.runtime, listRoute.action, { path: "/staff/privacy/incidents", cookie: admin.cookie, form }));
    expect(created.status).toBe(302);
    const id = created.headers!.get("Location")!.split("/").pop()!;
    const [incident] = await app.runtime.db.select().from(privacyIncidents).where(eq(privacyIncidents.id, id));
    expect(incident).toMatchObject({
      windowFrom,
      windowTo,
      discoveredAt: new Date("2026-12-02T02:00:00Z"),
      notifyBy: new Date("2026-12-05T02:00:00Z"),
      actorUserId: stolen.id,
      status: "open",
    });

    const path = `/staff/privacy/incidents/${id}`;
    const act = async (values: Record<string, string>) =>
      unwrap(await callRoute(app.runtime, detailRoute.action, { path, cookie: admin.cookie, params: { incidentId: id }, form: values }));
    expect(await act({ intent: "findPeople" })).toMatchObject({ status: 200, data: { counts: { added: 4, total: 4 } } });
    expect(await act({ intent: "findPeople" })).toMatchObject({ status: 200, data: { counts: { added: 0, total: 4 } } });

    // no notice is sent before it is written in both languages
    expect(await act({ intent: "notifyPeople" })).toMatchObject({ status: 400, data: { result: { error: { "": ["privacy:breach.errors.noticeMissing"] } } } });
    expect(
      await act({
        intent: "details",
        consequences: "Nama dan nomor ponsel dapat disalahgunakan untuk penipuan.",
        measures: "Kata sandi direset, sesi dicabut, faktor kedua diwajibkan.",
        noticeId: "Akun staf kami dipakai orang lain pada 1 Desember; nama dan kontak Anda mungkin terlihat.",
        noticeEn: "A staff account was misused on 1 December; your name and contact details may have been seen.",
      }),
    ).toMatchObject({ status: 200 });
    expect(await act({ intent: "notifyPeople" })).toMatchObject({ status: 200, data: { counts: { sent: 3, skipped: 1 } } });

    const sent = await app.runtime.db.select().from(messages).where(eq(messages.template, "privacy.breach"));
    const to = Object.fromEntries(sent.map((m) => [m.recipient, m]));
    expect(Object.keys(to).sort()).toEqual(["ani@contoh.id", "bob@example.com", "eka@contoh.id"]);
    expect(to["ani@contoh.id"]).toMatchObject({ locale: "id", subject: "Penting: insiden yang melibatkan data pribadi Anda" });
    expect(to["ani@contoh.id"].bodyText).toContain("nama dan kontak Anda mungkin terlihat");
    expect(to["ani@contoh.id"].bodyText).toContain("Identitas, Data kontak");
    expect(to["bob@example.com"]).toMatchObject({ locale: "en", subject: "Important: an incident involving your personal data" });
    expect(to["bob@example.com"].bodyText).toContain("your name and contact details may have been seen");
    // the time of discovery in each person's own zone: 09.00 WIB is 10.00 WITA in Makassar
    expect(to["ani@contoh.id"].bodyText).toContain("09.00 WIB");
    expect(to["bob@example.com"].bodyText).toMatch(/10[.:]00.*WITA/);
    // the customer's account language is not the contact's: the contact's preferred language rules
    expect(to["eka@contoh.id"].locale).toBe("id");

    // a second press tells nobody twice
    expect(await act({ intent: "notifyPeople" })).toMatchObject({ status: 200, data: { counts: { sent: 0, skipped: 0 } } });
    const [afterNotice] = await app.runtime.db.select().from(privacyIncidents).where(eq(privacyIncidents.id, id));
    expect(afterNotice.peopleNotifiedAt).not.toBeNull();

    expect(await act({ intent: "status", status: "closed" })).toMatchObject({
      status: 400,
      data: { result: { error: { "": ["privacy:breach.errors.notReadyToClose"] } } },
    });
    expect(await act({ intent: "authority", reference: "KOMINFO/PDP/2026/123" })).toMatchObject({ status: 200 });

    const report = unwrap(await callRoute(app.runtime, reportRoute.loader, { path: `${path}/report`, cookie: admin.cookie, params: { incidentId: id } }));
    const lines = Object.fromEntries((report.data as { lines: [string, string][] }).lines);
    expect(lines["Jumlah orang terdampak"]).toBe("4");
    expect(lines["Orang yang sudah diberi tahu"]).toMatch(/^3 \/ 4 · /);
    expect(lines["Nomor referensi"]).toBe("KOMINFO/PDP/2026/123");
    expect(lines["Data pribadi yang terungkap"]).toBe("Identitas, Data kontak");

    const xlsx = (await callRoute(app.runtime, xlsxRoute.loader, {
      path: `${path}/report.xlsx`,
      cookie: admin.cookie,
      params: { incidentId: id },
    })) as Response;
    expect(xlsx.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    // the list names people: a session signed in more than five minutes ago confirms who it is first
    const stale = (await atInstant(new Date(Date.now() + 6 * 60_000).toISOString(), () =>
      callRoute(app.runtime, xlsxRoute.loader, { path: `${path}/report.xlsx`, cookie: admin.cookie, params: { incidentId: id } }),
    )) as Response;
    expect(stale.headers.get("Location")).toMatch(/^\/staff\/login\/confirm\?redirectTo=/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    const names = workbook.worksheets[1].getColumn(1).values.slice(2).map(String);
    expect(names).toHaveLength(4);
    expect(names).toEqual(expect.arrayContaining(["Ani", "Bob", "Fajar"]));
    expect(workbook.worksheets[0].getRow(9).values).toEqual([undefined, "Jumlah orang terdampak", "4"]);

    expect(await act({ intent: "status", status: "closed" })).toMatchObject({ status: 200 });
    expect(await act({ intent: "findPeople" })).toMatchObject({ status: 400, data: { result: { error: { "": ["privacy:breach.errors.closed"] } } } });
    const actions = await app.runtime.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, id));
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "privacy.incident.recorded",
        "privacy.incident.people_found",
        "privacy.incident.people_notified",
        "privacy.incident.authority_notified",
        "privacy.incident.status_changed",
      ]),
    );
  });
});

describe("who may use the register, and bad input", () => {
  it("answers 403 without the permission", async () => {
    const agent = await createStaff(app.runtime, { roles: ["agent"] });
    expect(unwrap(await callRoute(app.runtime, listRoute.loader, { path: "/staff/privacy/incidents", cookie: agent.cookie })).status).toBe(403);
    const tried = unwrap(
      await callRoute(app.runtime, listRoute.action, {
        path: "/staff/privacy/incidents",
        cookie: agent.cookie,
        form: { title: "x", description: "y", severity: "low", discoveredAt: "2026-12-02T09:00", windowFrom: "2026-12-01T07:00", windowTo: "2026-12-02T07:00" },
      }),
    );
    expect(tried.status).toBe(403);
  });

  it("refuses bad input with 400, keeps what was typed, records nothing; an unknown incident is 404", async () => {
    const before = (await app.runtime.db.select({ id: privacyIncidents.id }).from(privacyIncidents)).length;
    const base = {
      title: "Laptop hilang",
      description: "Laptop kasir hilang di kereta.",
      severity: "medium",
      discoveredAt: "2026-12-02T09:00",
      windowFrom: "2026-12-01T07:00",
      windowTo: "2026-12-02T07:00",
    };
    for (const [change, error] of [
      [{ windowTo: "2026-11-30T07:00" }, { "": ["privacy:breach.errors.windowInvalid"] }],
      [{ title: "" }, { title: ["validation.required"] }],
      [{ discoveredAt: "kemarin" }, { discoveredAt: ["validation.date"] }],
      [{ discoveredAt: "2026-02-30T09:00" }, { discoveredAt: ["validation.date"] }],
      [{ severity: "catastrophic" }, { severity: ["validation.choice"] }],
      [{ entityTypes: "appointments" }, { "entityTypes[0]": ["validation.choice"] }],
      [{ actorEmail: "nobody@nowhere.example" }, { "": ["privacy:breach.errors.actorUnknown"] }],
    ] as const) {
      const result = unwrap(
        await callRoute(app.runtime, listRoute.action, { path: "/staff/privacy/incidents", cookie: admin.cookie, form: { ...base, ...change } }),
      );
      expect(result.status, JSON.stringify(change)).toBe(400);
      expect((result.data as { result: { error: unknown; initialValue: { description: string } } }).result).toMatchObject({
        error,
        initialValue: { description: base.description },
      });
    }
    expect(await app.runtime.db.select({ id: privacyIncidents.id }).from(privacyIncidents)).toHaveLength(before);
    for (const id of ["nope", "00000000-0000-4000-8000-000000000000"]) {
      expect(
        unwrap(await callRoute(app.runtime, detailRoute.loader, { path: `/staff/privacy/incidents/${id}`, cookie: admin.cookie, params: { incidentId: id } }))
          .status,
      ).toBe(404);
      expect(
        unwrap(
          await callRoute(app.runtime, detailRoute.action, {
            path: `/staff/privacy/incidents/${id}`,
            cookie: admin.cookie,
            params: { incidentId: id },
            form: { intent: "findPeople" },
          }),
        ).status,
      ).toBe(404);
      expect(
        unwrap(
          await callRoute(app.runtime, xlsxRoute.loader, {
            path: `/staff/privacy/incidents/${id}/report.xlsx`,
            cookie: admin.cookie,
            params: { incidentId: id },
          }),
        ).status,
      ).toBe(404);
    }
    const bogus = unwrap(
      await callRoute(app.runtime, detailRoute.action, {
        path: "/staff/privacy/incidents/x",
        cookie: admin.cookie,
        params: { incidentId: "x" },
        form: { intent: "explode" },
      }),
    );
    expect(bogus.status).toBe(400);
  });
});
