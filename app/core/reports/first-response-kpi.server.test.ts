// First response within SLA against a fixture worked out by hand. Jakarta (WIB, +7) and Makassar
// (WITA, +8); a ticket counts on the local day its first reply was settled: the reply's day when it
// came in time, the deadline's day otherwise. The clock is fixed: now = 20 Nov 05:00Z (12.00 WIB).
//
// F1 Jakarta, portal: due 10 Nov 06:00Z, replied 04:00Z               -> in time, 10 Nov
// F2 Makassar, portal: due 12 Nov 05:00Z, replied 05:00Z exactly       -> in time, 12 Nov
// F3 Jakarta, portal: due 13 Nov 05:00Z, replied 14 Nov 02:00Z         -> late, counts on 13 Nov
// F4 no branch, partner: due 15 Nov 05:00Z, no reply yet               -> late (still waiting), 15 Nov
// F5 Jakarta, portal: due 20 Nov 07:00Z, no reply yet, not due at now  -> not counted
// F6 Jakarta, phone, opened by staff while serving (no deadline)       -> never counted
// F7 Jakarta, portal: replied in time 31 Oct 16:30Z = 23.30 WIB 31 Oct -> October
// F8 Jakarta, portal: due 31 Oct 12:00Z (19.00 WIB), replied 2 Nov     -> late, counts on 31 Oct
//
// November: in time F1, F2 of F1, F2, F3, F4 = 2 / 4 = 50 %.
// By branch: Jakarta F1 of F1, F3 = 1/2; Makassar F2 = 1/1; no branch ("-") F4 = 0/1.
// By channel: portal F1, F2 of F1, F2, F3 = 2/3; partner F4 = 0/1.
// Records (the misses, latest deadline first): F4 (15 Nov), F3 (13 Nov).
// 31 Oct alone: F7 in time, F8 late = 1/2.
// At 20 Nov 08:00Z F5's deadline has passed unanswered: 2 / 5 = 40 %.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, contacts, tickets } from "../../../db/schema/index.ts";
import { createTestApp } from "../../../tests/support/test-app.ts";
import type { KpiQuery } from "../plugins/contract.ts";
import { coreKpis } from "./core-kpis.server.ts";
import { kpiValue } from "./kpis.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let mks: string;
const november = { from: "2026-11-01", to: "2026-11-30" };
const now = new Date("2026-11-20T05:00:00Z");
const at = (iso: string) => new Date(iso);
const kpi = coreKpis.find((k) => k.id === "tickets.firstResponseWithinSla")!;

beforeAll(async () => {
  app = await createTestApp();
  const db = app.runtime.db;
  let jkt: string;
  [{ id: jkt }, { id: mks }] = await db
    .insert(branches)
    .values([
      { code: "FR-JKT", name: "Jakarta", kind: "hospital", timeZone: "Asia/Jakarta" },
      { code: "FR-MKS", name: "Makassar", kind: "hospital", timeZone: "Asia/Makassar" },
    ])
    .returning({ id: branches.id });
  const [contact] = await db.insert(contacts).values({ fullName: "A", branchId: jkt }).returning();
  const ticket = (number: string, v: Partial<typeof tickets.$inferInsert>) =>
    ({ number, subject: number, channel: "portal", category: "complaint", contactId: contact.id, branchId: jkt, status: "in_progress", slaDueAt: at("2026-12-31T00:00:00Z"), ...v }) as typeof tickets.$inferInsert;
  await db.insert(tickets).values([
    ticket("F1", { createdAt: at("2026-11-10T02:00:00Z"), firstResponseDueAt: at("2026-11-10T06:00:00Z"), firstResponseAt: at("2026-11-10T04:00:00Z") }),
    ticket("F2", { branchId: mks, createdAt: at("2026-11-12T01:00:00Z"), firstResponseDueAt: at("2026-11-12T05:00:00Z"), firstResponseAt: at("2026-11-12T05:00:00Z") }),
    ticket("F3", { createdAt: at("2026-11-13T01:00:00Z"), firstResponseDueAt: at("2026-11-13T05:00:00Z"), firstResponseAt: at("2026-11-14T02:00:00Z") }),
    ticket("F4", { branchId: null, contactId: null, channel: "partner", status: "open", createdAt: at("2026-11-15T01:00:00Z"), firstResponseDueAt: at("2026-11-15T05:00:00Z") }),
    ticket("F5", { status: "open", createdAt: at("2026-11-20T03:00:00Z"), firstResponseDueAt: at("2026-11-20T07:00:00Z") }),
    ticket("F6", { channel: "phone", createdAt: at("2026-11-16T03:00:00Z"), firstResponseAt: at("2026-11-16T03:00:00Z") }),
    ticket("F7", { createdAt: at("2026-10-31T15:00:00Z"), firstResponseDueAt: at("2026-10-31T19:00:00Z"), firstResponseAt: at("2026-10-31T16:30:00Z") }),
    ticket("F8", { createdAt: at("2026-10-31T08:00:00Z"), firstResponseDueAt: at("2026-10-31T12:00:00Z"), firstResponseAt: at("2026-11-02T03:00:00Z") }),
  ]);
});
afterAll(() => app.close());

const ctx = () => ({ db: app.runtime.db, language: "id" as const, t: (k: string) => k });

async function figure(query: Partial<KpiQuery> = {}) {
  const rows = await kpi.compute({ range: november, branchIds: null, dimension: null, now, ...query }, ctx());
  if (query.dimension) return Object.fromEntries(rows.map((r) => [r.label ?? r.key, [r.numerator, r.denominator]]));
  return { value: kpiValue(kpi, rows[0]), numerator: rows[0]?.numerator, denominator: rows[0]?.denominator ?? null };
}

describe("core.tickets.firstResponseWithinSla", () => {
  it("is declared like its sibling ticket KPIs", () => {
    expect(kpi).toMatchObject({ unit: "percent", permission: "core.report.read", dimensions: ["branch", "channel"], better: "up", denominator: expect.any(String) });
  });

  it("is 2 answered in time of 4 settled in November (50 %): a late reply and a reply still awaited past the deadline are misses", async () => {
    expect(await figure()).toEqual({ value: 50, numerator: 2, denominator: 4 });
  });

  it("splits by branch (no branch is '-') and by channel", async () => {
    expect(await figure({ dimension: "branch" })).toEqual({ Jakarta: [1, 2], Makassar: [1, 1], "-": [0, 1] });
    expect(await figure({ dimension: "channel" })).toEqual({ portal: [2, 3], partner: [0, 1] });
    expect(await figure({ branchIds: [mks] })).toEqual({ value: 100, numerator: 1, denominator: 1 });
  });

  it("counts a late reply on its deadline's local day, an in-time one on the reply's day", async () => {
    expect(await figure({ range: { from: "2026-10-31", to: "2026-10-31" } })).toEqual({ value: 50, numerator: 1, denominator: 2 });
  });

  it("a ticket still unanswered becomes a miss once its deadline has passed", async () => {
    expect(await figure({ now: at("2026-11-20T08:00:00Z") })).toEqual({ value: 40, numerator: 2, denominator: 5 });
  });

  it("lists the misses behind the figure, each at the deadline it missed", async () => {
    const records = await kpi.records!({ range: november, branchIds: null, dimension: null, now, limit: 10 }, ctx());
    expect(records.map((r) => [r.label, r.at?.toISOString()])).toEqual([
      ["F4 · F4", "2026-11-15T05:00:00.000Z"],
      ["F3 · F3", "2026-11-13T05:00:00.000Z"],
    ]);
    expect(records[0].href).toMatch(/^\/staff\/tickets\/[0-9a-f-]{36}$/);
  });
});
