// retail-pos tables. Money is integer Rupiah (bigint); a sale is counted once per connection and
// idempotency key, and once per connection, kind and receipt number.
import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { branches, contacts, partnerOrganisations, users } from "../../app/plugin-api/schema.ts";

/** A POS till or back-office system of one store, with its own API key and signing secret. */
export const retailPosConnections = pgTable(
  "retail_pos_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id),
    name: text("name").notNull(),
    /** First characters of the key, shown to staff to tell keys apart. */
    keyPrefix: text("key_prefix").notNull(),
    /** SHA-256 (hex) of the API key; the key itself is shown once. */
    keyHash: text("key_hash").notNull().unique(),
    /** The HMAC secret (needed in clear to verify signatures). */
    signingSecret: text("signing_secret").notNull(),
    /** The secret being rotated out, accepted until previousSecretExpiresAt. */
    previousSigningSecret: text("previous_signing_secret"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    active: boolean("active").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("retail_pos_connections_branch_idx").on(t.branchId)],
);

export const retailPosProducts = pgTable(
  "retail_pos_products",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sku: text("sku").notNull().unique(),
    name: text("name").notNull(),
    category: text("category").notNull(),
    priceIdr: bigint("price_idr", { mode: "number" }).notNull(),
    supplierOrgId: uuid("supplier_org_id").references(() => partnerOrganisations.id),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("retail_pos_products_price_nonneg", sql`${t.priceIdr} >= 0`), index("retail_pos_products_supplier_idx").on(t.supplierOrgId)],
);

/** A sale or a refund as the POS reported it. */
export const retailPosSales = pgTable(
  "retail_pos_sales",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => retailPosConnections.id),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id),
    kind: text("kind", { enum: ["sale", "refund"] }).notNull(),
    receiptNo: text("receipt_no").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** SHA-256 of the request body: the same key with another body is refused. */
    requestHash: text("request_hash").notNull(),
    /** For a refund: the sale it refunds. */
    originalSaleId: uuid("original_sale_id"),
    contactId: uuid("contact_id").references(() => contacts.id),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    totalIdr: bigint("total_idr", { mode: "number" }).notNull(),
    /** For a sale: what has been refunded of it so far (never more than the total). */
    refundedIdr: bigint("refunded_idr", { mode: "number" }).notNull().default(0),
    paymentMethod: text("payment_method"),
    source: text("source", { enum: ["api", "batch", "seed"] }).notNull().default("api"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("retail_pos_sales_idempotency_key").on(t.connectionId, t.idempotencyKey),
    unique("retail_pos_sales_receipt_key").on(t.connectionId, t.kind, t.receiptNo),
    check("retail_pos_sales_total_nonneg", sql`${t.totalIdr} >= 0`),
    check("retail_pos_sales_refund_within_total", sql`${t.refundedIdr} >= 0 and ${t.refundedIdr} <= ${t.totalIdr}`),
    check("retail_pos_sales_refund_has_original", sql`${t.kind} = 'sale' or ${t.originalSaleId} is not null`),
    index("retail_pos_sales_contact_idx").on(t.contactId, t.occurredAt.desc()),
    index("retail_pos_sales_branch_day_idx").on(t.branchId, t.occurredAt),
    // the KPI rollups refresh the touched days (ADR 021)
    index("retail_pos_sales_occurred_idx").on(t.occurredAt),
    index("retail_pos_sales_original_idx").on(t.originalSaleId),
    // the staff global search finds a receipt by its number alone, whatever till printed it
    index("retail_pos_sales_receipt_no_idx").on(t.receiptNo),
  ],
);

export const retailPosSaleLines = pgTable(
  "retail_pos_sale_lines",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    saleId: uuid("sale_id")
      .notNull()
      .references(() => retailPosSales.id, { onDelete: "cascade" }),
    lineNo: integer("line_no").notNull(),
    productId: uuid("product_id").references(() => retailPosProducts.id),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    category: text("category").notNull(),
    supplierOrgId: uuid("supplier_org_id"),
    quantity: integer("quantity").notNull(),
    unitPriceIdr: bigint("unit_price_idr", { mode: "number" }).notNull(),
    discountIdr: bigint("discount_idr", { mode: "number" }).notNull().default(0),
    amountIdr: bigint("amount_idr", { mode: "number" }).notNull(),
  },
  (t) => [
    unique("retail_pos_sale_lines_line_key").on(t.saleId, t.lineNo),
    check("retail_pos_sale_lines_amount", sql`${t.amountIdr} = ${t.quantity} * ${t.unitPriceIdr} - ${t.discountIdr} and ${t.amountIdr} >= 0`),
    index("retail_pos_sale_lines_product_idx").on(t.productId),
    index("retail_pos_sale_lines_supplier_idx").on(t.supplierOrgId, t.productId),
  ],
);

/** A batch import of exported sales (CSV or JSON), processed by a job. */
export const retailPosImports = pgTable("retail_pos_imports", {
  id: uuid("id").primaryKey().defaultRandom(),
  connectionId: uuid("connection_id")
    .notNull()
    .references(() => retailPosConnections.id),
  fileName: text("file_name").notNull(),
  status: text("status", { enum: ["queued", "running", "done", "failed"] }).notNull().default("queued"),
  rows: jsonb("rows").$type<unknown[]>().notNull(),
  totalRows: integer("total_rows").notNull(),
  processedRows: integer("processed_rows").notNull().default(0),
  recordedRows: integer("recorded_rows").notNull().default(0),
  duplicateRows: integer("duplicate_rows").notNull().default(0),
  errors: jsonb("errors").$type<{ row: number; code: string; message?: string }[]>().notNull().default(sql`'[]'::jsonb`),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

/**
 * The staged receipts of an import, one row each, streamed in at upload and read chunk by chunk by
 * the job (so neither side holds a whole file in memory); deleted when the import is done.
 */
export const retailPosImportRows = pgTable(
  "retail_pos_import_rows",
  {
    importId: uuid("import_id")
      .notNull()
      .references(() => retailPosImports.id, { onDelete: "cascade" }),
    /** 1-based position among the import's receipts: the job resumes after processed_rows. */
    seq: integer("seq").notNull(),
    /** Line in the CSV (first line of the receipt) or position in the JSON array, 1-based. */
    row: integer("row").notNull(),
    sale: jsonb("sale").notNull(),
    /** CSV only: the receipt's type and number, to join its lines when they are apart in the file. */
    receiptKey: text("receipt_key"),
    /** CSV only: the total came from the receipt's `total` cell (kept when parts are joined). */
    totalGiven: boolean("total_given"),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);
