// Retention of a plugin's table: a sale older than the 10 years its purpose keeps loses the link
// to the person; the sale itself stays in the books.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { rowsOf } from "../../db/client.ts";
import { applyRetention } from "../../app/core/privacy/retention.server.ts";
import { createConnection } from "../../plugins/retail-pos/connections.server.ts";
import retailPos from "../../plugins/retail-pos/index.ts";
import { createContact, createTestApp } from "../support/test-app.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp({ plugins: [retailPos] });
});
afterAll(() => app.close());

it("unlinks the shopper from sales older than ten years, and keeps the sales", async () => {
  const db = app.runtime.db;
  const shopper = await createContact(app.runtime, { fullName: "Sari Wulandari" });
  const [{ id: branchId }] = rowsOf<{ id: string }>(await db.execute(sql`insert into branches (code, name, kind) values ('TK-RT', 'Toko Retensi', 'store') returning id`));
  const connection = await createConnection(db, { kind: "system" }, { branchId, name: "Kasir lama" });
  if (!connection.ok) throw new Error("no connection");
  const sale = (receipt: string, at: string) => sql`(${connection.id}, ${branchId}, 'sale', ${receipt}, ${receipt}, 'h', ${shopper.id}, ${at}::timestamptz, 50000, 'seed')`;
  await db.execute(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, contact_id, occurred_at, total_idr, source)
    values ${sql.join([sale("RT-OLD", "2015-06-01T03:00:00Z"), sale("RT-NEW", "2025-06-01T03:00:00Z")], sql`, `)}`);

  // retail-pos.sales keeps 10 × 365 days, but its legal hold (10 years, UU 8/1997) is 3,653 days with the leap
  // days, and the longer one wins: on 7 Dec 2026 the cutoff falls in December 2016
  const run = await applyRetention(db, app.runtime.registry, new Date("2026-12-07T17:30:00Z"));
  expect(run.destroyed.filter((d) => d.table === "retail_pos_sales").map(({ method, rows, retentionDays }) => ({ method, rows, retentionDays }))).toEqual([
    { method: "anonymise", rows: 1, retentionDays: 3653 },
  ]);
  const sales = rowsOf<{ receipt_no: string; contact_id: string | null; total_idr: string }>(
    await db.execute(sql`select receipt_no, contact_id, total_idr::text from retail_pos_sales where branch_id = ${branchId} order by receipt_no`),
  );
  expect(sales).toEqual([
    { receipt_no: "RT-NEW", contact_id: shopper.id, total_idr: "50000" },
    { receipt_no: "RT-OLD", contact_id: null, total_idr: "50000" },
  ]);
});
