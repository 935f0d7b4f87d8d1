// The staff request desk: the 3 × 24 hour clock and its escalation at 48 hours, the identity check,
// a decision told in the person's language, erasure that leaves a medical record, and who may see what.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client.ts";
import { auditLog, contactIdentifiers, contacts, messages, privacyRequests, rolePermissions, roles, tasks, users } from "../../db/schema/index.ts";
import { sendMessageQueue } from "../../app/core/messaging/email.server.ts";
import { requestClock } from "../../app/core/privacy/request-desk-forms.ts";
import { checkIdentity, decideRequest, escalateDueRequests } from "../../app/core/privacy/request-desk.server.ts";
import { submitOwnRequest } from "../../app/core/privacy/privacy-requests.server.ts";
import * as listRoute from "../../app/routes/staff/privacy.requests.tsx";
import * as detailRoute from "../../app/routes/staff/privacy.request.tsx";
import * as overviewRoute from "../../app/routes/staff/privacy.tsx";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import { atInstant } from "../support/clock.ts";
import { callRoute, createContact, createCustomer, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
const hour = 3600_000;
let admin: Awaited<ReturnType<typeof createStaff>>;
const adminActor = () => ({ kind: "staff" as const, userId: admin.id, permissions: new Set(["core.privacyRequest.manage"]), branchId: null });

beforeAll(async () => {
  app = await createTestApp({ plugins: [hospitalAppointments] });
  admin = await createStaff(app.runtime, { roles: ["admin"] });
  // the data protection officer's role: granted the desk by name
  await app.runtime.db.insert(roles).values({ id: "dpo" });
  await app.runtime.db.insert(rolePermissions).values([
    { roleId: "dpo", permissionId: "core.privacyRequest.manage" },
    { roleId: "dpo", permissionId: "core.privacy.manage" },
  ]);
});
afterAll(() => app.close());

async function customerRequest(kind: "access" | "deletion" | "correction", language: "id" | "en", at = "2026-12-05T16:30:00Z") {
  const customer = await createCustomer(app.runtime);
  const actor = { kind: "customer" as const, userId: customer.id, contactId: customer.contact.id };
  const row = await atInstant(at, () => submitOwnRequest(app.runtime.db, actor, { kind, language, details: "Mohon diproses" }));
  return { customer, request: row! };
}

/** Tables (the audit log aside) with a row whose text contains `needle`. */
async function tablesContaining(needle: string) {
  const tables = rowsOf<{ table_name: string }>(
    await app.runtime.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('audit_log', '__drizzle_migrations')`,
    ),
  );
  const found: string[] = [];
  for (const { table_name } of tables) {
    const [row] = rowsOf<{ n: number }>(
      await app.runtime.db.execute(sql`select count(*)::int as n from ${sql.identifier(table_name)} t where t::text ilike ${"%" + needle + "%"}`),
    );
    if (row.n > 0) found.push(table_name);
  }
  return found;
}

async function emailsTo(address: string) {
  return app.runtime.db.select().from(messages).where(eq(messages.recipient, address));
}

describe("the 3 × 24 hour clock", () => {
  it("runs for 72 hours, turns urgent at 48 and late at 72", () => {
    const created = new Date("2026-12-05T16:30:00Z");
    const dueAt = new Date(created.getTime() + 72 * hour);
    const at = (h: number, m = 0) => requestClock({ dueAt, status: "open" }, new Date(created.getTime() + h * hour + m * 60_000));
    expect(at(0)).toMatchObject({ phase: "running", hours: 72, minutes: 0 });
    expect(at(47, 59)).toMatchObject({ phase: "running", hours: 24, minutes: 1 });
    expect(at(48)).toMatchObject({ phase: "escalated", hours: 24, minutes: 0 });
    expect(at(71, 59)).toMatchObject({ phase: "escalated", hours: 0, minutes: 1 });
    expect(at(72)).toMatchObject({ phase: "overdue" });
    expect(at(73, 30)).toMatchObject({ phase: "overdue", hours: 1, minutes: 30 });
    expect(requestClock({ dueAt, status: "completed" }, new Date(created.getTime() + 80 * hour)).phase).toBe("closed");
  });

  it("escalates to the officer once, at 48 hours and not a minute before, with a task due at the deadline", async () => {
    const officer = await createStaff(app.runtime, { roles: ["dpo"] });
    const { request } = await customerRequest("access", "id");
    const created = request.createdAt.getTime();
    const runtime = { jobs: app.runtime.jobs, config: app.runtime.config };
    const escalatedNow = async () => (await app.runtime.db.select().from(privacyRequests).where(eq(privacyRequests.id, request.id)))[0].escalatedAt;

    await escalateDueRequests(app.runtime.db, runtime, new Date(created + 48 * hour - 60_000));
    expect(await escalatedNow()).toBeNull();
    await escalateDueRequests(app.runtime.db, runtime, new Date(created + 48 * hour));
    expect(await escalatedNow()).toEqual(new Date(created + 48 * hour));
    await escalateDueRequests(app.runtime.db, runtime, new Date(created + 60 * hour));
    expect(await escalatedNow()).toEqual(new Date(created + 48 * hour));

    const officerTasks = await app.runtime.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.relatedType, "privacy_request"), eq(tasks.relatedId, request.id)));
    // the officer of the dpo role, not the admin who holds every permission
    expect(officerTasks).toMatchObject([{ assigneeId: officer.id, priority: "urgent", status: "open", dueAt: request.dueAt }]);
    const mail = await emailsTo(officer.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ template: "privacy.escalated", locale: "id" });
    expect(mail[0].subject).toContain("Permintaan privasi jatuh tempo");
    const audited = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "privacy.request.escalated"));
    expect(audited.filter((a) => a.data?.requestId === request.id)).toHaveLength(1);

    // deciding the request closes the officer's task
    await checkIdentity(app.runtime.db, adminActor(), request.id, { method: "signed_in_account" });
    await decideRequest(app.runtime, adminActor(), request.id, { decision: "approved", reason: "Salinan data dapat diunduh di portal.", erasure: "none" });
    const [task] = await app.runtime.db.select().from(tasks).where(eq(tasks.id, officerTasks[0].id));
    expect(task.status).toBe("done");
  });
});

describe("the decision", () => {
  it("is refused before the identity is checked, then sent in Indonesian with its reason", async () => {
    const { customer, request } = await customerRequest("correction", "id");
    const early = await decideRequest(app.runtime, adminActor(), request.id, { decision: "approved", reason: "Alamat sudah diperbaiki.", erasure: "none" });
    expect(early).toEqual({ ok: false, error: "identityNotChecked" });
    expect(await emailsTo(customer.email)).toEqual([]);

    expect(await checkIdentity(app.runtime.db, adminActor(), request.id, { method: "id_card_in_person", note: "NIK ****0002" })).toEqual({ ok: true });
    const result = await decideRequest(app.runtime, adminActor(), request.id, {
      decision: "partially_approved",
      reason: "Alamat sudah diperbaiki; nama harus sesuai KTP.",
      erasure: "none",
    });
    expect(result).toMatchObject({ ok: true, notified: true, erasure: null });
    const [mail] = await emailsTo(customer.email);
    expect(mail).toMatchObject({ template: "privacy.decision.partially_approved", locale: "id", subject: "Permintaan perbaikan data Anda disetujui sebagian" });
    expect(mail.bodyText).toContain("Alamat sudah diperbaiki; nama harus sesuai KTP.");
    expect(mail.bodyText).toContain("/portal/privacy");
    const [row] = await app.runtime.db.select().from(privacyRequests).where(eq(privacyRequests.id, request.id));
    expect(row).toMatchObject({ status: "completed", decision: "partially_approved", decidedBy: admin.id, identityMethod: "id_card_in_person" });
    expect(await decideRequest(app.runtime, adminActor(), request.id, { decision: "rejected", reason: "Lagi", erasure: "none" })).toEqual({
      ok: false,
      error: "alreadyDecided",
    });
  });

  it("is sent in English to someone who asked in English, and a refusal needs no identity check", async () => {
    const { customer, request } = await customerRequest("access", "en");
    const result = await decideRequest(app.runtime, adminActor(), request.id, {
      decision: "rejected",
      reason: "We could not confirm that you are the account holder.",
      erasure: "none",
    });
    expect(result).toMatchObject({ ok: true, notified: true });
    const [mail] = await emailsTo(customer.email);
    expect(mail).toMatchObject({
      template: "privacy.decision.rejected",
      locale: "en",
      subject: "Your request for access to and a copy of your data could not be granted",
    });
    expect(mail.bodyText).toContain("We could not confirm that you are the account holder.");
    const [row] = await app.runtime.db.select().from(privacyRequests).where(eq(privacyRequests.id, request.id));
    expect(row.status).toBe("refused");
  });
});

describe("erasure", () => {
  it("keeps a patient's medical record with who it is about, and removes the rest", async () => {
    const db = app.runtime.db;
    const { customer, request } = await customerRequest("deletion", "id");
    const contactId = customer.contact.id;
    await db.execute(
      sql`update contacts set full_name = 'Siti Rahmawati', phone = '+6281311112222', birth_date = '1990-06-15', address = 'Jl. Melati 5' where id = ${contactId}`,
    );
    await db.insert(contactIdentifiers).values({ contactId, system: "nik", value: "3171015506900099" });
    const [branch] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into branches (code, name, kind, time_zone) values ('H-ER', 'RS Erasure', 'hospital', 'Asia/Jakarta') returning id`),
    );
    const [service] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into hospital_appointments_services (branch_id, code, name) values (${branch.id}, 'UMUM', 'Poli Umum') returning id`),
    );
    const [doctor] = rowsOf<{ id: string }>(await db.execute(sql`insert into hospital_appointments_practitioners (name) values ('dr. Lestari') returning id`));
    await db.execute(sql`insert into hospital_appointments_appointments
      (contact_id, practitioner_id, service_id, branch_id, start_at, end_at, local_date, queue_number, status, channel, note)
      values (${contactId}, ${doctor.id}, ${service.id}, ${branch.id}, '2026-11-02T02:00:00Z', '2026-11-02T02:15:00Z', '2026-11-02', 1, 'fulfilled', 'frontdesk', 'Kontrol tekanan darah')`);

    // a granted deletion must say how to erase; erasure on another kind of request is refused
    await checkIdentity(db, adminActor(), request.id, { method: "signed_in_account" });
    expect(await decideRequest(app.runtime, adminActor(), request.id, { decision: "approved", reason: "Dihapus.", erasure: "none" })).toEqual({
      ok: false,
      error: "erasureModeMissing",
    });
    const result = await decideRequest(app.runtime, adminActor(), request.id, {
      decision: "partially_approved",
      reason: "Data kontak dan persetujuan Anda dihapus. Rekam medis wajib disimpan 25 tahun (Permenkes 24/2022).",
      erasure: "anonymise",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.erasure?.holds).toEqual(["Permenkes 24/2022 (rekam medis)"]);
    expect(result.erasure?.tables).toEqual(
      expect.arrayContaining([
        { table: "hospital_appointments_appointments", deleted: 0, anonymised: 0, held: 1 },
        { table: "contact_identifiers", deleted: 0, anonymised: 0, held: 1 },
        { table: "contacts", deleted: 0, anonymised: 0, held: 1 },
      ]),
    );
    // the medical record is untouched and still names its patient
    const [visit] = rowsOf<{ contact_id: string; note: string }>(
      await db.execute(sql`select contact_id, note from hospital_appointments_appointments where contact_id = ${contactId}`),
    );
    expect(visit).toEqual({ contact_id: contactId, note: "Kontrol tekanan darah" });
    const [contact] = await db.select().from(contacts).where(eq(contacts.id, contactId));
    expect(contact).toMatchObject({ fullName: "Siti Rahmawati", birthDate: "1990-06-15", email: null, phone: null, address: null, preferredChannel: "none" });
    expect(await db.select().from(contactIdentifiers).where(eq(contactIdentifiers.contactId, contactId))).toHaveLength(1);
    // the account can no longer sign in; the decision went to the address it had before
    const [account] = await db.select().from(users).where(eq(users.id, customer.id));
    expect(account.email).toMatch(/@invalid$/);
    expect(account.passwordHash).toBeNull();
    const [mail] = await emailsTo(customer.email);
    expect(mail.template).toBe("privacy.decision.partially_approved");
    const [row] = await db.select().from(privacyRequests).where(eq(privacyRequests.id, request.id));
    expect(row.outcome).toMatchObject({ erasure: { mode: "anonymise", holds: ["Permenkes 24/2022 (rekam medis)"] } });
  });

  it("erases a shopper with no medical record entirely", async () => {
    const { customer, request } = await customerRequest("deletion", "en");
    await checkIdentity(app.runtime.db, adminActor(), request.id, { method: "signed_in_account" });
    const result = await decideRequest(app.runtime, adminActor(), request.id, { decision: "approved", reason: "Your data is erased.", erasure: "delete" });
    expect(result.ok && result.erasure?.holds).toEqual([]);
    const [contact] = await app.runtime.db.select().from(contacts).where(eq(contacts.id, customer.contact.id));
    expect(contact).toMatchObject({ fullName: "—", email: null, birthDate: null });
    // the decision e-mail still needs the address until it is sent; then nothing names the person
    const [queued] = await emailsTo(customer.email);
    expect(queued).toMatchObject({ template: "privacy.decision.approved", forgetAfterSend: true });
    await app.runtime.jobs.drain(sendMessageQueue);
    const [sent] = await app.runtime.db.select().from(messages).where(eq(messages.id, queued.id));
    expect(sent).toMatchObject({ status: "sent", recipient: "—", bodyText: null, bodyHtml: null });
    expect(await tablesContaining(customer.email)).toEqual([]);
  });
});

describe("who may use the desk", () => {
  it("answers 403 to staff without the permission, on every page and action", async () => {
    const agent = await createStaff(app.runtime, { roles: ["agent"] });
    const { request } = await customerRequest("access", "id");
    const path = `/staff/privacy/requests/${request.id}`;
    expect(unwrap(await callRoute(app.runtime, listRoute.loader, { path: "/staff/privacy/requests", cookie: agent.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, overviewRoute.loader, { path: "/staff/privacy", cookie: agent.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(app.runtime, detailRoute.loader, { path, cookie: agent.cookie, params: { requestId: request.id } })).status).toBe(403);
    const attempt = unwrap(
      await callRoute(app.runtime, detailRoute.action, {
        path,
        cookie: agent.cookie,
        params: { requestId: request.id },
        form: { intent: "decide", decision: "rejected", reason: "Tidak" },
      }),
    );
    expect(attempt.status).toBe(403);
    const [row] = await app.runtime.db.select().from(privacyRequests).where(eq(privacyRequests.id, request.id));
    expect(row.status).toBe("open");
  });

  it("shows staff of one branch only the requests of that branch's people", async () => {
    const db = app.runtime.db;
    const [north] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into branches (code, name, kind, time_zone) values ('S-N', 'Toko Utara', 'store', 'Asia/Jakarta') returning id`),
    );
    const [south] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into branches (code, name, kind, time_zone) values ('S-S', 'Toko Selatan', 'store', 'Asia/Jakarta') returning id`),
    );
    const officer = await createStaff(app.runtime, { roles: ["dpo"] });
    await db.update(users).set({ branchId: north.id }).where(eq(users.id, officer.id));
    const mine = await customerRequest("access", "id");
    const theirs = await customerRequest("access", "id");
    await db.update(contacts).set({ branchId: north.id }).where(eq(contacts.id, mine.customer.contact.id));
    await db.update(contacts).set({ branchId: south.id }).where(eq(contacts.id, theirs.customer.contact.id));

    const list = unwrap(await callRoute(app.runtime, listRoute.loader, { path: "/staff/privacy/requests?status=all", cookie: officer.cookie }));
    const ids = (list.data as { requests: { id: string }[] }).requests.map((r) => r.id);
    expect(ids).toEqual([mine.request.id]);
    const other = `/staff/privacy/requests/${theirs.request.id}`;
    expect(
      unwrap(await callRoute(app.runtime, detailRoute.loader, { path: other, cookie: officer.cookie, params: { requestId: theirs.request.id } })).status,
    ).toBe(404);
    const decided = unwrap(
      await callRoute(app.runtime, detailRoute.action, {
        path: other,
        cookie: officer.cookie,
        params: { requestId: theirs.request.id },
        form: { intent: "identity", method: "video_call" },
      }),
    );
    expect(decided.status).toBe(404);
    const page = unwrap(
      await callRoute(app.runtime, detailRoute.loader, {
        path: `/staff/privacy/requests/${mine.request.id}`,
        cookie: officer.cookie,
        params: { requestId: mine.request.id },
      }),
    );
    expect(page.status).toBe(200);
  });

  it("refuses bad input with 400 and changes nothing; an unknown id is 404, never 500", async () => {
    const { request } = await customerRequest("deletion", "id");
    const path = `/staff/privacy/requests/${request.id}`;
    const params = { requestId: request.id };
    const forms: Record<string, string>[] = [
      { intent: "decide", decision: "maybe", reason: "Alasan" },
      { intent: "decide", decision: "approved", reason: "" },
      { intent: "decide", decision: "approved", reason: "Alasan", erasure: "shred" },
      { intent: "identity", method: "telepathy" },
      { intent: "identity", method: "video_call", note: "x".repeat(600) },
    ];
    for (const form of forms) {
      const result = unwrap(await callRoute(app.runtime, detailRoute.action, { path, cookie: admin.cookie, params, form }));
      expect(result.status, JSON.stringify(form)).toBe(400);
    }
    // a domain refusal is a translated 400 too, with what was typed kept
    const refused = unwrap(
      await callRoute(app.runtime, detailRoute.action, {
        path,
        cookie: admin.cookie,
        params,
        form: { intent: "decide", decision: "approved", reason: "Semua dihapus", erasure: "delete" },
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.data).toMatchObject({ result: { error: { "": ["privacy:desk.errors.identityNotChecked"] }, initialValue: { reason: "Semua dihapus" } } });
    const [row] = await app.runtime.db.select().from(privacyRequests).where(eq(privacyRequests.id, request.id));
    expect(row).toMatchObject({ status: "open", decision: null, identityCheckedAt: null });
    for (const id of ["not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      expect(
        unwrap(await callRoute(app.runtime, detailRoute.loader, { path: `/staff/privacy/requests/${id}`, cookie: admin.cookie, params: { requestId: id } }))
          .status,
      ).toBe(404);
      expect(
        unwrap(
          await callRoute(app.runtime, detailRoute.action, {
            path: `/staff/privacy/requests/${id}`,
            cookie: admin.cookie,
            params: { requestId: id },
            form: { intent: "identity", method: "video_call" },
          }),
        ).status,
      ).toBe(404);
    }
    expect(unwrap(await callRoute(app.runtime, listRoute.loader, { path: "/staff/privacy/requests?status=%00bogus", cookie: admin.cookie })).status).toBe(200);
  });

  it("decides through the page, and the overview lists the open requests with their clocks", async () => {
    const { customer, request } = await customerRequest("access", "en");
    const path = `/staff/privacy/requests/${request.id}`;
    const params = { requestId: request.id };
    const overview = unwrap(await callRoute(app.runtime, overviewRoute.loader, { path: "/staff/privacy", cookie: admin.cookie }));
    expect((overview.data as { requests: { id: string; clock: { phase: string } }[] }).requests.find((r) => r.id === request.id)).toBeTruthy();
    expect(
      unwrap(
        await callRoute(app.runtime, detailRoute.action, { path, cookie: admin.cookie, params, form: { intent: "identity", method: "signed_in_account" } }),
      ).status,
    ).toBe(200);
    const decided = unwrap(
      await callRoute(app.runtime, detailRoute.action, {
        path,
        cookie: admin.cookie,
        params,
        form: { intent: "decide", decision: "approved", reason: "Download it from your privacy page.", erasure: "none" },
      }),
    );
    expect(decided.status).toBe(200);
    expect((await emailsTo(customer.email))[0]).toMatchObject({ locale: "en", template: "privacy.decision.approved" });
    const audit = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "privacy.request.decided"));
    expect(audit.find((a) => a.data?.requestId === request.id)).toMatchObject({ actorUserId: admin.id, data: { decision: "approved", notified: true } });
  });
});
