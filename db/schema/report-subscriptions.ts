import { sql } from "drizzle-orm";
import { boolean, check, doublePrecision, index, integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { branches } from "./branches.ts";
import { users } from "./users.ts";

export const reportTargetKinds = ["dashboard", "kpi"] as const;
export const reportFrequencies = ["daily", "weekly", "monthly"] as const;
export const reportModes = ["digest", "alert"] as const;
export const alertDirections = ["above", "below"] as const;
export const alertStates = ["clear", "firing"] as const;
export const reportDeliveryStatuses = ["queued", "sent", "failed"] as const;

/**
 * A scheduled report: a dashboard or one KPI e-mailed to roles and addresses daily, weekly or monthly
 * at a local time in the branch's zone; or, in alert mode, only when a KPI crosses a threshold.
 */
export const reportSubscriptions = pgTable(
  "report_subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    targetKind: text("target_kind", { enum: reportTargetKinds }).notNull(),
    /** A dashboard id (`management`) or a KPI id (`core.tickets.withinSla`). */
    targetId: text("target_id").notNull(),
    /** The branch whose numbers are sent and whose zone the time is read in; null = every branch the recipient may see (zone: time_zone). */
    branchId: uuid("branch_id").references(() => branches.id, { onDelete: "cascade" }),
    timeZone: text("time_zone", { enum: ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] }).notNull(),
    frequency: text("frequency", { enum: reportFrequencies }).notNull(),
    /** ISO weekday 1 (Monday) – 7 for weekly reports. */
    weekday: smallint("weekday"),
    /** 1–28 for monthly reports (every month has it). */
    monthDay: smallint("month_day"),
    /** HH:MM on the zone's wall clock. */
    localTime: text("local_time").notNull(),
    mode: text("mode", { enum: reportModes }).notNull().default("digest"),
    alertDirection: text("alert_direction", { enum: alertDirections }),
    alertThreshold: doublePrecision("alert_threshold"),
    /** How far back past the threshold the value must come before the alert may fire again. */
    alertHysteresis: doublePrecision("alert_hysteresis").notNull().default(0),
    alertState: text("alert_state", { enum: alertStates }).notNull().default("clear"),
    lastValue: doublePrecision("last_value"),
    recipientRoles: text("recipient_roles").array().notNull().default(sql`'{}'::text[]`),
    recipientEmails: text("recipient_emails").array().notNull().default(sql`'{}'::text[]`),
    /** The language of e-mails to addresses that are not users (users get their own). */
    emailLanguage: text("email_language", { enum: ["id", "en"] }).notNull().default("id"),
    paused: boolean("paused").notNull().default(false),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull(),
    lastRunAt: timestamp("last_run_at", { withTimezone: true }),
    /** Addresses that are not users see the numbers this user may see. */
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("report_subscriptions_due_idx").on(t.nextRunAt).where(sql`not ${t.paused}`),
    check("report_subscriptions_weekday", sql`${t.weekday} is null or ${t.weekday} between 1 and 7`),
    check("report_subscriptions_month_day", sql`${t.monthDay} is null or ${t.monthDay} between 1 and 28`),
    check("report_subscriptions_alert", sql`${t.mode} = 'digest' or (${t.alertDirection} is not null and ${t.alertThreshold} is not null)`),
  ],
);

/** The delivery log: one row per recipient and run, retried by the job queue until sent or failed. */
export const reportDeliveries = pgTable(
  "report_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    subscriptionId: uuid("subscription_id")
      .notNull()
      .references(() => reportSubscriptions.id, { onDelete: "cascade" }),
    /** The run it belongs to: its scheduled instant, so a run repeated by two processes sends once. */
    runAt: timestamp("run_at", { withTimezone: true }).notNull(),
    /** The period reported on (local dates). */
    periodFrom: text("period_from").notNull(),
    periodTo: text("period_to").notNull(),
    recipient: text("recipient").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    language: text("language", { enum: ["id", "en"] }).notNull(),
    /** The KPI's value that fired an alert. */
    alertValue: doublePrecision("alert_value"),
    status: text("status", { enum: reportDeliveryStatuses }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("report_deliveries_once_key").on(t.subscriptionId, t.runAt, t.recipient),
    index("report_deliveries_subscription_idx").on(t.subscriptionId, t.createdAt.desc()),
  ],
);
