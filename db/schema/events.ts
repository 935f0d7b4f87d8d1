import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

// The event log (transactional outbox, ADR 012): an event is written in the same transaction as the
// change it announces. Each subscriber (a plugin's handlers, or a core handler) reads the log in
// order through its own cursor, and records its new position in the transaction that applies a batch.
export const domainEvents = pgTable(
  "domain_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    name: text("name").notNull(),
    /** The version of the event's definition the payload was written by. */
    version: integer("version").notNull().default(1),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * The writing transaction's id. Readers order by (tx_id, id) and read only below the oldest
     * transaction still running, so an event committed late never slips behind a cursor.
     */
    txId: bigint("tx_id", { mode: "number" })
      .notNull()
      .default(sql`(pg_current_xact_id()::text)::bigint`),
  },
  (t) => [index("domain_events_occurred_idx").on(t.occurredAt), index("domain_events_log_idx").on(t.txId, t.id)],
);

/** A subscriber's position in the log and its current trouble, if any. */
export const eventCursors = pgTable("event_cursors", {
  /** The plugin id, or a core handler's id. */
  subscriber: text("subscriber").primaryKey(),
  /** The event names it reads (for lag queries without the code). */
  events: text("events").array().notNull(),
  /** Position: the last applied (or skipped) event, as (tx_id, event id). */
  txId: bigint("tx_id", { mode: "number" }).notNull().default(0),
  eventId: bigint("event_id", { mode: "number" }).notNull().default(0),
  /** Events applied (or skipped while disabled) since the cursor was made. */
  applied: bigint("applied", { mode: "number" }).notNull().default(0),
  /** Consecutive failures of the event at failing_event_id; parked at the limit. */
  failures: integer("failures").notNull().default(0),
  failingEventId: bigint("failing_event_id", { mode: "number" }),
  lastError: text("last_error"),
  /** Not read again before this (backoff after a failure). */
  retryAt: timestamp("retry_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Events a subscriber gave up on after repeated failures; shown to admins and retryable. */
export const eventParked = pgTable(
  "event_parked",
  {
    subscriber: text("subscriber").notNull(),
    eventId: bigint("event_id", { mode: "number" })
      .notNull()
      .references(() => domainEvents.id, { onDelete: "cascade" }),
    error: text("error").notNull(),
    attempts: integer("attempts").notNull(),
    parkedAt: timestamp("parked_at", { withTimezone: true }).notNull().defaultNow(),
    lastTriedAt: timestamp("last_tried_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.subscriber, t.eventId] })],
);

/** Deliveries recorded by the per-event delivery of before ADR 012; no longer written. Kept so an upgrade loses nothing; to be dropped later. */
export const eventDeliveries = pgTable(
  "event_deliveries",
  {
    eventId: bigint("event_id", { mode: "number" })
      .notNull()
      .references(() => domainEvents.id, { onDelete: "cascade" }),
    handler: text("handler").notNull(),
    status: text("status", { enum: ["delivered", "skipped"] }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.handler] })],
);
