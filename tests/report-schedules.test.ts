// Scheduled reports end to end: the page (permission, translated errors, audit), the run claimed once
// however many ticks race, the e-mail read back from a real SMTP receiver (id and en, PNG images
// shown inline, the XLSX attached), an alert that fires once per crossing, retries on a transport
// failure, and pause.
import { and, eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../db/client.ts";
import { auditLog, branches, reportDeliveries, reportSubscriptions, tickets, users } from "../db/schema/index.ts";
import { createEmailTransport, type EmailTransport } from "../app/core/messaging/email.server.ts";
import { claimDueRuns, deliverReport, deliveriesOf, nextAlertState, reportDeliveryQueue, reportRunQueue, runSubscription, type ReportScheduleDeps } from "../app/core/report-schedules/scheduled-runs.server.ts";
import * as page from "../app/routes/staff/reports.subscriptions.tsx";
import { sql } from "drizzle-orm";
import { atInstant } from "./support/clock.ts";
import { startSmtpReceiver } from "./support/smtp-receiver.ts";
import { callRoute, createContact, createStaff, createTestApp, signedInCookie, unwrap } from "./support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let admin: Awaited<ReturnType<typeof createStaff>>;
let manager: Awaited<ReturnType<typeof createStaff>>;
let agent: Awaited<ReturnType<typeof createStaff>>;
let jkt: string;
let mks: string;

const form = (values: Record<string, string | string[]>) => ({
  name: "Ringkasan CS",
  target: "dashboard:csLead",
  branch: "",
  frequency: "daily",
  weekday: "1",
  monthDay: "1",
  localTime: "07.00",
  mode: "digest",
  alertDirection: "above",
  alertThreshold: "",
  alertHysteresis: "0",
  emails: "",
  emailLanguage: "id",
  ...values,
});

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  app = await createTestApp({ env: { SMTP_URL: smtp.url } });
  [{ id: jkt }, { id: mks }] = await app.runtime.db
    .insert(branches)
    .values([
      { code: "S-JKT", name: "Jakarta", kind: "hospital", timeZone: "Asia/Jakarta" },
      { code: "S-MKS", name: "Makassar", kind: "hospital", timeZone: "Asia/Makassar" },
    ])
    .returning({ id: branches.id });
  admin = await createStaff(app.runtime, { roles: ["admin"], email: "direktur@rs.test" });
  manager = await createStaff(app.runtime, { roles: ["manager"], email: "manajer@rs.test" });
  agent = await createStaff(app.runtime, { roles: ["agent"] });
  await app.runtime.db.update(users).set({ branchId: jkt }).where(eq(users.id, manager.id));
  await app.runtime.db.update(users).set({ locale: "en" }).where(eq(users.id, admin.id));
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});

async function post(cookie: string, values: Record<string, string | string[]>, query = "") {
  return unwrap(await callRoute(app.runtime, page.action, { path: `/staff/reports/subscriptions${query}`, cookie, form: values }));
}

function deps(email?: EmailTransport): ReportScheduleDeps {
  const { runtime } = app;
  return { db: runtime.db, registry: runtime.registry, jobs: runtime.jobs, email: email ?? runtime.email, mailFrom: runtime.config.mailFrom, appOrigin: runtime.config.appOrigin, logger: runtime.logger };
}

async function subscriptionNamed(name: string) {
  const [row] = await app.runtime.db.select().from(reportSubscriptions).where(eq(reportSubscriptions.name, name));
  return row;
}

describe("the page", () => {
  it("needs the schedule permission", async () => {
    expect((await post(agent.cookie, form({}))).status).toBe(403);
    const loaded = unwrap(await callRoute(app.runtime, page.loader, { path: "/staff/reports/subscriptions", cookie: agent.cookie }));
    expect(loaded.status).toBe(403);
  });

  it("refuses bad input with translated keys, saves nothing, and keeps what was typed", async () => {
    const bad = await post(admin.cookie, form({ name: "Salah", localTime: "25.00", emails: "bukan-alamat", frequency: "monthly", monthDay: "31" }));
    expect(bad.status).toBe(400);
    const reply = (bad.data as { result: { error: Record<string, string[]>; initialValue: Record<string, string> } }).result;
    expect(reply.error.localTime).toEqual(["reports:schedule.errors.localTime"]);
    expect(reply.error.emails).toEqual(["reports:schedule.errors.email"]);
    expect(reply.error.monthDay).toEqual(["reports:schedule.errors.monthDay"]);
    expect(reply.initialValue.name).toBe("Salah");
    const alertOnDashboard = await post(admin.cookie, form({ name: "Salah", mode: "alert", alertThreshold: "abc", emails: "a@rs.test" }));
    const alertErrors = (alertOnDashboard.data as { result: { error: Record<string, string[]> } }).result.error;
    expect(alertErrors.target).toEqual(["reports:schedule.errors.alertNeedsKpi"]);
    expect(alertErrors.alertThreshold).toEqual(["reports:schedule.errors.threshold"]);
    const none = await post(admin.cookie, form({ name: "Salah" }));
    expect((none.data as { result: { error: Record<string, string[]> } }).result.error.emails).toEqual(["reports:schedule.errors.noRecipients"]);
    expect(await subscriptionNamed("Salah")).toBeUndefined();
    // every key exists in both languages
    const { coreResources } = await import("../app/core/i18n/resources.ts");
    for (const lang of ["id", "en"] as const) {
      const errors = (coreResources[lang].reports as { schedule: { errors: Record<string, string> } }).schedule.errors;
      for (const key of ["localTime", "email", "monthDay", "alertNeedsKpi", "threshold", "noRecipients", "branch", "target"]) expect(errors[key], `${lang} ${key}`).toBeTruthy();
    }
  });

  it("a manager of Jakarta cannot schedule Makassar's numbers, nor every branch's", async () => {
    const other = await post(manager.cookie, form({ name: "Makassar", branch: mks, emails: "x@rs.test" }));
    expect(other.status).toBe(400);
    expect((other.data as { result: { error: Record<string, string[]> } }).result.error.branch).toEqual(["reports:schedule.errors.branch"]);
    const all = await post(manager.cookie, form({ name: "Semua", branch: "", emails: "x@rs.test" }));
    expect(all.status).toBe(400);
    expect(await subscriptionNamed("Makassar")).toBeUndefined();
  });

  it("saves a schedule read in the branch's zone, audited", async () => {
    await atInstant("2026-12-07T16:59:30Z", async () => {
      // 00.59.30 WITA on 8 Dec: the next 07.00 WITA is 8 Dec 07.00 WITA = 7 Dec 23:00Z
      // a session opened at this instant (one from the real clock may have expired by then)
      const cookie = await signedInCookie(app.runtime, admin.id);
      const saved = await post(cookie, form({ name: "Makassar harian", branch: mks, roles: ["admin"], emails: "Direksi@RS.test" }));
      expect(saved.status).toBe(302);
    });
    const row = await subscriptionNamed("Makassar harian");
    expect(row).toMatchObject({ timeZone: "Asia/Makassar", localTime: "07:00", recipientEmails: ["direksi@rs.test"], recipientRoles: ["admin"], branchId: mks });
    expect(row.nextRunAt.toISOString()).toBe("2026-12-07T23:00:00.000Z");
    const [entry] = await app.runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "report.subscription.created"), eq(auditLog.entityId, row.id)));
    expect(entry.actorUserId).toBe(admin.id);
  });
});

describe("a digest run", () => {
  it("is claimed once by racing ticks and sends one e-mail per recipient in their language, with PNG images and the XLSX", async () => {
    const row = await subscriptionNamed("Makassar harian");
    const runAt = new Date("2026-12-07T23:00:00Z");
    const now = new Date("2026-12-07T23:00:20Z");
    // two processes tick in the same second
    const claimed = await Promise.all([claimDueRuns(deps(), now), claimDueRuns(deps(), now)]);
    expect(claimed[0] + claimed[1]).toBe(1);
    const after = await subscriptionNamed("Makassar harian");
    expect(after.nextRunAt.toISOString()).toBe("2026-12-08T23:00:00.000Z");
    await app.runtime.jobs.drain(reportRunQueue);
    // the same run repeated (a retried job) makes no second delivery
    expect(await runSubscription(deps(), row.id, runAt.toISOString())).toBe(0);
    const deliveries = await deliveriesOf(app.runtime.db, row.id);
    expect(deliveries.map((d) => [d.recipient, d.language]).sort()).toEqual([
      ["direksi@rs.test", "id"],
      ["direktur@rs.test", "en"],
    ]);
    expect(deliveries.every((d) => d.periodFrom === "2026-12-07" && d.periodTo === "2026-12-07")).toBe(true);
    const before = smtp.received.length;
    await app.runtime.jobs.drain(reportDeliveryQueue);
    const mails = smtp.received.slice(before);
    expect(mails).toHaveLength(2);
    const inId = mails.find((m) => m.to && JSON.stringify(m.to).includes("direksi@rs.test"))!;
    const inEn = mails.find((m) => m.to && JSON.stringify(m.to).includes("direktur@rs.test"))!;
    expect(inId.subject).toContain("Layanan pelanggan");
    expect(inId.subject).toContain("Makassar");
    expect(inId.html).toContain("Berikut laporan terjadwal");
    expect(inEn.html).toContain("Here is the scheduled report");
    for (const mail of [inId, inEn]) {
      const tiles = mail.attachments.find((a) => a.contentId?.includes("tiles") || a.cid === "tiles")!;
      expect(tiles.contentType).toBe("image/png");
      expect(tiles.content.subarray(1, 4).toString()).toBe("PNG");
      // shown inline: the HTML refers to it by content id (mailparser turns cid: into a data: URI)
      expect(tiles.related).toBe(true);
      expect(mail.html).toMatch(/<img[^>]+src="(cid:tiles|data:image\/png;base64,)/);
      const xlsx = mail.attachments.find((a) => a.filename?.endsWith(".xlsx"))!;
      expect(xlsx.contentType).toContain("spreadsheetml");
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.content as unknown as ArrayBuffer);
      // a summary and one sheet per KPI of the dashboard that the recipient may see
      expect(book.worksheets.length).toBeGreaterThan(3);
      const summary = book.worksheets[0];
      expect(summary.getRow(1).getCell(1).value).toBe("KPI");
      expect(summary.getRow(1).getCell(2).value).toBe(mail === inId ? "Definisi" : "Definition");
      expect(summary.getRow(2).getCell(10).value).toBeInstanceOf(Date);
    }
    expect(inId.attachments.find((a) => a.filename?.endsWith(".xlsx"))!.filename).toMatch(/^laporan-csLead-2026-12-07-2026-12-07\.xlsx$/);
    expect(inEn.attachments.find((a) => a.filename?.endsWith(".xlsx"))!.filename).toMatch(/^report-csLead-/);
    expect((await deliveriesOf(app.runtime.db, row.id)).every((d) => d.status === "sent" && d.attempts === 1)).toBe(true);
  });
});

describe("alert mode", () => {
  it("decides with hysteresis: fires on crossing, stays quiet while past, clears only back past the margin", () => {
    const rule = { direction: "below" as const, threshold: 90, hysteresis: 5 };
    expect(nextAlertState("clear", 95, rule)).toEqual({ state: "clear", fire: false });
    expect(nextAlertState("clear", 50, rule)).toEqual({ state: "firing", fire: true });
    expect(nextAlertState("firing", 80, rule)).toEqual({ state: "firing", fire: false });
    expect(nextAlertState("firing", 92, rule)).toEqual({ state: "firing", fire: false }); // above 90 but not by 5
    expect(nextAlertState("firing", 95, rule)).toEqual({ state: "clear", fire: false });
    expect(nextAlertState("clear", null, rule)).toEqual({ state: "clear", fire: false });
  });

  it("tickets within SLA below 90 %: one e-mail per crossing, whatever the runs in between", async () => {
    const saved = await post(admin.cookie, form({ name: "SLA Jakarta", target: "kpi:core.tickets.withinSla", branch: jkt, mode: "alert", alertDirection: "below", alertThreshold: "90", alertHysteresis: "5", emails: "cs-lead@rs.test" }));
    expect(saved.status).toBe(302);
    const row = await subscriptionNamed("SLA Jakarta");
    const contact = await createContact(app.runtime, { branchId: jkt });
    // tickets resolved on a day (WIB), within their SLA or not
    async function resolvedOn(day: string, within: number, late: number) {
      const resolved = new Date(`${day}T03:00:00Z`);
      const values = [
        ...Array.from({ length: within }, () => ({ slaDueAt: new Date(resolved.getTime() + 3_600_000) })),
        ...Array.from({ length: late }, () => ({ slaDueAt: new Date(resolved.getTime() - 3_600_000) })),
      ].map((v) => ({ ...v, channel: "phone" as const, category: "complaint" as const, subject: "s", contactId: contact.id, branchId: jkt, createdAt: new Date(resolved.getTime() - 86_400_000), resolvedAt: resolved, status: "resolved" as const }));
      await app.runtime.db.insert(tickets).values(values);
    }
    await resolvedOn("2026-11-01", 1, 1); // 50 % -> fires
    await resolvedOn("2026-11-02", 1, 1); // 50 % -> still firing, quiet
    await resolvedOn("2026-11-03", 1, 0); // 100 % -> clears (≥ 95)
    await resolvedOn("2026-11-04", 3, 1); // 75 % -> fires again
    // a daily run at 07.00 WIB reports on the day before
    const runs = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"].map((d) => `${d}T00:00:00.000Z`);
    const made = [];
    for (const runAt of runs) made.push(await runSubscription(deps(), row.id, runAt, new Date(runAt)));
    expect(made).toEqual([1, 0, 0, 1]);
    const deliveries = await deliveriesOf(app.runtime.db, row.id);
    expect(deliveries.map((d) => [d.periodFrom, d.alertValue])).toEqual([
      ["2026-11-01", 50],
      ["2026-11-04", 75],
    ]);
    expect((await subscriptionNamed("SLA Jakarta")).alertState).toBe("firing");
    const before = smtp.received.length;
    for (const d of deliveries) await deliverReport(deps(), d.id);
    const mails = smtp.received.slice(before);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^Peringatan: .* 50%/), expect.stringMatching(/^Peringatan: .* 75%/)]);
    expect(mails[0].text).toContain("di bawah batas 90%");
  });
});

describe("delivery", () => {
  it("counts a transport failure, leaves it to the queue's retry, then sends; gives up after the last attempt", async () => {
    const row = await subscriptionNamed("SLA Jakarta");
    const [delivery] = await app.runtime.db
      .insert(reportDeliveries)
      .values({ subscriptionId: row.id, runAt: new Date("2026-11-20T00:00:00Z"), periodFrom: "2026-11-19", periodTo: "2026-11-19", recipient: "retry@rs.test", language: "en", alertValue: 60 })
      .returning();
    let calls = 0;
    const flaky: EmailTransport = {
      name: "smtp",
      send: async (mail) => {
        calls++;
        if (calls === 1) throw new Error("421 try again later");
        return createEmailTransport(smtp.url).send(mail);
      },
    };
    await expect(deliverReport(deps(flaky), delivery.id)).rejects.toThrow("421");
    let [state] = await app.runtime.db.select().from(reportDeliveries).where(eq(reportDeliveries.id, delivery.id));
    expect(state).toMatchObject({ status: "queued", attempts: 1, lastError: "421 try again later" });
    await deliverReport(deps(flaky), delivery.id);
    [state] = await app.runtime.db.select().from(reportDeliveries).where(eq(reportDeliveries.id, delivery.id));
    expect(state).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(smtp.received.at(-1)!.subject).toMatch(/^Alert: /);

    // through the queue: the failed job is put back for a retry, not lost
    const [second] = await app.runtime.db
      .insert(reportDeliveries)
      .values({ subscriptionId: row.id, runAt: new Date("2026-11-21T00:00:00Z"), periodFrom: "2026-11-20", periodTo: "2026-11-20", recipient: "down@rs.test", language: "id", alertValue: 60, attempts: 4 })
      .returning();
    const down: EmailTransport = { name: "smtp", send: async () => Promise.reject(new Error("connect ECONNREFUSED")) };
    await expect(deliverReport(deps(down), second.id)).rejects.toThrow();
    const [gaveUp] = await app.runtime.db.select().from(reportDeliveries).where(eq(reportDeliveries.id, second.id));
    expect(gaveUp).toMatchObject({ status: "failed", attempts: 5 });
    const jobId = await app.runtime.jobs.send(reportDeliveryQueue, { deliveryId: delivery.id });
    expect(jobId).toBeTruthy();
    const queued = rowsOf<{ retry_limit: number }>(await app.runtime.db.execute(sql`select retry_limit from pgboss.job where id = ${jobId}::uuid`));
    expect(queued[0].retry_limit).toBe(4);
  });
});

describe("pause and resume", () => {
  it("a paused schedule is not claimed and its queued deliveries are not sent; resuming starts from now", async () => {
    const row = await subscriptionNamed("Makassar harian");
    const paused = await post(admin.cookie, { intent: "pause", id: row.id });
    expect(paused.status).toBe(302);
    expect((await subscriptionNamed("Makassar harian")).paused).toBe(true);
    await app.runtime.db.update(reportSubscriptions).set({ nextRunAt: new Date("2026-12-01T00:00:00Z") }).where(eq(reportSubscriptions.id, row.id));
    await claimDueRuns(deps(), new Date("2026-12-09T00:00:00Z"));
    expect((await subscriptionNamed("Makassar harian")).nextRunAt.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    const [queued] = await app.runtime.db
      .insert(reportDeliveries)
      .values({ subscriptionId: row.id, runAt: new Date("2026-12-01T00:00:00Z"), periodFrom: "2026-11-30", periodTo: "2026-11-30", recipient: "paused@rs.test", language: "id" })
      .returning();
    const before = smtp.received.length;
    await deliverReport(deps(), queued.id);
    expect(smtp.received.length).toBe(before);
    const [state] = await app.runtime.db.select().from(reportDeliveries).where(eq(reportDeliveries.id, queued.id));
    expect(state).toMatchObject({ status: "failed", lastError: "paused" });

    await atInstant("2026-12-10T12:00:00Z", async () => {
      const cookie = await signedInCookie(app.runtime, admin.id);
      expect((await post(cookie, { intent: "resume", id: row.id })).status).toBe(302);
    });
    const resumed = await subscriptionNamed("Makassar harian");
    expect(resumed.paused).toBe(false);
    // 20.00 WITA on 10 Dec -> the next 07.00 WITA is 11 Dec = 10 Dec 23:00Z; missed runs are not caught up
    expect(resumed.nextRunAt.toISOString()).toBe("2026-12-10T23:00:00.000Z");
    // someone else's branch cannot pause it
    expect((await post(manager.cookie, { intent: "pause", id: row.id })).status).toBe(404);
    const audits = await app.runtime.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, row.id));
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(["report.subscription.paused", "report.subscription.resumed"]));
  });
});
