// Recording sales and refunds sent by a POS, exactly once. The idempotency key is claimed first
// (a unique row), so a retry or a concurrent duplicate finds the first request's result; the sale,
// its lines, the contact link and the event are written in that one transaction or not at all.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database, PluginServices } from "../../app/plugin-api/index.ts";
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

/** What a claimed key already holds: a replay when the body matches, 409 otherwise. */
async function existing(db: Database, connection: PosConnection, kind: "sale" | "refund", receiptNumber: string, meta: IngestMeta): Promise<IngestResult> {
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

/** Records one sale (or answers with the first result for a repeated key). */
export async function ingestSale(runtime: Runtime, connection: PosConnection, input: SaleInput, meta: IngestMeta): Promise<IngestResult> {
  const computed = input.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice - l.discount, 0);
  if (computed !== input.total) return fail("total_mismatch", 422, { expected: computed, received: input.total });
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
        return {
          saleId: claimed.id,
          lineNo: i + 1,
          productId: product?.id ?? null,
          sku: l.sku,
          name: product?.name ?? l.name ?? l.sku,
          category: product?.category ?? l.category ?? "lainnya",
          supplierOrgId: product?.supplierOrgId ?? null,
          quantity: l.quantity,
          unitPriceIdr: l.unitPrice,
          discountIdr: l.discount,
          amountIdr: l.quantity * l.unitPrice - l.discount,
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
