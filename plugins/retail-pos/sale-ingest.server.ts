// Recording sales and refunds sent by a POS, exactly once. The idempotency key is claimed first
// (a unique row), so a retry or a concurrent duplicate finds the first request's result; the sale,
// its lines, the contact link and the event are written in that one transaction or not at all.
import { performance } from "node:perf_hooks";
import { and, eq, inArray, sql } from "drizzle-orm";
import { rowsOf, type Database, type PluginServices } from "../../app/plugin-api/index.ts";
import { findOrCreateContact, type AppRuntime, type ContactMatchInput } from "../../app/plugin-api/server.ts";
import type { PosConnection } from "./api-auth.server.ts";
import { posEvents, type SaleRecordedV1, type SaleRefundedV1 } from "./events.ts";
import type { PosErrorCode, RefundInput, SaleInput } from "./sale-payload.ts";
import { retailPosProducts, retailPosSaleLines, retailPosSales } from "./schema.ts";

// the batch import runs in a job, which has the bus's emit (ctx.services) but not the whole bus
type Runtime = { db: AppRuntime["db"]; bus: Pick<PluginServices, "emit"> };

export interface IngestMeta {
  idempotencyKey: string;
  requestHash: string;
  source?: "api" | "batch" | "seed";
}

export interface RecordedSale {
  id: string;
  kind: "sale" | "refund";
  receiptNumber: string;
  contactId: string | null;
  total: number;
}

export type IngestResult =
  | { ok: true; replayed: boolean; sale: RecordedSale }
  | { ok: false; code: PosErrorCode; status: number; detail?: Record<string, unknown> };

class Abort extends Error {
  constructor(readonly result: Extract<IngestResult, { ok: false }>) {
    super(result.code);
  }
}

const fail = (code: PosErrorCode, status: number, detail?: Record<string, unknown>): Extract<IngestResult, { ok: false }> => ({ ok: false, code, status, detail });

/** A line's name and category as recorded (the catalogue's, else the till's, else the SKU and "lainnya") and its amount. */
function lineAsRecorded(l: SaleInput["lines"][number], product: { name: string; category: string } | undefined) {
  return { name: product?.name ?? l.name ?? l.sku, category: product?.category ?? l.category ?? "lainnya", amount: l.quantity * l.unitPrice - l.discount };
}

/** The answer for a sale whose total is not the sum of its lines, or null when it is. */
export function totalMismatch(input: SaleInput): Extract<IngestResult, { ok: false }> | null {
  const computed = input.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice - l.discount, 0);
  return computed === input.total ? null : fail("total_mismatch", 422, { expected: computed, received: input.total });
}

/** What a claimed key already holds: a replay when the body matches, 409 otherwise. */
export async function existing(db: Database, connection: PosConnection, kind: "sale" | "refund", receiptNumber: string, meta: IngestMeta): Promise<IngestResult> {
  const [byKey] = await db
    .select()
    .from(retailPosSales)
    .where(and(eq(retailPosSales.connectionId, connection.id), eq(retailPosSales.idempotencyKey, meta.idempotencyKey)));
  if (byKey) {
    if (byKey.requestHash !== meta.requestHash || byKey.kind !== kind) return fail("idempotency_key_reused", 409);
    return { ok: true, replayed: true, sale: { id: byKey.id, kind: byKey.kind, receiptNumber: byKey.receiptNo, contactId: byKey.contactId, total: byKey.totalIdr } };
  }
  return fail("receipt_already_recorded", 409, { receiptNumber });
}

/** How the core finds this sale's customer (member card, POS id, phone), or null for an anonymous sale. */
export function customerMatch(customer: SaleInput["customer"], branchId: string): ContactMatchInput | null {
  if (!customer) return null;
  const identifiers: ContactMatchInput["identifiers"] = [];
  if (customer.memberCard) identifiers.push({ system: "member_card", value: customer.memberCard.toUpperCase() });
  if (customer.posCustomerId) identifiers.push({ system: "pos_customer", value: customer.posCustomerId });
  if (identifiers.length === 0 && !customer.phone) return null;
  return { identifiers, phone: customer.phone ?? null, fullName: customer.name ?? null, branchId, source: "pos" };
}

type ContactMaps = { byIdentifier: Map<string, string>; byPhone: Map<string, string> };
const identifierKey = (system: string, value: string) => `${system}\u0000${value}`;

/** One read per identifier kind and one for phones, for the customers of a whole chunk. */
async function lookupContacts(tx: Database, matches: ContactMatchInput[]): Promise<ContactMaps> {
  const bySystem = new Map<string, Set<string>>();
  const phones = new Set<string>();
  for (const m of matches) {
    for (const i of m.identifiers) bySystem.set(i.system, (bySystem.get(i.system) ?? new Set()).add(i.value));
    if (m.phone) phones.add(m.phone);
  }
  const byIdentifier = new Map<string, string>();
  for (const [system, values] of bySystem) {
    const rows = rowsOf<{ value: string; contact_id: string }>(
      await tx.execute(sql`select ci.value, coalesce(c.merged_into_id, c.id) as contact_id from contact_identifiers ci join contacts c on c.id = ci.contact_id
        where ci.system = ${system} and ci.value in (select jsonb_array_elements_text(${JSON.stringify([...values])}::jsonb))`),
    );
    for (const r of rows) byIdentifier.set(identifierKey(system, r.value), r.contact_id);
  }
  const byPhone = new Map<string, string>();
  if (phones.size) {
    const rows = rowsOf<{ phone: string; id: string }>(
      await tx.execute(sql`select distinct on (phone) phone, id from contacts where merged_into_id is null and phone in (select jsonb_array_elements_text(${JSON.stringify([...phones])}::jsonb)) order by phone, created_at asc`),
    );
    for (const r of rows) byPhone.set(r.phone, r.id);
  }
  return { byIdentifier, byPhone };
}

/**
 * The contact findOrCreateContact would answer, when the chunk's lookup already knows it for sure
 * (every identifier of the sale is registered, so nothing would be added); otherwise null.
 */
function knownContact(maps: ContactMaps, match: ContactMatchInput): string | null {
  const ids = match.identifiers.map((i) => maps.byIdentifier.get(identifierKey(i.system, i.value)));
  if (ids.some((id) => id === undefined)) return null;
  return ids[0] ?? (match.phone ? (maps.byPhone.get(match.phone) ?? null) : null);
}

export interface BulkSale {
  /** Idempotency key: a key already taken (or a receipt already recorded) is left out of the result. */
  key: string;
  hash: string;
  input: SaleInput;
}

/**
 * Records many sales of one store in the caller's transaction with set-based writes (claim, contact
 * links, lines, one event per sale): what ingestSale does for one, a dozen statements for all.
 * Returns the sales recorded, by key; a sale whose key or receipt was already taken is not in it
 * (the caller tells a replay from a conflict). The first of two sales with one key in the list wins.
 */
export async function writeSalesInBulk(
  runtime: { db: Database; bus: Pick<PluginServices, "emitMany"> },
  connection: PosConnection,
  sales: BulkSale[],
  source: NonNullable<IngestMeta["source"]>,
): Promise<{ recorded: Map<string, RecordedSale>; busMs: number }> {
  const tx = runtime.db;
  const recorded = new Map<string, RecordedSale>();
  if (sales.length === 0) return { recorded, busMs: 0 };
  const claimed = rowsOf<{ id: string; key: string }>(
    await tx.execute(sql`insert into retail_pos_sales (connection_id, branch_id, kind, receipt_no, idempotency_key, request_hash, occurred_at, total_idr, payment_method, source)
      select ${connection.id}, ${connection.branchId}, 'sale', x.receipt_no, x.key, x.hash, x.occurred_at, x.total, x.payment_method, ${source}
      from jsonb_to_recordset(${JSON.stringify(sales.map((s) => ({ receipt_no: s.input.receiptNumber, key: s.key, hash: s.hash, occurred_at: s.input.occurredAt, total: s.input.total, payment_method: s.input.paymentMethod ?? null })))}::jsonb)
        as x(receipt_no text, key text, hash text, occurred_at timestamptz, total bigint, payment_method text)
      on conflict do nothing
      returning id, idempotency_key as key`),
  );
  const idByKey = new Map(claimed.map((c) => [c.key, c.id]));
  const taken = new Set<string>();
  // a key twice in the list: the row claimed is the first one's
  const fresh = sales.filter((s) => idByKey.has(s.key) && !taken.has(s.key) && taken.add(s.key));
  if (fresh.length === 0) return { recorded, busMs: 0 };

  // contacts: read for the whole chunk; only a customer not fully known goes through the core's find-or-create
  const matches = fresh.map((s) => customerMatch(s.input.customer, connection.branchId));
  const maps = await lookupContacts(tx, matches.filter((m): m is ContactMatchInput => m !== null));
  const contactOf = new Map<string, string | null>();
  for (const [i, s] of fresh.entries()) {
    const match = matches[i];
    if (!match) continue;
    contactOf.set(s.key, knownContact(maps, match) ?? (await findOrCreateContact(tx, match))?.contactId ?? null);
  }
  const links = fresh.filter((s) => contactOf.get(s.key)).map((s) => ({ id: idByKey.get(s.key), contact_id: contactOf.get(s.key) }));
  if (links.length) {
    await tx.execute(sql`update retail_pos_sales s set contact_id = x.contact_id from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x(id uuid, contact_id uuid) where s.id = x.id`);
  }

  const skus = [...new Set(fresh.flatMap((s) => s.input.lines.map((l) => l.sku)))];
  const products = rowsOf<{ id: string; sku: string; name: string; category: string; supplier_org_id: string | null }>(
    await tx.execute(sql`select id, sku, name, category, supplier_org_id from retail_pos_products where sku in (select jsonb_array_elements_text(${JSON.stringify(skus)}::jsonb))`),
  );
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const linesOf = new Map(
    fresh.map((s) => [
      s.key,
      s.input.lines.map((l, i) => {
        const product = bySku.get(l.sku);
        const line = lineAsRecorded(l, product && { name: product.name, category: product.category });
        return {
          sale_id: idByKey.get(s.key)!,
          line_no: i + 1,
          product_id: product?.id ?? null,
          sku: l.sku,
          name: line.name,
          category: line.category,
          supplier_org_id: product?.supplier_org_id ?? null,
          quantity: l.quantity,
          unit_price: l.unitPrice,
          discount: l.discount,
          amount: line.amount,
        };
      }),
    ]),
  );
  await tx.execute(sql`insert into retail_pos_sale_lines (sale_id, line_no, product_id, sku, name, category, supplier_org_id, quantity, unit_price_idr, discount_idr, amount_idr)
    select x.sale_id, x.line_no, x.product_id, x.sku, x.name, x.category, x.supplier_org_id, x.quantity, x.unit_price, x.discount, x.amount
    from jsonb_to_recordset(${JSON.stringify([...linesOf.values()].flat())}::jsonb)
      as x(sale_id uuid, line_no int, product_id uuid, sku text, name text, category text, supplier_org_id uuid, quantity int, unit_price bigint, discount bigint, amount bigint)`);

  // one event per sale, in this transaction, exactly as the API emits it (loyalty earns once per
  // sale), written for the whole chunk at once
  const payloads = fresh.map((s): SaleRecordedV1 => ({
    version: 1,
    saleId: idByKey.get(s.key)!,
    receiptNumber: s.input.receiptNumber,
    branchId: connection.branchId,
    contactId: contactOf.get(s.key) ?? null,
    occurredAt: new Date(s.input.occurredAt).toISOString(),
    total: s.input.total,
    lines: linesOf.get(s.key)!.map((l) => ({ sku: l.sku, category: l.category, productId: l.product_id, quantity: l.quantity, amount: l.amount })),
    voucherCodes: s.input.voucherCodes ?? [],
  }));
  const t0 = performance.now();
  await runtime.bus.emitMany(tx, posEvents.saleRecorded, payloads);
  const busMs = performance.now() - t0;
  for (const s of fresh) recorded.set(s.key, { id: idByKey.get(s.key)!, kind: "sale", receiptNumber: s.input.receiptNumber, contactId: contactOf.get(s.key) ?? null, total: s.input.total });
  return { recorded, busMs };
}

/** Records one sale (or answers with the first result for a repeated key). */
export async function ingestSale(runtime: Runtime, connection: PosConnection, input: SaleInput, meta: IngestMeta): Promise<IngestResult> {
  const mismatch = totalMismatch(input);
  if (mismatch) return mismatch;
  try {
    return await runtime.db.transaction(async (tx) => {
      // the customer first, so the claim carries it (one write less per sale); on a duplicate the
      // claim fails and the rollback takes a contact created here with it
      const match = customerMatch(input.customer, connection.branchId);
      const contact = match ? await findOrCreateContact(tx, match) : null;
      const contactId = contact?.contactId ?? null;
      const [claimed] = await tx
        .insert(retailPosSales)
        .values({
          connectionId: connection.id,
          branchId: connection.branchId,
          kind: "sale",
          receiptNo: input.receiptNumber,
          idempotencyKey: meta.idempotencyKey,
          requestHash: meta.requestHash,
          contactId,
          occurredAt: new Date(input.occurredAt),
          totalIdr: input.total,
          paymentMethod: input.paymentMethod ?? null,
          source: meta.source ?? "api",
        })
        .onConflictDoNothing()
        .returning({ id: retailPosSales.id });
      if (!claimed) throw new Abort(fail("receipt_already_recorded", 409));

      const skus = [...new Set(input.lines.map((l) => l.sku))];
      const products = await tx
        .select({ id: retailPosProducts.id, sku: retailPosProducts.sku, name: retailPosProducts.name, category: retailPosProducts.category, supplierOrgId: retailPosProducts.supplierOrgId })
        .from(retailPosProducts)
        .where(inArray(retailPosProducts.sku, skus));
      const bySku = new Map(products.map((p) => [p.sku, p]));
      const lines = input.lines.map((l, i) => {
        const product = bySku.get(l.sku);
        const line = lineAsRecorded(l, product);
        return {
          saleId: claimed.id,
          lineNo: i + 1,
          productId: product?.id ?? null,
          sku: l.sku,
          name: line.name,
          category: line.category,
          supplierOrgId: product?.supplierOrgId ?? null,
          quantity: l.quantity,
          unitPriceIdr: l.unitPrice,
          discountIdr: l.discount,
          amountIdr: line.amount,
        };
      });
      await tx.insert(retailPosSaleLines).values(lines);

      const payload: SaleRecordedV1 = {
        version: 1,
        saleId: claimed.id,
        receiptNumber: input.receiptNumber,
        branchId: connection.branchId,
        contactId,
        occurredAt: new Date(input.occurredAt).toISOString(),
        total: input.total,
        lines: lines.map((l) => ({ sku: l.sku, category: l.category, productId: l.productId, quantity: l.quantity, amount: l.amountIdr })),
        voucherCodes: input.voucherCodes ?? [],
      };
      await runtime.bus.emit(tx, posEvents.saleRecorded, payload);
      return { ok: true as const, replayed: false, sale: { id: claimed.id, kind: "sale" as const, receiptNumber: input.receiptNumber, contactId, total: input.total } };
    });
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    if (error.result.code === "receipt_already_recorded") return existing(runtime.db, connection, "sale", input.receiptNumber, meta);
    return error.result;
  }
}

/** Records a refund of (part of) a sale of the same store; refunds never exceed the sale. */
export async function ingestRefund(runtime: Runtime, connection: PosConnection, input: RefundInput, meta: IngestMeta): Promise<IngestResult> {
  try {
    return await runtime.db.transaction(async (tx) => {
      const [original] = await tx
        .select({ id: retailPosSales.id, contactId: retailPosSales.contactId, total: retailPosSales.totalIdr })
        .from(retailPosSales)
        .where(and(eq(retailPosSales.branchId, connection.branchId), eq(retailPosSales.kind, "sale"), eq(retailPosSales.receiptNo, input.originalReceiptNumber)))
        .limit(1);
      if (!original) {
        throw new Abort(fail("original_sale_not_found", 422, { originalReceiptNumber: input.originalReceiptNumber }));
      }
      const [claimed] = await tx
        .insert(retailPosSales)
        .values({
          connectionId: connection.id,
          branchId: connection.branchId,
          kind: "refund",
          receiptNo: input.receiptNumber,
          idempotencyKey: meta.idempotencyKey,
          requestHash: meta.requestHash,
          originalSaleId: original.id,
          contactId: original.contactId,
          occurredAt: new Date(input.occurredAt),
          totalIdr: input.total,
          source: meta.source ?? "api",
        })
        .onConflictDoNothing()
        .returning({ id: retailPosSales.id });
      if (!claimed) throw new Abort(fail("receipt_already_recorded", 409));
      // the row lock of this update serialises concurrent refunds of one sale
      const updated = await tx
        .update(retailPosSales)
        .set({ refundedIdr: sql`${retailPosSales.refundedIdr} + ${input.total}` })
        .where(and(eq(retailPosSales.id, original.id), sql`${retailPosSales.refundedIdr} + ${input.total} <= ${retailPosSales.totalIdr}`))
        .returning({ refunded: retailPosSales.refundedIdr });
      if (updated.length === 0) throw new Abort(fail("refund_exceeds_sale", 422, { saleTotal: original.total }));

      const payload: SaleRefundedV1 = {
        version: 1,
        refundId: claimed.id,
        saleId: original.id,
        receiptNumber: input.receiptNumber,
        originalReceiptNumber: input.originalReceiptNumber,
        branchId: connection.branchId,
        contactId: original.contactId,
        occurredAt: new Date(input.occurredAt).toISOString(),
        refundTotal: input.total,
        saleTotal: original.total,
      };
      await runtime.bus.emit(tx, posEvents.saleRefunded, payload);
      return { ok: true as const, replayed: false, sale: { id: claimed.id, kind: "refund" as const, receiptNumber: input.receiptNumber, contactId: original.contactId, total: input.total } };
    });
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    if (error.result.code === "receipt_already_recorded") return existing(runtime.db, connection, "refund", input.receiptNumber, meta);
    if (error.result.code === "original_sale_not_found") {
      // a retried refund whose key is already recorded is answered as a replay
      const prior = await existing(runtime.db, connection, "refund", input.receiptNumber, meta);
      if (prior.ok || prior.code === "idempotency_key_reused") return prior;
    }
    return error.result;
  }
}
