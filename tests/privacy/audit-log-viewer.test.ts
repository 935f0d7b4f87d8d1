// /staff/audit: who did what to which record, filtered (local days in the viewer's zone), keyset
// pages, CSV/XLSX export behind step-up; reading and exporting are audited; others get 403.
import ExcelJS from "exceljs";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "../../app/routes/staff/audit.export.ts";
import * as page from "../../app/routes/staff/audit.tsx";
import { auditLog, sessions } from "../../db/schema/index.ts";
import { callRoute, createStaff, createTestApp, unwrap } from "../support/test-app.ts";

type Row = { id: number; action: string; actorKind: string; actorLabel: string | null; entityId: string | null };
type Page = { rows: Row[]; next: string | null; error: string | null; typed: Record<string, string> };

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<typeof createStaff>>;
let agent: Awaited<ReturnType<typeof createStaff>>;
const contactId = "7b0f6a34-4c55-4d0a-9d51-0d2a3c1e9a01";

beforeAll(async () => {
  app = await createTestApp();
  admin = await createStaff(app.runtime, { roles: ["admin"], email: "admin.audit@rs-uji.id", name: "Admin Audit" });
  agent = await createStaff(app.runtime, { roles: ["agent"], email: "cs.audit@rs-uji.id", name: "Citra CS" });
  const db = app.runtime.db;
  // around midnight WIB (UTC+7) on 7 Dec 2026: 16:59Z is 23:59 on the 6th, 17:00Z is 00:00 on the 7th
  await db.insert(auditLog).values([
    { at: new Date("2026-12-06T16:59:00Z"), actorKind: "staff", actorUserId: agent.id, action: "contact.viewed", entityType: "contact", entityId: contactId },
    { at: new Date("2026-12-06T17:00:00Z"), actorKind: "staff", actorUserId: agent.id, action: "contact.updated", entityType: "contact", entityId: contactId, data: { fields: ["phone"] } },
    { at: new Date("2026-12-07T16:59:59Z"), actorKind: "system", action: "privacy.data.exported", entityType: "contact", entityId: contactId },
    { at: new Date("2026-12-07T17:00:00Z"), actorKind: "staff", actorUserId: admin.id, action: "privacy.request.decided", entityType: "contact", entityId: contactId },
  ]);
  await db.insert(auditLog).values(Array.from({ length: 120 }, (_, i) => ({ at: new Date(Date.UTC(2026, 10, 1, 0, i)), actorKind: "system" as const, action: `uji.paging.${i}` })));
});
afterAll(() => app.close());

async function view(query: string, cookie = admin.cookie) {
  return unwrap(await callRoute(app.runtime, page.loader, { path: `/staff/audit?${query}`, cookie }));
}

describe("the audit-log viewer", () => {
  it("is for holders of core.audit.read only", async () => {
    expect((await view("", agent.cookie)).status).toBe(403);
    expect(((await callRoute(app.runtime, exportRoute.loader, { path: "/staff/audit/export?format=csv", cookie: agent.cookie })) as Response).status).toBe(403);
  });

  it("filters by who, by action or its start, by record, and by local days in the viewer's zone", async () => {
    const byActor = (await view("actor=cs.audit")).data as Page;
    expect(byActor.rows.map((r) => r.action)).toEqual(["contact.updated", "contact.viewed"]);
    expect(byActor.rows[0].actorLabel).toBe("Citra CS <cs.audit@rs-uji.id>");
    expect(((await view("action=privacy.")).data as Page).rows.map((r) => r.action)).toEqual(["privacy.request.decided", "privacy.data.exported"]);
    expect(((await view("action=contact.viewed")).data as Page).rows).toHaveLength(1);
    expect(((await view(`entityType=contact&entityId=${contactId}`)).data as Page).rows).toHaveLength(4);
    expect(((await view("actorKind=system&action=privacy")).data as Page).rows.map((r) => r.action)).toEqual(["privacy.data.exported"]);
    // 7 Dec 2026 in WIB is [6 Dec 17:00Z, 7 Dec 17:00Z): worked out by hand, two entries
    const day = (await view(`from=2026-12-07&to=2026-12-07&entityId=${contactId}`)).data as Page;
    expect(day.rows.map((r) => r.action)).toEqual(["privacy.data.exported", "contact.updated"]);
    expect(((await view(`to=2026-12-06&entityId=${contactId}`)).data as Page).rows.map((r) => r.action)).toEqual(["contact.viewed"]);
  });

  it("pages by keyset: 120 entries as 50 + 50 + 20, none twice", async () => {
    const seen: string[] = [];
    let query = "action=uji.paging";
    const sizes: number[] = [];
    for (;;) {
      const p = (await view(query)).data as Page;
      sizes.push(p.rows.length);
      seen.push(...p.rows.map((r) => r.action));
      if (!p.next) break;
      query = `action=uji.paging&before=${p.next}`;
    }
    expect(sizes).toEqual([50, 50, 20]);
    expect(new Set(seen).size).toBe(120);
    expect(seen[0]).toBe("uji.paging.119");
  });

  it("refuses a bad filter with a 400 and a message, keeps what was typed, searches nothing", async () => {
    const before = await app.runtime.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.action, "audit.viewed"));
    for (const query of ["from=2026-12-08&to=2026-12-01&actor=Citra", "from=2026-02-30", "actorKind=robot", "before=abc", `entityId=${"x".repeat(300)}`]) {
      const result = await view(query);
      expect(result.status).toBe(400);
      expect((result.data as Page).error).toBe("audit.errors.filter");
      expect((result.data as Page).rows).toEqual([]);
    }
    expect(((await view("from=2026-12-08&to=2026-12-01&actor=Citra")).data as Page).typed).toMatchObject({ from: "2026-12-08", to: "2026-12-01", actor: "Citra" });
    const after = await app.runtime.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.action, "audit.viewed"));
    expect(after.length).toBe(before.length);
    expect(((await callRoute(app.runtime, exportRoute.loader, { path: "/staff/audit/export?format=csv&from=nope", cookie: admin.cookie })) as { init?: { status: number } }).init?.status).toBe(400);
  });

  it("records each viewing with its filter", async () => {
    await view("action=contact.");
    const [entry] = await app.runtime.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "audit.viewed"), eq(auditLog.actorUserId, admin.id)))
      .orderBy(auditLog.id)
      .then((rows) => rows.slice(-1));
    expect(entry.data).toMatchObject({ filter: { action: "contact." }, rows: 2 });
  });

  it("exports CSV and XLSX with the filter, audited; an old sign-in must confirm first", async () => {
    const csv = (await callRoute(app.runtime, exportRoute.loader, { path: `/staff/audit/export?format=csv&entityId=${contactId}`, cookie: admin.cookie })) as Response;
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = Buffer.from(await csv.arrayBuffer());
    // a BOM, so Excel reads UTF-8
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8");
    const lines = text.trim().split("\r\n");
    expect(lines).toHaveLength(1 + 4);
    expect(lines[0]).toContain("Waktu (UTC)"); // Bahasa Indonesia first
    expect(lines[1]).toContain("privacy.request.decided");
    expect(text).toContain("cs.audit@rs-uji.id");

    const xlsx = (await callRoute(app.runtime, exportRoute.loader, { path: "/staff/audit/export?format=xlsx&action=uji.paging", cookie: admin.cookie })) as Response;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(1 + 120);
    expect(sheet.getRow(2).getCell(7).value).toBe("uji.paging.119");

    const exported = await app.runtime.db.select().from(auditLog).where(eq(auditLog.action, "audit.exported"));
    expect(exported.map((e) => e.data)).toEqual([
      expect.objectContaining({ format: "csv", rows: 4, filter: { entityId: contactId } }),
      expect.objectContaining({ format: "xlsx", rows: 120 }),
    ]);

    await app.runtime.db.update(sessions).set({ reauthenticatedAt: new Date(Date.now() - 10 * 60_000) }).where(eq(sessions.userId, admin.id));
    const stale = (await callRoute(app.runtime, exportRoute.loader, { path: "/staff/audit/export?format=csv", cookie: admin.cookie })) as Response;
    expect(stale.status).toBe(302);
    expect(stale.headers.get("Location")).toMatch(/^\/staff\/login\/confirm\?redirectTo=/);
  });
});
