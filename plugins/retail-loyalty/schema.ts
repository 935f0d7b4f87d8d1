// retail-loyalty tables. The ledger is append-only and the source of truth; the member row keeps
// the running balance under a row lock and a CHECK, so the balance can never go below zero.
import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, check, date, index, integer, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { contacts, users } from "../../app/plugin-api/schema.ts";

export const retailLoyaltyPrograms = pgTable("retail_loyalty_programs", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  /** Rupiah of spend per point (10000 = 1 point per Rp 10.000). */
  idrPerPoint: bigint("idr_per_point", { mode: "number" }).notNull(),
  /** Category -> multiplier in percent (200 = double points). */
  categoryMultipliers: jsonb("category_multipliers").$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
  /** SKU -> multiplier in percent; a product's multiplier wins over its category's. */
  productMultipliers: jsonb("product_multipliers").$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
  expiryMonths: integer("expiry_months").notNull().default(12),
  /** Liability value of one point in Rupiah (PSAK 72). */
  pointValueIdr: bigint("point_value_idr", { mode: "number" }).notNull().default(100),
  active: boolean("active").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const campaignScopes = ["all", "categories", "skus", "tiers"] as const;

/**
 * Bonus campaigns: a multiplier or a fixed number of points, in a date range (inclusive, read in
 * the time zone of the store where the sale happened), for everything or only some categories,
 * SKUs or tiers. Overlaps: the highest multiplier applies per line, fixed bonuses add up.
 */
export const retailLoyaltyCampaigns = pgTable(
  "retail_loyalty_campaigns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    programId: uuid("program_id")
      .notNull()
      .references(() => retailLoyaltyPrograms.id),
    name: jsonb("name").$type<{ id: string; en: string }>().notNull(),
    description: jsonb("description").$type<{ id: string; en: string }>().notNull().default(sql`'{"id":"","en":""}'::jsonb`),
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }).notNull(),
    multiplierPct: integer("multiplier_pct"),
    bonusPoints: integer("bonus_points"),
    scope: text("scope", { enum: campaignScopes }).notNull().default("all"),
    /** Category names, SKUs or tier codes, by scope (empty for "all"). */
    scopeValues: jsonb("scope_values").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("retail_loyalty_campaigns_dates", sql`${t.endsOn} >= ${t.startsOn}`),
    check("retail_loyalty_campaigns_reward", sql`(${t.multiplierPct} is null) <> (${t.bonusPoints} is null) and coalesce(${t.multiplierPct}, 1) > 0 and coalesce(${t.bonusPoints}, 1) > 0`),
    index("retail_loyalty_campaigns_program_idx").on(t.programId, t.startsOn),
  ],
);

export const retailLoyaltyTiers = pgTable(
  "retail_loyalty_tiers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    programId: uuid("program_id")
      .notNull()
      .references(() => retailLoyaltyPrograms.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    /** Rolling 12-month spend needed. */
    minSpendIdr: bigint("min_spend_idr", { mode: "number" }).notNull(),
    earnMultiplierPct: integer("earn_multiplier_pct").notNull().default(100),
    benefits: jsonb("benefits").$type<{ id: string; en: string }>().notNull(),
  },
  (t) => [unique("retail_loyalty_tiers_code_key").on(t.programId, t.code)],
);

export const retailLoyaltyMembers = pgTable(
  "retail_loyalty_members",
  {
    contactId: uuid("contact_id")
      .primaryKey()
      .references(() => contacts.id),
    programId: uuid("program_id")
      .notNull()
      .references(() => retailLoyaltyPrograms.id),
    memberNo: text("member_no").notNull().unique(),
    balance: bigint("balance", { mode: "number" }).notNull().default(0),
    enrolledAt: timestamp("enrolled_at", { withTimezone: true }).notNull().defaultNow(),
    enrolledBy: uuid("enrolled_by").references(() => users.id, { onDelete: "set null" }),
    lastPurchaseAt: timestamp("last_purchase_at", { withTimezone: true }),
  },
  (t) => [check("retail_loyalty_members_balance_nonneg", sql`${t.balance} >= 0`)],
);

/** transfer_out / transfer_in: a merged duplicate's balance moved to the contact that is kept. */
export const loyaltyEntryKinds = ["earn", "redeem", "expire", "adjust", "reversal", "transfer_out", "transfer_in"] as const;

/** What produced an entry: for an earn, which rule and campaign gave which points. */
export type LedgerMetadata = Record<string, unknown>;

/** Append-only: every change of a balance, traceable to its sale, refund, voucher or staff action. */
export const retailLoyaltyLedger = pgTable(
  "retail_loyalty_ledger",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    kind: text("kind", { enum: loyaltyEntryKinds }).notNull(),
    points: bigint("points", { mode: "number" }).notNull(),
    balanceAfter: bigint("balance_after", { mode: "number" }).notNull(),
    /** Spend this entry counts towards the tier (sale total, minus on refund). */
    spendIdr: bigint("spend_idr", { mode: "number" }).notNull().default(0),
    saleId: uuid("sale_id"),
    refundId: uuid("refund_id"),
    voucherId: uuid("voucher_id"),
    lotId: bigint("lot_id", { mode: "number" }),
    staffUserId: uuid("staff_user_id").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason"),
    metadata: jsonb("metadata").$type<LedgerMetadata>(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("retail_loyalty_ledger_balance_nonneg", sql`${t.balanceAfter} >= 0`),
    check(
      "retail_loyalty_ledger_sign",
      sql`(${t.kind} in ('earn','transfer_in') and ${t.points} >= 0) or (${t.kind} in ('redeem','expire','reversal','transfer_out') and ${t.points} <= 0) or ${t.kind} = 'adjust'`,
    ),
    check("retail_loyalty_ledger_adjust_reason", sql`${t.kind} <> 'adjust' or (${t.reason} is not null and ${t.staffUserId} is not null)`),
    uniqueIndex("retail_loyalty_ledger_earn_sale_key").on(t.saleId).where(sql`${t.kind} = 'earn'`),
    uniqueIndex("retail_loyalty_ledger_reversal_refund_key").on(t.refundId).where(sql`${t.kind} = 'reversal'`),
    index("retail_loyalty_ledger_contact_idx").on(t.contactId, t.id.desc()),
    index("retail_loyalty_ledger_spend_idx").on(t.contactId, t.occurredAt),
    index("retail_loyalty_ledger_occurred_idx").on(t.occurredAt),
    // a merged duplicate's entries are found through the kept member's transfer_in entries
    index("retail_loyalty_ledger_transfer_in_idx").on(t.contactId).where(sql`${t.kind} = 'transfer_in'`),
  ],
);

/** Points earned together, consumed FIFO by redemptions and expiry. */
export const retailLoyaltyLots = pgTable(
  "retail_loyalty_lots",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    points: bigint("points", { mode: "number" }).notNull(),
    remaining: bigint("remaining", { mode: "number" }).notNull(),
    valueIdr: bigint("value_idr", { mode: "number" }).notNull(),
    saleId: uuid("sale_id"),
    earnedAt: timestamp("earned_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    check("retail_loyalty_lots_remaining", sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.points}`),
    index("retail_loyalty_lots_fifo_idx").on(t.contactId, t.expiresAt, t.id).where(sql`${t.remaining} > 0`),
    index("retail_loyalty_lots_sale_idx").on(t.saleId),
  ],
);

export const retailLoyaltyRewards = pgTable("retail_loyalty_rewards", {
  id: uuid("id").primaryKey().defaultRandom(),
  code: text("code").notNull().unique(),
  name: jsonb("name").$type<{ id: string; en: string }>().notNull(),
  pointsCost: bigint("points_cost", { mode: "number" }).notNull(),
  valueIdr: bigint("value_idr", { mode: "number" }).notNull(),
  validDays: integer("valid_days").notNull().default(30),
  active: boolean("active").notNull().default(true),
});

export const retailLoyaltyVouchers = pgTable(
  "retail_loyalty_vouchers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    code: text("code").notNull().unique(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    rewardId: uuid("reward_id")
      .notNull()
      .references(() => retailLoyaltyRewards.id),
    pointsCost: bigint("points_cost", { mode: "number" }).notNull(),
    valueIdr: bigint("value_idr", { mode: "number" }).notNull(),
    status: text("status", { enum: ["issued", "used", "cancelled"] }).notNull().default("issued"),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    usedBy: uuid("used_by").references(() => users.id, { onDelete: "set null" }),
    usedReceiptNo: text("used_receipt_no"),
  },
  (t) => [
    check("retail_loyalty_vouchers_used", sql`${t.status} <> 'used' or ${t.usedAt} is not null`),
    index("retail_loyalty_vouchers_contact_idx").on(t.contactId, t.issuedAt.desc()),
  ],
);
