// Batch ingest of sales and refunds: a CSV or JSON export from a till is read as a stream and
// staged one receipt per row in retail_pos_import_rows, then a job records it chunk by chunk with
// the API's validation and idempotency (key `sale:<receipt>` / `refund:<receipt>`). A chunk of
// receipts is one transaction of set-based writes (claim, lines, contact links, one event per
// sale, progress); a bad row fails only its own receipt, and a chunk whose bulk write hits an
// unexpected database error is redone receipt by receipt through the API's own functions.
// A re-uploaded file, or a sale already sent through the API, counts as a duplicate, not twice.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import {
  MaxPartSizeExceededError,
  NodeOnDiskFile,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { JSONParser } from "@streamparser/json";
import { parse as parseCsv } from "csv-parse";
import { and, desc, eq, gt, lte, sql } from "drizzle-orm";
import type { Actor, Database, PluginServices } from "../../app/plugin-api/index.ts";
import { rowsOf, isUuid } from "../../app/plugin-api/index.ts";
import { sha256Hex, type PosConnection } from "./api-auth.server.ts";
import { ingestRefund, ingestSale, totalMismatch, writeSalesInBulk, type IngestResult } from "./sale-ingest.server.ts";
import { refundSchema, saleSchema, type RefundInput, type SaleInput } from "./sale-payload.ts";
import { retailPosConnections, retailPosImportRows, retailPosImports } from "./schema.ts";

export const maxImportFileBytes = 200 * 1024 * 1024;
export const maxImportSales = 1_000_000;
/** Receipts recorded in one transaction (and between two progress updates). */
export const importChunk = 500;
const maxStoredErrors = 1000;
/** Staged rows written per INSERT while a file is read. */
const stageBatch = 2000;

export type ImportFileError = "empty" | "unreadable" | "tooManyRows" | "missingColumns";
export interface StagedRow {
  /** Line in the CSV (first line of the receipt) or position in the JSON array, 1-based. */
  row: number;
  sale: unknown;
  /** CSV only: the receipt (type and number) its lines belong to; lines of one receipt further apart in the file are joined when staged. */
  receiptKey?: string;
  /** CSV only: whether the receipt's total came from its `total` cell rather than the sum of its lines. */
  totalGiven?: boolean;
}
export type RowError = { row: number; code: string; message?: string };

/** A file that cannot be imported at all (as opposed to a bad row). */
export class ImportFileFailure extends Error {
  constructor(readonly code: ImportFileError) {
    super(code);
  }
}

const columnAliases: Record<string, string[]> = {
  type: ["type", "jenis", "tipe", "kind"],
  receiptNumber: ["receiptnumber", "receipt", "nostruk", "nomorstruk", "struk"],
  originalReceiptNumber: ["originalreceiptnumber", "originalreceipt", "strukasal", "nostrukasal", "nomorstrukasal"],
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
  reason: ["reason", "alasan"],
};
/** Words a `type`/`jenis` cell may hold; anything else fails that receipt's validation. */
const typeWords: Record<string, "sale" | "refund"> = { sale: "sale", penjualan: "sale", jual: "sale", refund: "refund", retur: "refund", pengembalian: "refund" };
const squash = (h: string) => h.toLowerCase().replace(/[\s._\-/()]/g, "");
const num = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : Number(v.replace(/[\s.]/g, "").replace(",", ".")));
// a receipt of more lines than the API accepts is refused by validation; no need to hold the rest
const maxLinesKept = 501;

async function* decoded(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let first = true;
  for await (const chunk of source) {
    let text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text) {
      text = text.replace(/^\uFEFF/, "");
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Reads an export as a stream, one receipt at a time, without holding the file: JSON = an array
 * of sales in the API's shape (or `{ "sales": [...] }`), a refund marked `"type": "refund"`; CSV =
 * one line per sale line, consecutive lines of one receipt grouped here (lines of a receipt further
 * apart in the file are joined when staged; `total` optional: the sum of the receipt's lines),
 * a `jenis`/`type` column telling refunds (with `struk asal`/`originalReceiptNumber`) from sales.
 * Throws ImportFileFailure when the file as a whole is unusable.
 */
export async function* readSalesFile(fileName: string, source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<StagedRow> {
  const text = decoded(source);
  // look at the start: JSON or CSV, and the CSV's delimiter (from its header line)
  let head = "";
  let ended = false;
  while (!head.trim() || (!/^\s*[[{]/.test(head) && !head.includes("\n"))) {
    const next = await text.next();
    if (next.done) {
      ended = true;
      break;
    }
    head += next.value;
  }
  if (!head.trim()) throw new ImportFileFailure("empty");
  const rest = async function* () {
    yield head;
    if (!ended) yield* text;
  };
  let count = 0;
  const counted = (row: StagedRow) => {
    if (++count > maxImportSales) throw new ImportFileFailure("tooManyRows");
    return row;
  };

  if (/\.json$/i.test(fileName) || /^\s*[[{]/.test(head)) {
    const isArray = /^\s*\[/.test(head);
    if (!isArray && !/^\s*\{/.test(head)) throw new ImportFileFailure("unreadable");
    const parser = new JSONParser({ paths: [isArray ? "$.*" : "$.sales.*"], keepStack: false });
    const ready: unknown[] = [];
    parser.onValue = ({ value }) => void ready.push(value);
    let index = 0;
    try {
      for await (const piece of rest()) {
        parser.write(piece);
        while (ready.length) yield counted({ row: ++index, sale: ready.shift() });
      }
      if (!parser.isEnded) parser.end();
    } catch (error) {
      if (error instanceof ImportFileFailure) throw error;
      throw new ImportFileFailure("unreadable");
    }
    while (ready.length) yield counted({ row: ++index, sale: ready.shift() });
    if (count === 0) throw new ImportFileFailure("empty");
    return;
  }

  const firstLine = head.split("\n")[0];
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  const records = Readable.from(rest()).pipe(parseCsv({ delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }));
  let index: Record<string, number> | null = null;
  const cell = (cells: string[], key: string) => (index![key] === undefined ? undefined : cells[index![key]] || undefined);
  let group: { key: string; row: number; cells: string[][] } | null = null;
  const build = (g: { key: string; row: number; cells: string[][] }): StagedRow => {
    const first = g.cells[0];
    const totalGiven = num(cell(first, "total")) !== undefined;
    const typeCell = cell(first, "type");
    const type = typeCell === undefined ? "sale" : (typeWords[typeCell.toLowerCase()] ?? typeCell);
    const saleLines = g.cells.map((c) => ({ sku: cell(c, "sku"), name: cell(c, "name"), category: cell(c, "category"), quantity: num(cell(c, "quantity")), unitPrice: num(cell(c, "unitPrice")), discount: num(cell(c, "discount")) }));
    const sum = saleLines.reduce((s, l) => s + (l.quantity ?? 0) * (l.unitPrice ?? 0) - (l.discount ?? 0), 0);
    if (type === "refund") {
      // a refund is a receipt of its own pointing at the sale; its amount is `total` or the lines' sum
      const refund = { type: "refund", receiptNumber: cell(first, "receiptNumber"), originalReceiptNumber: cell(first, "originalReceiptNumber"), occurredAt: cell(first, "occurredAt"), total: num(cell(first, "total")) ?? sum, reason: cell(first, "reason") };
      return { row: g.row, sale: JSON.parse(JSON.stringify(refund)), receiptKey: g.key, totalGiven };
    }
    const customer = { memberCard: cell(first, "memberCard"), phone: cell(first, "phone"), posCustomerId: cell(first, "posCustomerId"), name: cell(first, "customerName") };
    // the key order is part of the request hash of earlier imports: keep it
    const sale = {
      ...(type === "sale" ? {} : { type }),
      receiptNumber: cell(first, "receiptNumber") ?? "",
      occurredAt: cell(first, "occurredAt"),
      ...(Object.values(customer).some(Boolean) ? { customer: JSON.parse(JSON.stringify(customer)) } : {}),
      lines: JSON.parse(JSON.stringify(saleLines)),
      total: num(cell(first, "total")) ?? sum,
      ...(cell(first, "paymentMethod") ? { paymentMethod: cell(first, "paymentMethod") } : {}),
    };
    return { row: g.row, sale, receiptKey: g.key, totalGiven };
  };
  try {
    for await (const { record, info } of records as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!index) {
        const found: Record<string, number> = {};
        record.forEach((h, i) => {
          const key = Object.keys(columnAliases).find((k) => columnAliases[k].includes(squash(h)));
          if (key && found[key] === undefined) found[key] = i;
        });
        if (found.receiptNumber === undefined || ((found.sku === undefined || found.quantity === undefined || found.unitPrice === undefined) && found.originalReceiptNumber === undefined)) {
          throw new ImportFileFailure("missingColumns");
        }
        index = found;
        continue;
      }
      const typeCell = cell(record, "type")?.toLowerCase() ?? "sale";
      const key = `${typeWords[typeCell] ?? typeCell}:${record[index.receiptNumber] ?? ""}`;
      if (group && group.key === key) {
        if (group.cells.length < maxLinesKept) group.cells.push(record);
        continue;
      }
      if (group) yield counted(build(group));
      group = { key, row: info.lines, cells: [record] };
    }
  } catch (error) {
    if (error instanceof ImportFileFailure) throw error;
    throw new ImportFileFailure("unreadable");
  }
  if (group) yield counted(build(group));
  if (count === 0) throw new ImportFileFailure(index ? "empty" : "empty");
}

/** The whole file at once (small files and tests): the receipts, or why the file is unusable. */
export async function parseSalesFile(fileName: string, bytes: Uint8Array): Promise<{ ok: true; rows: StagedRow[] } | { ok: false; error: ImportFileError }> {
  const rows: StagedRow[] = [];
  try {
    for await (const row of readSalesFile(fileName, [bytes])) rows.push(row);
  } catch (error) {
    if (error instanceof ImportFileFailure) return { ok: false, error: error.code };
    throw error;
  }
  return { ok: true, rows };
}

/**
 * Stages a file for a connection (store), reading it as it goes, all or nothing; the caller
 * enqueues `retail-pos.import-sales`. A file error leaves nothing staged.
 */
export async function createImport(
  db: Database,
  actor: Extract<Actor, { kind: "staff" }> | { kind: "system" },
  input: { connectionId: string; fileName: string; rows: AsyncIterable<StagedRow> | Iterable<StagedRow> },
): Promise<{ ok: true; id: string; count: number } | { ok: false; error: "unknownConnection" | ImportFileError }> {
  if (!isUuid(input.connectionId)) return { ok: false, error: "unknownConnection" };
  const [connection] = await db.select({ id: retailPosConnections.id }).from(retailPosConnections).where(and(eq(retailPosConnections.id, input.connectionId), eq(retailPosConnections.active, true)));
  if (!connection) return { ok: false, error: "unknownConnection" };
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(retailPosImports)
        .values({ connectionId: connection.id, fileName: input.fileName.slice(0, 200), rows: [], totalRows: 0, createdBy: actor.kind === "staff" ? actor.userId : null })
        .returning({ id: retailPosImports.id });
      let seq = 0;
      let batch: { seq: number; row: number; sale: unknown; receipt_key: string | null; total_given: boolean | null }[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await tx.execute(sql`insert into retail_pos_import_rows (import_id, seq, row, sale, receipt_key, total_given)
          select ${row.id}, x.seq, x.row, x.sale, x.receipt_key, x.total_given
          from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as x(seq int, row int, sale jsonb, receipt_key text, total_given boolean)`);
        batch = [];
      };
      const receiptsSeen = new Set<string>();
      let splitReceipts = false;
      for await (const staged of input.rows) {
        if (staged.receiptKey !== undefined) {
          if (receiptsSeen.has(staged.receiptKey)) splitReceipts = true;
          else receiptsSeen.add(staged.receiptKey);
        }
        batch.push({ seq: ++seq, row: staged.row, sale: staged.sale, receipt_key: staged.receiptKey ?? null, total_given: staged.totalGiven ?? null });
        if (batch.length >= stageBatch) await flush();
      }
      await flush();
      receiptsSeen.clear();
      if (seq === 0) throw new ImportFileFailure("empty");
      const count = splitReceipts ? await joinSplitReceipts(tx, row.id) : seq;
      await tx.update(retailPosImports).set({ totalRows: count }).where(eq(retailPosImports.id, row.id));
      return { ok: true as const, id: row.id, count };
    });
  } catch (error) {
    if (error instanceof ImportFileFailure) return { ok: false, error: error.code };
    throw error;
  }
}

/**
 * A receipt whose lines are apart in the file was staged in parts: each part is joined into the
 * first (its lines appended in file order; its total the first part's `total` cell, else the sum of
 * the parts), the other parts removed, and the positions renumbered 1..n in order of each
 * receipt's first line, which is the order the job records them in. Returns the receipts staged.
 */
async function joinSplitReceipts(tx: Database, importId: string): Promise<number> {
  await tx.execute(sql`
    with split as (
      select receipt_key, min(seq) as first_seq, sum((sale->>'total')::numeric) as total_sum
      from retail_pos_import_rows
      where import_id = ${importId} and receipt_key is not null
      group by receipt_key having count(*) > 1
    ), joined_lines as (
      select s.first_seq, jsonb_agg(e.line order by r.seq, e.ord) as lines
      from split s
      join retail_pos_import_rows r on r.import_id = ${importId} and r.receipt_key = s.receipt_key
      cross join lateral jsonb_array_elements(coalesce(r.sale->'lines', '[]'::jsonb)) with ordinality as e(line, ord)
      group by s.first_seq
    ), joined as (
      update retail_pos_import_rows f
      set sale = (case when f.sale->'lines' is null then f.sale else jsonb_set(f.sale, '{lines}', coalesce(l.lines, '[]'::jsonb)) end)
        || case when f.total_given then '{}'::jsonb else jsonb_build_object('total', s.total_sum) end
      from split s left join joined_lines l on l.first_seq = s.first_seq
      where f.import_id = ${importId} and f.seq = s.first_seq
      returning f.seq
    )
    delete from retail_pos_import_rows r using split s
    where r.import_id = ${importId} and r.receipt_key = s.receipt_key and r.seq <> s.first_seq`);
  // two steps: shifting positions down in one update would collide with the primary key midway
  await tx.execute(sql`
    update retail_pos_import_rows r set seq = -n.position
    from (select seq, row_number() over (order by seq) as position from retail_pos_import_rows where import_id = ${importId}) n
    where r.import_id = ${importId} and r.seq = n.seq and n.position <> n.seq`);
  await tx.execute(sql`update retail_pos_import_rows set seq = -seq where import_id = ${importId} and seq < 0`);
  const [counted] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from retail_pos_import_rows where import_id = ${importId}`));
  return Number(counted.n);
}

// opened only when staging starts reading it (an unknown store answers before the file is read)
async function* readFromDisk(filePath: string): AsyncGenerator<Uint8Array> {
  yield* fs.createReadStream(filePath);
}

/**
 * Takes the upload form (`connectionId`, `file`): the file goes to a temporary file as it arrives
 * and is read back as a stream into the staging table, so a large export never sits in memory
 * whole; the temporary file is removed in every case. The caller enqueues the job.
 */
export async function receiveImportUpload(
  db: Database,
  actor: Extract<Actor, { kind: "staff" }>,
  request: Request,
): Promise<{ ok: true; id: string; count: number; fileName: string } | { ok: false; error: "tooLarge" | "noFile" | "unknownConnection" | ImportFileError }> {
  if (Number(request.headers.get("Content-Length") ?? 0) > maxImportFileBytes + 64 * 1024) return { ok: false, error: "tooLarge" };
  // a form posted without its file (or by a script, as plain fields) is a missing file, not a crash
  if (!/^multipart\/form-data/i.test(request.headers.get("Content-Type") ?? "")) return { ok: false, error: "noFile" };
  const toDisk = unstable_createFileUploadHandler({ directory: path.join(os.tmpdir(), "nusa-pos-imports"), maxPartSize: maxImportFileBytes, filter: ({ name }) => name === "file" });
  let fileName = "";
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(
        async (part) => {
          const stored = await toDisk(part);
          if (stored) fileName = part.filename ?? "";
          return stored;
        },
        unstable_createMemoryUploadHandler({ maxPartSize: 4 * 1024 }),
      ),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return { ok: false, error: "tooLarge" };
    // a body that is not the multipart it claims to be
    if (error instanceof TypeError) return { ok: false, error: "noFile" };
    throw error;
  }
  const file = form.get("file");
  if (!(file instanceof NodeOnDiskFile)) return { ok: false, error: "noFile" };
  try {
    if (file.size === 0) return { ok: false, error: "noFile" };
    const created = await createImport(db, actor, { connectionId: String(form.get("connectionId") ?? ""), fileName, rows: readSalesFile(fileName, readFromDisk(file.getFilePath())) });
    return created.ok ? { ...created, fileName } : created;
  } finally {
    await file.remove().catch(() => {});
  }
}

type ImportRuntime = { db: Database; bus: Pick<PluginServices, "emit" | "emitMany"> };

/** Another run of the same import (a retried job) committed this chunk first: this run stops. */
class Superseded extends Error {}

type Prepared =
  | { row: number; kind: "error"; code: string; message?: string }
  | { row: number; kind: "duplicate" }
  | { row: number; kind: "sale"; input: SaleInput; key: string; hash: string }
  | { row: number; kind: "refund"; input: RefundInput; key: string; hash: string };

/** Validates one staged receipt the way the API does; nothing is written here. */
function prepare({ row, sale: staged }: StagedRow): Prepared {
  const hash = sha256Hex(`batch:${JSON.stringify(staged)}`);
  let body = staged;
  let type: string = "sale";
  if (staged && typeof staged === "object" && !Array.isArray(staged)) {
    const { type: t, jenis, ...restOf } = staged as Record<string, unknown>;
    const given = t ?? jenis;
    if (given !== undefined) {
      type = typeof given === "string" ? (typeWords[given.trim().toLowerCase()] ?? given) : String(given);
      body = restOf;
    }
  }
  if (type !== "sale" && type !== "refund") return { row, kind: "error", code: "validation_failed", message: "type: must be sale or refund" };
  const parsed = type === "sale" ? saleSchema.safeParse(body) : refundSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { row, kind: "error", code: "validation_failed", message: `${issue.path.join(".")}: ${issue.message}` };
  }
  if (type === "refund") {
    const input = parsed.data as RefundInput;
    return { row, kind: "refund", input, key: `refund:${input.receiptNumber}`, hash };
  }
  const input = parsed.data as SaleInput;
  const mismatch = totalMismatch(input);
  if (mismatch) return { row, kind: "error", code: "total_mismatch", message: `total: expected ${mismatch.detail!.expected}, received ${input.total}` };
  return { row, kind: "sale", input, key: `sale:${input.receiptNumber}`, hash };
}

/** A chunk's outcome; busMs = time spent in the event bus's emit (the outbox and its delivery job). */
type Tally = { recorded: number; duplicates: number; errors: RowError[]; busMs: number };
type Conflict = { row: number; key: string; hash: string; total: number; occurredAt: string };

/**
 * Keys that were already taken: the same receipt again (same file body, or the same sale sent
 * through the API) is a duplicate; the same key with other content is that row's error.
 */
async function classifyConflicts(db: Database, connection: PosConnection, conflicts: Conflict[], tally: Tally) {
  if (conflicts.length === 0) return;
  const found = rowsOf<{ key: string; hash: string; source: string; total: string | number; at: string }>(
    await db.execute(sql`select idempotency_key as key, request_hash as hash, source, total_idr as total, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as at
      from retail_pos_sales where connection_id = ${connection.id} and idempotency_key in (select jsonb_array_elements_text(${JSON.stringify(conflicts.map((c) => c.key))}::jsonb))`),
  );
  const byKey = new Map(found.map((f) => [f.key, f]));
  for (const c of conflicts) {
    const prior = byKey.get(c.key);
    // not under this key: the receipt was recorded under another Idempotency-Key (API): counted once
    if (!prior) tally.duplicates++;
    else if (prior.source === "batch" ? prior.hash === c.hash : Number(prior.total) === c.total && prior.at === new Date(c.occurredAt).toISOString().slice(0, 23)) tally.duplicates++;
    else tally.errors.push({ row: c.row, code: "idempotency_key_reused", message: `receiptNumber: already recorded with other content` });
  }
}

type SaleEntry = Extract<Prepared, { kind: "sale" }>;

/** A chunk's sales written set-based inside the caller's transaction; keys already taken are classified. */
async function writeSales(runtime: ImportRuntime, tx: Database, connection: PosConnection, sales: SaleEntry[], tally: Tally) {
  if (sales.length === 0) return;
  const written = await writeSalesInBulk({ db: tx, bus: runtime.bus }, connection, sales.map((s) => ({ key: s.key, hash: s.hash, input: s.input })), "batch");
  await classifyConflicts(
    tx,
    connection,
    sales.filter((s) => !written.recorded.has(s.key)).map((s) => ({ row: s.row, key: s.key, hash: s.hash, total: s.input.total, occurredAt: s.input.occurredAt })),
    tally,
  );
  tally.busMs += written.busMs;
  tally.recorded += written.recorded.size;
}

/** Counts one result of the API's own functions (per-receipt path and refunds). */
async function countResult(db: Database, connection: PosConnection, entry: Extract<Prepared, { kind: "sale" | "refund" }>, result: IngestResult, tally: Tally) {
  if (result.ok) result.replayed ? tally.duplicates++ : tally.recorded++;
  else if (result.code === "receipt_already_recorded") tally.duplicates++;
  else if (result.code === "idempotency_key_reused") await classifyConflicts(db, connection, [{ row: entry.row, key: entry.key, hash: entry.hash, total: entry.input.total, occurredAt: entry.input.occurredAt }], tally);
  else tally.errors.push({ row: entry.row, code: result.code, ...(result.detail ? { message: Object.entries(result.detail).map(([k, v]) => `${k}: ${String(v)}`).join(", ") } : {}) });
}

/** Marks later repeats of a key within a chunk: same content = duplicate, other content = error. */
function dedupe(entries: Prepared[]): Prepared[] {
  const seen = new Map<string, string>();
  return entries.map((e) => {
    if (e.kind !== "sale" && e.kind !== "refund") return e;
    const prior = seen.get(e.key);
    if (prior === undefined) {
      seen.set(e.key, e.hash);
      return e;
    }
    return prior === e.hash ? { row: e.row, kind: "duplicate" } : { row: e.row, kind: "error", code: "idempotency_key_reused", message: "receiptNumber: appears twice in the file with other content" };
  });
}

function tallyOf(entries: Prepared[]): Tally {
  const tally: Tally = { recorded: 0, duplicates: 0, errors: [], busMs: 0 };
  for (const e of entries) {
    if (e.kind === "duplicate") tally.duplicates++;
    else if (e.kind === "error") tally.errors.push({ row: e.row, code: e.code, ...(e.message ? { message: e.message } : {}) });
  }
  return tally;
}

/** Sorts row errors by row (the bulk path finds them out of file order). */
const byRow = (a: RowError, b: RowError) => a.row - b.row;

type Progress = { processed: number; recorded: number; duplicates: number; stored: number };

async function saveProgress(db: Database, importId: string, progress: Progress, chunkSize: number, tally: Tally) {
  const keep = tally.errors.sort(byRow).slice(0, Math.max(0, maxStoredErrors - progress.stored));
  const next = { processed: progress.processed + chunkSize, recorded: progress.recorded + tally.recorded, duplicates: progress.duplicates + tally.duplicates, stored: progress.stored + keep.length };
  const saved = await db
    .update(retailPosImports)
    .set({ processedRows: next.processed, recordedRows: next.recorded, duplicateRows: next.duplicates, errors: sql`${retailPosImports.errors} || ${JSON.stringify(keep)}::jsonb` })
    .where(and(eq(retailPosImports.id, importId), eq(retailPosImports.processedRows, progress.processed)))
    .returning({ id: retailPosImports.id });
  if (saved.length === 0) throw new Superseded();
  return { ...next, busMs: tally.busMs };
}

/**
 * Records one chunk: in bulk in one transaction, or receipt by receipt when that fails; `fellBack`
 * is null after a bulk write, else the error that made the chunk go receipt by receipt.
 */
async function recordChunk(runtime: ImportRuntime, connection: PosConnection, importId: string, chunk: StagedRow[], progress: Progress, options: { bulk: boolean }): Promise<Progress & { fellBack: unknown; busMs: number }> {
  const entries = dedupe(chunk.map(prepare));
  let fellBack: unknown = "per-receipt";
  if (options.bulk) {
    try {
      const next = await runtime.db.transaction(async (tx) => {
        // the row lock orders two runs of one import; the one that finds its chunk done stops
        const [current] = rowsOf<{ processed: number }>(await tx.execute(sql`select processed_rows as processed from retail_pos_imports where id = ${importId} for update`));
        if (current?.processed !== progress.processed) throw new Superseded();
        const tally = tallyOf(entries);
        await writeSales(runtime, tx, connection, entries.filter((e): e is SaleEntry => e.kind === "sale"), tally);
        // refunds after the chunk's sales (a refund may follow its sale in the same chunk), each
        // through the API's refund function in a savepoint of this transaction
        for (const e of entries) {
          if (e.kind !== "refund") continue;
          const result = await ingestRefund({ db: tx, bus: runtime.bus }, connection, e.input, { idempotencyKey: e.key, requestHash: e.hash, source: "batch" });
          await countResult(tx, connection, e, result, tally);
        }
        return saveProgress(tx, importId, progress, chunk.length, tally);
      });
      return { ...next, fellBack: null };
    } catch (error) {
      if (error instanceof Superseded) throw error;
      // an unexpected conflict (a concurrent writer, a constraint): the whole chunk rolled back; redo it one receipt at a time
      fellBack = error;
    }
  }
  const tally = tallyOf(entries);
  for (const e of entries) {
    if (e.kind !== "sale" && e.kind !== "refund") continue;
    const meta = { idempotencyKey: e.key, requestHash: e.hash, source: "batch" as const };
    const result = e.kind === "sale" ? await ingestSale(runtime, connection, e.input, meta) : await ingestRefund(runtime, connection, e.input, meta);
    await countResult(runtime.db, connection, e, result, tally);
  }
  return { ...(await saveProgress(runtime.db, importId, progress, chunk.length, tally)), fellBack };
}

/**
 * Records a staged import from where it stopped (a retried job resumes after the last committed
 * chunk: a chunk's writes and its progress commit together); returns the counters, `continues`
 * when stopAfterMs ended this slice early (or null for an unknown import).
 */
export async function runImport(runtime: ImportRuntime, importId: string, options: { onChunk?: (info: { processed: number; fellBack: unknown; ms: number; busMs: number }) => void; stopAfterMs?: number } = {}) {
  const { db } = runtime;
  const [job] = await db
    .select({ id: retailPosImports.id, status: retailPosImports.status, connectionId: retailPosImports.connectionId, processedRows: retailPosImports.processedRows, recordedRows: retailPosImports.recordedRows, duplicateRows: retailPosImports.duplicateRows, errorCount: sql<number>`jsonb_array_length(${retailPosImports.errors})::int`, legacyCount: sql<number>`jsonb_array_length(${retailPosImports.rows})::int` })
    .from(retailPosImports)
    .where(eq(retailPosImports.id, importId));
  if (!job) return null;
  if (job.status === "done") return finished(db, importId);
  const [conn] = await db.select({ id: retailPosConnections.id, branchId: retailPosConnections.branchId }).from(retailPosConnections).where(eq(retailPosConnections.id, job.connectionId));
  const connection: PosConnection = { id: conn.id, branchId: conn.branchId, secrets: [] };
  await db.update(retailPosImports).set({ status: "running" }).where(eq(retailPosImports.id, importId));
  let progress: Progress = { processed: job.processedRows, recorded: job.recordedRows, duplicates: job.duplicateRows, stored: job.errorCount };
  // imports staged before retail_pos_import_rows kept their rows in retail_pos_imports.rows
  const legacy = job.legacyCount > 0 ? ((await db.select({ rows: retailPosImports.rows }).from(retailPosImports).where(eq(retailPosImports.id, importId)))[0].rows as StagedRow[]) : null;
  const started = performance.now();
  try {
    for (;;) {
      const chunk = legacy
        ? legacy.slice(progress.processed, progress.processed + importChunk)
        : await db
            .select({ row: retailPosImportRows.row, sale: retailPosImportRows.sale })
            .from(retailPosImportRows)
            .where(and(eq(retailPosImportRows.importId, importId), gt(retailPosImportRows.seq, progress.processed), lte(retailPosImportRows.seq, progress.processed + importChunk)))
            .orderBy(retailPosImportRows.seq);
      if (chunk.length === 0) break;
      const t0 = performance.now();
      const next = await recordChunk(runtime, connection, importId, chunk, progress, { bulk: true });
      progress = { processed: next.processed, recorded: next.recorded, duplicates: next.duplicates, stored: next.stored };
      options.onChunk?.({ processed: progress.processed, fellBack: next.fellBack, ms: performance.now() - t0, busMs: next.busMs });
      // a slice of the work per job run: the caller enqueues the rest (a job must end within its time limit)
      if (options.stopAfterMs !== undefined && performance.now() - started > options.stopAfterMs) return finished(db, importId, true);
    }
    // the staged rows are not needed once recorded: keep the tables small
    await db.transaction(async (tx) => {
      await tx.delete(retailPosImportRows).where(eq(retailPosImportRows.importId, importId));
      await tx.update(retailPosImports).set({ status: "done", finishedAt: new Date(), rows: [] }).where(eq(retailPosImports.id, importId));
    });
  } catch (error) {
    if (error instanceof Superseded) return finished(db, importId);
    await db.update(retailPosImports).set({ status: "failed", finishedAt: new Date() }).where(eq(retailPosImports.id, importId));
    throw error;
  }
  return finished(db, importId);
}

/** The import's counters; `continues` when this run stopped early and the rest is still to do. */
async function finished(db: Database, importId: string, continues = false) {
  const [done] = await db
    .select({ id: retailPosImports.id, status: retailPosImports.status, totalRows: retailPosImports.totalRows, processedRows: retailPosImports.processedRows, recordedRows: retailPosImports.recordedRows, duplicateRows: retailPosImports.duplicateRows, errors: retailPosImports.errors })
    .from(retailPosImports)
    .where(eq(retailPosImports.id, importId));
  return done ? { ...done, continues } : null;
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
