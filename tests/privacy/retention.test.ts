// Retention: the nightly job destroys exactly the rows whose purpose's retention ran out, keeps
// the rest and records held by law, and logs what it destroyed (counts, never contents).
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client.ts";
import { interactions, messages, privacyDestructionLog } from "../../db/schema/index.ts";
import { applyRetention, retentionDaysOf, retentionQueue } from "../../app/core/privacy/retention.server.ts";
import * as retentionRoute from "../../app/routes/staff/privacy.retention.tsx";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments] });
});
afterAll(() => app.close());

// customer_records keeps 5 × 365 = 1825 days: the cutoff is 2021-12-08 17:30 UTC;
// service_messages keeps 2 × 365 = 730 days: the cutoff is 2024-12-07 17:30 UTC
const now = new Date("2026-12-07T17:30:00Z");

describe("retention", () => {
  it("never keeps a purpose under a legal hold shorter than the law says", () => {
    expect(retentionDaysOf({ retentionDays: 365 })).toBe(365);
    expect(retentionDaysOf({ retentionDays: 365, legalHold: { years: 25 } })).toBe(9132);
  });

  it("deletes and anonymises exactly the expired rows, logs them once, and leaves medical records", async () => {
    const db = app.runtime.db;
    const contact = await createContact(app.runtime, { fullName: "Budi Hartono" });
    const interaction = (subject: string, occurredAt: string) => ({
      contactId: contact.id,
      channel: "call" as const,
      direction: "inbound" as const,
      subject,
      occurredAt: new Date(occurredAt),
    });
    await db
      .insert(interactions)
      .values([
        interaction("expired a second ago", "2021-12-08T17:29:59Z"),
        interaction("exactly at the cutoff: kept", "2021-12-08T17:30:00Z"),
        interaction("long expired", "2020-01-01T00:00:00Z"),
        interaction("recent", "2026-01-01T00:00:00Z"),
      ]);
    const message = (recipient: string, createdAt: string, extra: Partial<typeof messages.$inferInsert> = {}) => ({
      channel: "email" as const,
      recipient,
      template: "core.reminder",
      locale: "id" as const,
      subject: "Pengingat",
      bodyText: "Halo Budi",
      contactId: contact.id,
      createdAt: new Date(createdAt),
      ...extra,
    });
    const [expiredMessage, keptMessage] = await db
      .insert(messages)
      .values([
        message("budi@contoh.id", "2024-12-07T17:29:00Z"),
        message("budi@contoh.id", "2024-12-08T00:00:00Z"),
        // anonymised by an earlier night: not counted again
        message("—", "2023-01-01T00:00:00Z", { subject: null, bodyText: null, bodyHtml: null, params: {} }),
      ])
      .returning({ id: messages.id });
    const [branch] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into branches (code, name, kind, time_zone) values ('H-RT', 'RS Retensi', 'hospital', 'Asia/Jakarta') returning id`),
    );
    const [service] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into hospital_appointments_services (branch_id, code, name) values (${branch.id}, 'UMUM', 'Poli Umum') returning id`),
    );
    const [doctor] = rowsOf<{ id: string }>(await db.execute(sql`insert into hospital_appointments_practitioners (name) values ('dr. Lama') returning id`));
    await db.execute(sql`insert into hospital_appointments_appointments
      (contact_id, practitioner_id, service_id, branch_id, start_at, end_at, local_date, queue_number, status, channel, created_at)
      values (${contact.id}, ${doctor.id}, ${service.id}, ${branch.id}, '2015-03-02T02:00:00Z', '2015-03-02T02:15:00Z', '2015-03-02', 1, 'fulfilled', 'frontdesk', '2015-03-01T00:00:00Z')`);

    // a visit of 2000 has outlived the 25-year hold (9,132 days, six leap days among them: cutoff 2001-12-06 17:30 UTC)
    await db.execute(sql`insert into hospital_appointments_appointments
      (contact_id, practitioner_id, service_id, branch_id, start_at, end_at, local_date, queue_number, status, channel, created_at)
      values (${contact.id}, ${doctor.id}, ${service.id}, ${branch.id}, '2000-03-02T02:00:00Z', '2000-03-02T02:15:00Z', '2000-03-02', 1, 'fulfilled', 'frontdesk', '2000-03-01T00:00:00Z')`);
    // a task and a ticket (with its conversation) older than customer_records' five years, and recent ones
    const [staff] = rowsOf<{ id: string }>(await db.execute(sql`insert into users (email, kind, name) values ('retensi@contoh.id', 'staff', 'Staf Retensi') returning id`));
    for (const [title, at] of [["Telepon Budi soal tagihan", "2021-01-05T03:00:00Z"], ["Telepon Budi lagi", "2026-06-01T03:00:00Z"]]) {
      await db.execute(sql`insert into tasks (title, description, contact_id, assignee_id, created_by, created_at) values (${title}, 'Catatan tentang Budi', ${contact.id}, ${staff.id}, ${staff.id}, ${at}::timestamptz)`);
      const [ticket] = rowsOf<{ id: string }>(
        await db.execute(sql`insert into tickets (number, subject, channel, category, contact_id, sla_due_at, created_at)
          values (${`RT-${at.slice(0, 4)}`}, ${`Keluhan Budi ${at.slice(0, 4)}`}, 'email', 'other', ${contact.id}, ${at}::timestamptz, ${at}::timestamptz) returning id`),
      );
      await db.execute(sql`insert into ticket_messages (ticket_id, author_kind, body, created_at) values (${ticket.id}, 'customer', 'Saya Budi, kamar 12', ${at}::timestamptz)`);
    }

    const run = await applyRetention(db, app.runtime.registry, now);
    const customerRecords = { purpose: "customer_records", cutoff: new Date("2021-12-08T17:30:00Z"), retentionDays: 1825 };
    expect(run.destroyed).toEqual([
      { ...customerRecords, table: "interactions", method: "delete", rows: 2 },
      { purpose: "service_messages", table: "messages", method: "anonymise", rows: 1, cutoff: new Date("2024-12-07T17:30:00Z"), retentionDays: 730 },
      { ...customerRecords, table: "tasks", method: "anonymise", rows: 1 },
      { ...customerRecords, table: "tickets", method: "anonymise", rows: 1 },
      { ...customerRecords, table: "ticket_messages", method: "anonymise", rows: 1 },
      { purpose: "hospital-appointments.visits", table: "hospital_appointments_appointments", method: "delete", rows: 1, cutoff: new Date("2001-12-06T17:30:00Z"), retentionDays: 9132 },
    ]);
    const tasksLeft = rowsOf<{ title: string; description: string | null; contact_id: string | null }>(
      await db.execute(sql`select title, description, contact_id from tasks where created_by = ${staff.id} order by created_at`),
    );
    expect(tasksLeft).toEqual([
      { title: "—", description: null, contact_id: null },
      { title: "Telepon Budi lagi", description: "Catatan tentang Budi", contact_id: contact.id },
    ]);
    const ticketsLeft = rowsOf<{ subject: string; body: string }>(
      await db.execute(sql`select t.subject, m.body from tickets t join ticket_messages m on m.ticket_id = t.id where t.number like 'RT-%' order by t.created_at`),
    );
    expect(ticketsLeft).toEqual([
      { subject: "—", body: "—" },
      { subject: "Keluhan Budi 2026", body: "Saya Budi, kamar 12" },
    ]);
    const left = await db.select({ subject: interactions.subject }).from(interactions).where(eq(interactions.contactId, contact.id));
    expect(left.map((r) => r.subject).sort()).toEqual(["exactly at the cutoff: kept", "recent"]);
    const [expired] = await db.select().from(messages).where(eq(messages.id, expiredMessage.id));
    expect(expired).toMatchObject({ recipient: "—", subject: null, bodyText: null, template: "core.reminder" });
    const [kept] = await db.select().from(messages).where(eq(messages.id, keptMessage.id));
    expect(kept).toMatchObject({ recipient: "budi@contoh.id", bodyText: "Halo Budi" });
    // an eleven-year-old visit is a medical record: 25 years under Permenkes 24/2022
    const [visits] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from hospital_appointments_appointments where contact_id = ${contact.id}`),
    );
    expect(visits.n).toBe(1);

    const log = await db.select().from(privacyDestructionLog);
    expect(log.map(({ table, method, rows }) => [table, method, rows])).toEqual([
      ["interactions", "delete", 2],
      ["messages", "anonymise", 1],
      ["tasks", "anonymise", 1],
      ["tickets", "anonymise", 1],
      ["ticket_messages", "anonymise", 1],
      ["hospital_appointments_appointments", "delete", 1],
    ]);
    expect(log.every((l) => l.ranAt.getTime() === now.getTime())).toBe(true);

    // run again (a retried job) nothing more is due, and nothing is logged
    expect((await applyRetention(db, app.runtime.registry, now)).destroyed).toEqual([]);
    expect(await db.select().from(privacyDestructionLog)).toHaveLength(6);
    // a day later the row that sat exactly at the cutoff has run out too
    const nextNight = await applyRetention(db, app.runtime.registry, new Date(now.getTime() + 86_400_000));
    expect(nextNight.destroyed.map(({ table, rows }) => [table, rows])).toEqual([
      ["interactions", 1],
      ["messages", 1],
    ]);
  });

  it("runs as a queued job", async () => {
    await app.runtime.jobs.send(retentionQueue, {});
    expect(await app.runtime.jobs.drain(retentionQueue)).toBe(1);
  });

  it("shows the rules and the log to the data protection officer only", async () => {
    const admin = await createStaff(app.runtime, { roles: ["admin"] });
    const agent = await createStaff(app.runtime, { roles: ["agent"] });
    expect(unwrap(await callRoute(app.runtime, retentionRoute.loader, { path: "/staff/privacy/retention", cookie: agent.cookie })).status).toBe(403);
    const page = unwrap(await callRoute(app.runtime, retentionRoute.loader, { path: "/staff/privacy/retention", cookie: admin.cookie }));
    const data = page.data as { rules: { table: string; days: number }[]; log: { table: string; rows: number }[] };
    expect(data.rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ table: "interactions", days: 1825 }), expect.objectContaining({ table: "messages", days: 730 })]),
    );
    expect(data.log.map((l) => [l.table, l.rows])).toEqual(
      expect.arrayContaining([
        ["interactions", 2],
        ["interactions", 1],
        ["messages", 1],
      ]),
    );
  });
});
