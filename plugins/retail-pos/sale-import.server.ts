// Batch ingest of sales: a CSV or JSON export from a till is parsed and staged in
// retail_pos_imports, then a job records it row by row through the same ingestSale as the API
// (same validation, same idempotency key `sale:<receipt>`), updating progress as it goes.
// A re-uploaded file, or a sale already sent through the API, counts as a duplicate, not twice.
import { parse } from "csv-parse/sync";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Actor, Database, PluginServices } from "../../app/plugin-api/index.ts";
import { sha256Hex, type PosConnection } from "./api-auth.server.ts";
import { ingestSale } from "./sale-ingest.server.ts";
import { saleSchema, type SaleInput } from "./sale-payload.ts";
import { retailPosConnections, retailPosImports } from "./schema.ts";

export const maxImportFileBytes = 20 * 1024 * 1024;
export const maxImportSales = 100_000;
/** Rows recorded between two progress updates. */
export const importChunk = 200;
const maxStoredErrors = 1000;

export type ImportFileError = "empty" | "unreadable" | "tooManyRows" | "missingColumns";
export interface StagedRow {
  /** Line in the CSV (first line of the receipt) or position in the JSON array, 1-based. */
  row: number;
  sale: unknown;
}

const columnAliases: Record<string, string[]> = {
  receiptNumber: ["receiptnumber", "receipt", "nostruk", "nomorstruk", "struk"],
  occurredAt: ["occurredat", "waktu", "tanggal", "datetime", "date"],
  memberCard: ["membercard", "kartumember", "nomember"],
  phone: ["phone", "hp", "nohp", "ponsel"],
  posCustomerId: ["poscustomerid", "customerid", "idpelanggan"],
  customerName: ["customername", "namapelanggan", "nama"],
  sku: ["sku", "kodebarang"],
  name: ["name", "namabarang", "produk", "product"],
  category: ["category", "kategori"],
  quantity: ["quantity", "qty", "jumlah"],
  unitPrice: ["unitprice", "harga", "hargasatuan", "price"],
  discount: ["discount", "diskon"],
  total: ["total"],
  paymentMethod: ["paymentmethod", "pembayaran", "metodebayar"],
};
const squash = (h: string) => h.toLowerCase().replace(/[\s._\-/()]/g, "");
const num = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : Number(v.replace(/[\s.]/g, "").replace(",", ".")));

/**
 * Reads an export: JSON = an array of sales in the API's shape (or `{ "sales": [...] }`); CSV = one
 * line per sale line, lines of one receipt grouped by receiptNumber (`total` optional: the sum).
 */
export function parseSalesFile(fileName: string, bytes: Uint8Array): { ok: true; rows: StagedRow[] } | { ok: false; error: ImportFileError } {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
  if (!text.trim()) return { ok: false, error: "empty" };
  if (/\.json$/i.test(fileName) || /^\s*[[{]/.test(text)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return { ok: false, error: "unreadable" };
    }
    const list = Array.isArray(data) ? data : data && typeof data === "object" && Array.isArray((data as { sales?: unknown }).sales) ? (data as { sales: unknown[] }).sales : null;
    if (!list) return { ok: false, error: "unreadable" };
    if (list.length === 0) return { ok: false, error: "empty" };
    if (list.length > maxImportSales) return { ok: false, error: "tooManyRows" };
    return { ok: true, rows: list.map((sale, i) => ({ row: i + 1, sale })) };
  }
  let records: string[][];
  try {
    const delimiter = (text.split("\n")[0].match(/;/g)?.length ?? 0) > (text.split("\n")[0].match(/,/g)?.length ?? 0) ? ";" : ",";
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch {
    return { ok: false, error: "unreadable" };
  }
  const [header, ...lines] = records;
  if (!header || lines.length === 0) return { ok: false, error: "empty" };
  const index: Record<string, number> = {};
  header.forEach((h, i) => {
    const key = Object.keys(columnAliases).find((k) => columnAliases[k].includes(squash(h)));
    if (key && index[key] === undefined) index[key] = i;
  });
  if (index.receiptNumber === undefined || index.sku === undefined || index.quantity === undefined || index.unitPrice === undefined) return { ok: false, error: "missingColumns" };
  const byReceipt = new Map<string, { row: number; cells: string[][] }>();
  lines.forEach((cells, i) => {
    const receipt = cells[index.receiptNumber] ?? "";
    const group = byReceipt.get(receipt) ?? { row: i + 2, cells: [] };
    group.cells.push(cells);
    byReceipt.set(receipt, group);
  });
  if (byReceipt.size > maxImportSales) return { ok: false, error: "tooManyRows" };
  const cell = (cells: string[], key: string) => (index[key] === undefined ? undefined : cells[index[key]] || undefined);
  const rows: StagedRow[] = [];
  for (const [receiptNumber, group] of byReceipt) {
    const first = group.cells[0];
    const saleLines = group.cells.map((c) => ({ sku: cell(c, "sku"), name: cell(c, "name"), category: cell(c, "category"), quantity: num(cell(c, "quantity")), unitPrice: num(cell(c, "unitPrice")), discount: num(cell(c, "discount")) }));
    const customer = { memberCard: cell(first, "memberCard"), phone: cell(first, "phone"), posCustomerId: cell(first, "posCustomerId"), name: cell(first, "customerName") };
    const sum = saleLines.reduce((s, l) => s + (l.quantity ?? 0) * (l.unitPrice ?? 0) - (l.discount ?? 0), 0);
    const sale = {
      receiptNumber,
      occurredAt: cell(first, "occurredAt"),
      ...(Object.values(customer).some(Boolean) ? { customer: JSON.parse(JSON.stringify(customer)) } : {}),
      lines: JSON.parse(JSON.stringify(saleLines)),
      total: num(cell(first, "total")) ?? sum,
      ...(cell(first, "paymentMethod") ? { paymentMethod: cell(first, "paymentMethod") } : {}),
    };
    rows.push({ row: group.row, sale });
  }
  return { ok: true, rows };
}

/** Stages a parsed file for a connection (store); the caller enqueues `retail-pos.import-sales`. */
export async function createImport(db: Database, actor: Extract<Actor, { kind: "staff" }> | { kind: "system" }, input: { connectionId: string; fileName: string; rows: StagedRow[] }) {
  const [connection] = await db.select({ id: retailPosConnections.id }).from(retailPosConnections).where(and(eq(retailPosConnections.id, input.connectionId), eq(retailPosConnections.active, true)));
  if (!connection) return { ok: false as const, error: "unknownConnection" as const };
  const [row] = await db
    .insert(retailPosImports)
    .values({ connectionId: connection.id, fileName: input.fileName.slice(0, 200), rows: input.rows, totalRows: input.rows.length, createdBy: actor.kind === "staff" ? actor.userId : null })
    .returning({ id: retailPosImports.id });
  return { ok: true as const, id: row.id };
}

type ImportRuntime = { db: Database; bus: Pick<PluginServices, "emit"> };

/** Records a staged import from where it stopped (a retried job resumes); returns the final counters. */
export async function runImport(runtime: ImportRuntime, importId: string) {
  const { db } = runtime;
  const [job] = await db.select().from(retailPosImports).where(eq(retailPosImports.id, importId));
  if (!job || job.status === "done") return job ?? null;
  const [conn] = await db.select({ id: retailPosConnections.id, branchId: retailPosConnections.branchId }).from(retailPosConnections).where(eq(retailPosConnections.id, job.connectionId));
  const connection: PosConnection = { id: conn.id, branchId: conn.branchId, secrets: [] };
  await db.update(retailPosImports).set({ status: "running" }).where(eq(retailPosImports.id, importId));
  const rows = job.rows as StagedRow[];
  let processed = job.processedRows;
  let recorded = job.recordedRows;
  let duplicates = job.duplicateRows;
  let stored = job.errors.length;
  try {
    while (processed < rows.length) {
      const chunk = rows.slice(processed, processed + importChunk);
      const errors: { row: number; code: string; message?: string }[] = [];
      for (const { row, sale } of chunk) {
        const parsed = saleSchema.safeParse(sale);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          errors.push({ row, code: "validation_failed", message: `${issue.path.join(".")}: ${issue.message}` });
          continue;
        }
        const result = await ingestSale(runtime, connection, parsed.data as SaleInput, {
          idempotencyKey: `sale:${parsed.data.receiptNumber}`,
          requestHash: sha256Hex(`batch:${JSON.stringify(sale)}`),
          source: "batch",
        });
        if (result.ok) result.replayed ? duplicates++ : recorded++;
        // already recorded (by the API or an earlier file) with another body: counted once, as a duplicate
        else if (result.code === "idempotency_key_reused" || result.code === "receipt_already_recorded") duplicates++;
        else errors.push({ row, code: result.code });
      }
      processed += chunk.length;
      const keep = errors.slice(0, Math.max(0, maxStoredErrors - stored));
      stored += keep.length;
      await db
        .update(retailPosImports)
        .set({ processedRows: processed, recordedRows: recorded, duplicateRows: duplicates, errors: sql`${retailPosImports.errors} || ${JSON.stringify(keep)}::jsonb` })
        .where(eq(retailPosImports.id, importId));
    }
    // the staged rows are not needed once recorded: keep the table small
    await db.update(retailPosImports).set({ status: "done", finishedAt: new Date(), rows: [] }).where(eq(retailPosImports.id, importId));
  } catch (error) {
    await db.update(retailPosImports).set({ status: "failed", finishedAt: new Date() }).where(eq(retailPosImports.id, importId));
    throw error;
  }
  const [done] = await db.select().from(retailPosImports).where(eq(retailPosImports.id, importId));
  return done;
}

/** Recent imports with their progress, newest first (without the staged rows). */
export async function listImports(db: Database, limit = 20) {
  return db
    .select({
      id: retailPosImports.id,
      fileName: retailPosImports.fileName,
      status: retailPosImports.status,
      totalRows: retailPosImports.totalRows,
      processedRows: retailPosImports.processedRows,
      recordedRows: retailPosImports.recordedRows,
      duplicateRows: retailPosImports.duplicateRows,
      errorCount: sql<number>`jsonb_array_length(${retailPosImports.errors})::int`,
      createdAt: retailPosImports.createdAt,
      finishedAt: retailPosImports.finishedAt,
      store: sql<string>`(select b.name from branches b where b.id = ${retailPosConnections.branchId})`,
    })
    .from(retailPosImports)
    .innerJoin(retailPosConnections, eq(retailPosConnections.id, retailPosImports.connectionId))
    .orderBy(desc(retailPosImports.createdAt))
    .limit(limit);
}

/** The per-row errors of one import (first 200). */
export async function importErrors(db: Database, id: string) {
  const [row] = await db.select({ errors: retailPosImports.errors, fileName: retailPosImports.fileName }).from(retailPosImports).where(eq(retailPosImports.id, id));
  return row ? { fileName: row.fileName, errors: row.errors.slice(0, 200) } : null;
}
