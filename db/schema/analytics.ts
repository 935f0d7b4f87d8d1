import { date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts.ts";

export const rfmSegmentKeys = ["champions", "loyal", "potentialLoyalist", "new", "promising", "needAttention", "aboutToSleep", "atRisk", "cannotLose", "lost"] as const;
export type RfmSegmentKey = (typeof rfmSegmentKeys)[number];

/**
 * Customer scores as of one local calendar day (UU PDP: profiling — objectors are never scored and
 * their rows are deleted when they object). RFM over the run's window, and the lifetime models'
 * estimates with 90 % intervals where the fit succeeded (null otherwise, or without amounts).
 */
export const rfmSnapshots = pgTable(
  "rfm_snapshots",
  {
    snapshotDate: date("snapshot_date").notNull(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    recencyDays: integer("recency_days").notNull(),
    frequency: integer("frequency").notNull(),
    /** Rupiah spent in the window; null when the transactions carry no amount (hospital visits). */
    monetary: doublePrecision("monetary"),
    r: smallint("r").notNull(),
    f: smallint("f").notNull(),
    m: smallint("m"),
    segment: text("segment", { enum: rfmSegmentKeys }).notNull(),
    pAlive: doublePrecision("p_alive"),
    pAliveLow: doublePrecision("p_alive_low"),
    pAliveHigh: doublePrecision("p_alive_high"),
    expected30: doublePrecision("expected_30"),
    expected30Low: doublePrecision("expected_30_low"),
    expected30High: doublePrecision("expected_30_high"),
    expected90: doublePrecision("expected_90"),
    expected90Low: doublePrecision("expected_90_low"),
    expected90High: doublePrecision("expected_90_high"),
    expected365: doublePrecision("expected_365"),
    expected365Low: doublePrecision("expected_365_low"),
    expected365High: doublePrecision("expected_365_high"),
    expectedSpend: doublePrecision("expected_spend"),
    expectedSpendLow: doublePrecision("expected_spend_low"),
    expectedSpendHigh: doublePrecision("expected_spend_high"),
    clv: doublePrecision("clv"),
    clvLow: doublePrecision("clv_low"),
    clvHigh: doublePrecision("clv_high"),
  },
  (t) => [primaryKey({ columns: [t.snapshotDate, t.contactId] }), index("rfm_snapshots_contact_idx").on(t.contactId, t.snapshotDate)],
);

export const rfmRunTriggers = ["nightly", "admin"] as const;
/** Why the lifetime models gave no scores in a run (RFM is still there). */
export const rfmModelProblems = ["noTransactions", "oneCustomer", "noRepeat", "notConverged"] as const;
export type RfmModelProblem = (typeof rfmModelProblems)[number];

/** One computed snapshot: its window, how it was asked for, and what the models made of it. No personal data. */
export const rfmSnapshotRuns = pgTable("rfm_snapshot_runs", {
    snapshotDate: date("snapshot_date").primaryKey(),
    windowDays: integer("window_days").notNull(),
    trigger: text("trigger", { enum: rfmRunTriggers }).notNull(),
    timeZone: text("time_zone").notNull(),
    /** "purchase" when amounts were scored, "visit" for frequency only, "none" without transactions. */
    measure: text("measure", { enum: ["purchase", "visit", "none"] }).notNull(),
    customers: integer("customers").notNull(),
    modelProblem: text("model_problem", { enum: rfmModelProblems }),
    /** Fitted parameters, standard errors, log-likelihood and data size (as the command's params.json). */
    model: jsonb("model").$type<Record<string, unknown>>(),
  computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
});

export const modelCheckStatuses = ["queued", "running", "done", "failed"] as const;

/**
 * Runs of the model check (BG/NBD + Gamma-Gamma fitted on a calibration period, compared with a
 * holdout). Aggregates only: no contact appears in `result`; who asked is in the audit log.
 */
export const analyticsModelChecks = pgTable(
  "analytics_model_checks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    status: text("status", { enum: modelCheckStatuses }).notNull().default("queued"),
    calibrationEnd: date("calibration_end").notNull(),
    holdoutEnd: date("holdout_end").notNull(),
    /** The zone the transactions were dated in (the asker's branch). */
    timeZone: text("time_zone", { enum: ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] }).notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** A ModelCheckResult (app/core/analytics/model-check.ts) when done. */
    result: jsonb("result"),
    /** A ModelCheckProblem code when failed (translated on the page). */
    problem: text("problem"),
  },
  (t) => [index("analytics_model_checks_requested_idx").on(t.requestedAt)],
);
