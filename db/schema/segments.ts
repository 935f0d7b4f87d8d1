import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";
import { messages } from "./messages.ts";
import { users } from "./users.ts";

export const segmentMatches = ["all", "any"] as const;

/** One saved condition: a field key (`core.age`, `retail-loyalty.tier`), an operator and its values as entered. */
export interface SegmentRuleData {
  field: string;
  op: string;
  values: string[];
}

/** A saved, named set of rules over contacts; members are always computed live in SQL. */
export const segments = pgTable(
  "segments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    description: text("description"),
    match: text("match", { enum: segmentMatches }).notNull().default("all"),
    rules: jsonb("rules").$type<SegmentRuleData[]>().notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("segments_name_key").on(sql`lower(${t.name})`)],
);

export const campaignStatuses = ["sending", "done"] as const;
export const campaignRecipientStatuses = ["pending", "queued", "skipped"] as const;

/** A marketing message sent to a segment's members as they were when it started; sent by jobs in batches. */
export const segmentCampaigns = pgTable(
  "segment_campaigns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    segmentId: uuid("segment_id").references(() => segments.id, { onDelete: "set null" }),
    /** The segment's name when the campaign started (the segment may be renamed or deleted later). */
    segmentName: text("segment_name").notNull(),
    title: text("title").notNull(),
    message: text("message").notNull(),
    status: text("status", { enum: campaignStatuses }).notNull().default("sending"),
    recipients: integer("recipients").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("segment_campaigns_segment_idx").on(t.segmentId, t.createdAt.desc())],
);

/** One row per member: pending until a batch job offers them the message through sendToContact. */
export const segmentCampaignRecipients = pgTable(
  "segment_campaign_recipients",
  {
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => segmentCampaigns.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    status: text("status", { enum: campaignRecipientStatuses }).notNull().default("pending"),
    skipReason: text("skip_reason"),
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "set null" }),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.contactId] }), index("segment_campaign_recipients_status_idx").on(t.campaignId, t.status)],
);
