// Every change of a referral is e-mailed to the other side, in each recipient's language, through
// the outbox: real mail read from a local SMTP server, nothing for another organisation, nothing
// when the change fails or is rolled back, and no diagnosis or NIK in any e-mail.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { referralForm } from "./referral-fixtures.ts";
import { users } from "../../db/schema/index.ts";
import { startSmtpReceiver } from "../support/smtp-receiver.ts";
import { callRoute, createContact, createPartnerOrg, createPartnerUser, createStaff, createTestApp, unwrap } from "../support/test-app.ts";
import hospitalAppointments from "../../plugins/hospital-appointments/index.ts";
import hospitalReferrals from "../../plugins/hospital-referrals/index.ts";
import * as partnerReferral from "../../plugins/hospital-referrals/routes/partner.referral.tsx";
import * as partnerReferrals from "../../plugins/hospital-referrals/routes/partner.referrals.tsx";
import * as staffReferral from "../../plugins/hospital-referrals/routes/staff.referral.tsx";
import * as staffReferrals from "../../plugins/hospital-referrals/routes/staff.referrals.tsx";
import { actOnReferral, patientInitials } from "../../plugins/hospital-referrals/referrals.server.ts";
import { referrals } from "../../plugins/hospital-referrals/schema.ts";
import { pluginServices } from "../../app/core/plugins/plugin-services.server.ts";
import { visitBookedEvent } from "../../plugins/hospital-appointments/events.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
  app = await createTestApp({ plugins: [hospitalAppointments, hospitalReferrals], env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});
beforeEach(async () => {
  await app.runtime.jobs.drain();
  smtp.received.length = 0;
});

const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value.map((v) => v.address) ?? []);

/** Runs every queued job (events, notices, deliveries), then the mail that arrived. */
async function delivered() {
  await app.runtime.jobs.drain();
  // the receiver parses each message after the SMTP transaction ends
  await new Promise((resolve) => setTimeout(resolve, 150));
  return [...smtp.received];
}
const mailTo = (mails: ParsedMail[], address: string) => mails.filter((m) => to(m).includes(address));

async function withLocale<T extends { id: string }>(user: T, locale: "id" | "en") {
  await app.runtime.db.update(users).set({ locale }).where(eq(users.id, user.id));
  return user;
}

const nik = (n: number) => `31710145019${String(n).padStart(5, "0")}`;
const services = () => pluginServices(app.runtime);

describe("referral notifications", () => {
  it("initials only: first letters of up to three words", () => {
    expect(patientInitials("Siti Rahmawati")).toBe("S. R.");
    expect(patientInitials("  i gusti ayu  putu ")).toBe("I. G. A.");
    expect(patientInitials("")).toBe("-");
  });

  it("a partner's new referral reaches the referral desk in each one's language, never the diagnosis or NIK", async () => {
    const org = await createPartnerOrg(app.runtime, { name: "Klinik Sehat Sentosa" });
    const partner = await createPartnerUser(app.runtime, org.id);
    const deskEn = await withLocale(await createStaff(app.runtime, { roles: ["frontdesk"] }), "en");
    const deskId = await withLocale(await createStaff(app.runtime, { roles: ["manager"] }), "id");
    const doctor = await createStaff(app.runtime, { roles: ["doctor"] });
    const admin = await createStaff(app.runtime, { roles: ["admin"] });
    const res = unwrap(await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: partner.cookie, form: referralForm(nik(101)) }));
    expect(res.status).toBe(302);
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    const mails = await delivered();

    const [en] = mailTo(mails, deskEn.email);
    expect(en?.subject).toBe(`Incoming referral ${ref.number} from Klinik Sehat Sentosa`);
    expect(en.text).toContain("patient S. R. (urgency: Urgent)");
    expect(en.text).toContain(`http://localhost:3000/staff/referrals/${ref.id}`);
    const [id] = mailTo(mails, deskId.email);
    expect(id?.subject).toBe(`Rujukan masuk ${ref.number} dari Klinik Sehat Sentosa`);
    expect(id.text).toContain("pasien S. R. (urgensi: Segera)");
    // doctors are not the desk, admins are not mailed about every record, the sender hears nothing back
    expect(mailTo(mails, doctor.email)).toHaveLength(0);
    expect(mailTo(mails, admin.email)).toHaveLength(0);
    expect(mailTo(mails, partner.email)).toHaveLength(0);
    for (const mail of mails) {
      for (const secret of ["J18.9", "Pneumonia", "Sesak", nik(101), "0009876543210", "Siti", "Rahmawati"]) {
        expect(`${mail.subject} ${mail.text} ${mail.html}`).not.toContain(secret);
      }
    }
  });

  it("our decisions reach every user of the referring organisation in their language, and nobody else's", async () => {
    const org = await createPartnerOrg(app.runtime);
    const other = await createPartnerOrg(app.runtime);
    const sender = await withLocale(await createPartnerUser(app.runtime, org.id), "en");
    const colleague = await withLocale(await createPartnerUser(app.runtime, org.id), "id");
    const gone = await createPartnerUser(app.runtime, org.id);
    await app.runtime.db.update(users).set({ active: false }).where(eq(users.id, gone.id));
    const stranger = await createPartnerUser(app.runtime, other.id);
    const staff = await createStaff(app.runtime, { roles: ["frontdesk"] });
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: sender.cookie, form: referralForm(nik(102)) });
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    await delivered();
    smtp.received.length = 0;

    const act = (intent: string, note?: string) =>
      callRoute(app.runtime, staffReferral.action, { path: `/staff/referrals/${ref.id}`, cookie: staff.cookie, form: { intent, referralId: ref.id, ...(note ? { note } : {}) } });
    expect(unwrap(await act("reject", "Poli paru penuh sampai akhir bulan; mohon rujuk ke RS lain.")).data).toEqual({ error: null });
    const mails = await delivered();
    expect(mails).toHaveLength(2);
    const [en] = mailTo(mails, sender.email);
    expect(en.subject).toBe(`Referral ${ref.number} rejected`);
    expect(en.text).toContain("Reason: Poli paru penuh sampai akhir bulan");
    expect(en.text).toContain(`http://localhost:3000/partner/referrals/${ref.id}`);
    const [id] = mailTo(mails, colleague.email);
    expect(id.subject).toBe(`Rujukan ${ref.number} ditolak`);
    expect(id.text).toContain("Alasan: Poli paru penuh");
    expect(mailTo(mails, stranger.email)).toHaveLength(0);
    expect(mailTo(mails, gone.email)).toHaveLength(0);
    expect(mailTo(mails, staff.email)).toHaveLength(0);
  });

  it("a visit booked for the referral (another plugin's event) tells the referring clinic it is scheduled", async () => {
    const org = await createPartnerOrg(app.runtime);
    const partner = await withLocale(await createPartnerUser(app.runtime, org.id), "en");
    const staff = await createStaff(app.runtime, { roles: ["frontdesk"] });
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: partner.cookie, form: referralForm(nik(104)) });
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    await callRoute(app.runtime, staffReferral.action, { path: `/staff/referrals/${ref.id}`, cookie: staff.cookie, form: { intent: "accept", referralId: ref.id } });
    let mails = await delivered();
    expect(mailTo(mails, partner.email).map((m) => m.subject)).toEqual([`Referral ${ref.number}: Accepted`]);
    smtp.received.length = 0;
    const visit = { version: 1 as const, appointmentId: randomUUID(), contactId: ref.contactId, practitionerId: randomUUID(), serviceId: randomUUID(), branchId: randomUUID(), startAt: new Date(Date.now() + 86_400_000).toISOString(), status: "booked" as const, sourceType: "hospital-referrals.referral", sourceId: ref.id };
    await app.runtime.db.transaction((tx) => app.runtime.bus.emit(tx, visitBookedEvent, visit));
    mails = await delivered();
    const [scheduled] = mailTo(mails, partner.email);
    expect(scheduled.subject).toBe(`Referral ${ref.number}: Scheduled`);
    expect(scheduled.text).toContain("the visit date and the back-referral summary are in the partner portal");
    expect(mailTo(mails, staff.email)).toHaveLength(0);
  });

  it("the referral desk's shared mailbox from the settings is told too, once", async () => {
    const admin = { kind: "system" as const };
    const refused = await app.runtime.registry.saveSettings(app.runtime.db, admin, "hospital-referrals", { overdueHours: 48, inboxEmail: "bukan-email" });
    expect(refused.ok).toBe(false);
    const saved = await app.runtime.registry.saveSettings(app.runtime.db, admin, "hospital-referrals", { overdueHours: 48, inboxEmail: "Rujukan@RS-Nusa.id" });
    expect(saved.ok).toBe(true);
    const desk = await createStaff(app.runtime, { roles: ["frontdesk"], email: "rujukan@rs-nusa.id" });
    const org = await createPartnerOrg(app.runtime);
    const partner = await createPartnerUser(app.runtime, org.id);
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: partner.cookie, form: referralForm(nik(105)) });
    const mails = mailTo(await delivered(), "rujukan@rs-nusa.id");
    // the mailbox is also a desk user's address: one e-mail, to the user (their name, their language)
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain(`Halo ${desk.name},`);
    await app.runtime.db.update(users).set({ email: "meja-lain@rs-nusa.id" }).where(eq(users.id, desk.id));
    smtp.received.length = 0;
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: partner.cookie, form: referralForm(nik(106)) });
    const [shared] = mailTo(await delivered(), "rujukan@rs-nusa.id");
    expect(shared.text).toContain("Halo Tim,");
    expect(shared.subject).toMatch(/^Rujukan masuk RJK-/);
    await app.runtime.registry.saveSettings(app.runtime.db, admin, "hospital-referrals", { overdueHours: 48, inboxEmail: "" });
  });

  it("a failed or rolled-back change sends nothing", async () => {
    const org = await createPartnerOrg(app.runtime);
    const partner = await createPartnerUser(app.runtime, org.id);
    const staff = await createStaff(app.runtime, { roles: ["frontdesk"] });
    await callRoute(app.runtime, partnerReferrals.action, { path: "/partner/referrals", cookie: partner.cookie, form: referralForm(nik(103)) });
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    await delivered();
    smtp.received.length = 0;

    // refused by the rules: a rejection needs its reason
    const refused = unwrap(await callRoute(app.runtime, staffReferral.action, { path: `/staff/referrals/${ref.id}`, cookie: staff.cookie, form: { intent: "reject", referralId: ref.id } }));
    expect(refused.data).toEqual({ error: "reasonRequired" });
    // done, then rolled back by the caller's transaction
    const actor = { kind: "staff" as const, userId: staff.id, branchId: null, permissions: new Set(["hospital-referrals.referral.manage"]) };
    await expect(
      app.runtime.db.transaction(async (tx) => {
        const result = await actOnReferral(tx, services(), actor as never, { referralId: ref.id, action: "accept" });
        expect(result.ok).toBe(true);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await delivered()).toHaveLength(0);
    const [still] = await app.runtime.db.select({ status: referrals.status }).from(referrals).where(eq(referrals.id, ref.id));
    expect(still.status).toBe("sent");
  });

  it("an outgoing referral tells the partner; the partner's answer reaches the referring doctor and the desk", async () => {
    const org = await createPartnerOrg(app.runtime, { type: "hospital", name: "RS Mitra Harapan" });
    const partnerUser = await withLocale(await createPartnerUser(app.runtime, org.id), "id");
    const doctor = await withLocale(await createStaff(app.runtime, { roles: ["doctor"] }), "en");
    const otherDoctor = await createStaff(app.runtime, { roles: ["doctor"] });
    const desk = await withLocale(await createStaff(app.runtime, { roles: ["frontdesk"] }), "id");
    const patient = await createContact(app.runtime, { fullName: "Budi Santoso" });
    const form = { intent: "send", contactId: patient.id, partnerOrgId: org.id, reason: "Perlu kateterisasi jantung", icd10Code: "I20.0", icd10Text: "Angina tidak stabil", urgency: "emergency", targetService: "Poli Jantung", serviceType: "inpatient" };
    const res = unwrap(await callRoute(app.runtime, staffReferrals.action, { path: "/staff/referrals", cookie: doctor.cookie, form }));
    expect(res.status).toBe(302);
    const [ref] = await app.runtime.db.select().from(referrals).where(eq(referrals.partnerOrgId, org.id));
    let mails = await delivered();
    expect(mails.map(to).flat()).toEqual([partnerUser.email]);
    expect(mails[0].subject).toBe(`Rujukan baru ${ref.number} untuk RS Mitra Harapan`);
    expect(mails[0].text).toContain("pasien B. S. (urgensi: Gawat darurat)");
    expect(mails[0].text).not.toContain("Angina");
    smtp.received.length = 0;

    const answer = unwrap(await callRoute(app.runtime, partnerReferral.action, { path: `/partner/referrals/${ref.id}`, cookie: partnerUser.cookie, form: { intent: "accept", referralId: ref.id } }));
    expect(answer.data).toEqual({ error: null });
    mails = await delivered();
    const [toDoctor] = mailTo(mails, doctor.email);
    expect(toDoctor.subject).toBe(`Outgoing referral ${ref.number}: Accepted`);
    expect(toDoctor.text).toContain(`http://localhost:3000/staff/referrals/${ref.id}`);
    const [toDesk] = mailTo(mails, desk.email);
    expect(toDesk.subject).toBe(`Rujukan keluar ${ref.number}: Diterima`);
    expect(mailTo(mails, otherDoctor.email)).toHaveLength(0);
    expect(mailTo(mails, partnerUser.email)).toHaveLength(0);
  });
});
