import { bigint, date, doublePrecision, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Daily rollups of the additive KPIs (ADR 021): one row per KPI × dimension × local day × branch ×
 * dimension value, holding the KPI's own numerator and denominator for that day. `dimension` '' is
 * the total (key ''); the branch split is the total's `branch_key`. Aggregates only: no personal data.
 */
export const kpiRollupDays = pgTable(
  "kpi_rollup_days",
  {
    kpiId: text("kpi_id").notNull(),
    dimension: text("dimension").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    /** The branch id as text, '-' for records without a branch. */
    branchKey: text("branch_key").notNull(),
    key: text("key").notNull(),
    label: text("label"),
    numerator: doublePrecision("numerator").notNull(),
    denominator: doublePrecision("denominator"),
  },
  (t) => [primaryKey({ columns: [t.kpiId, t.dimension, t.day, t.branchKey, t.key] })],
);

/** The present-state KPIs (backlog, liability …) per branch, as of the last refresh. */
export const kpiRollupSnapshots = pgTable(
  "kpi_rollup_snapshots",
  {
    kpiId: text("kpi_id").notNull(),
    branchKey: text("branch_key").notNull(),
    numerator: doublePrecision("numerator").notNull(),
    denominator: doublePrecision("denominator"),
  },
  (t) => [primaryKey({ columns: [t.kpiId, t.branchKey] })],
);

/**
 * Local days whose rollups must be recomputed, written by the statement triggers on the KPIs' source
 * tables (one row per day and writing transaction, so writers never wait on each other);
 * '-infinity' asks for a full rebuild.
 */
export const kpiRollupDirty = pgTable(
  "kpi_rollup_dirty",
  {
    day: date("day", { mode: "string" }).notNull(),
    xact: bigint("xact", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.xact] })],
);

/** One row: when the rollups were last brought up to date (null: never built, dashboards read live SQL). */
export const kpiRollupState = pgTable("kpi_rollup_state", {
  id: integer("id").primaryKey().default(1),
  asOf: timestamp("as_of", { withTimezone: true }),
  /** Source tables and columns the triggers were installed for (to reinstall when KPIs change). */
  triggers: text("triggers"),
});

/**
 * Distinct counts (ADR 028: active contacts, members who bought): per KPI × dimension × scope × local
 * day × dimension value × previous active day, what the day's records add to the numerator and the
 * denominator, as running sums over `prev_day` ('-infinity' for none). An entity counts in [from, to]
 * on its first day there (its previous day is before `from`), so a range's figure is, per day, the
 * running sum at the last `prev_day` before `from`. `scope` '*' takes the previous day over every
 * branch (the figure for all branches), a branch id ('-' none) within that branch.
 */
export const kpiRollupDistinct = pgTable(
  "kpi_rollup_distinct",
  {
    kpiId: text("kpi_id").notNull(),
    dimension: text("dimension").notNull(),
    scope: text("scope").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    key: text("key").notNull(),
    prevDay: date("prev_day", { mode: "string" }).notNull(),
    label: text("label"),
    numerator: doublePrecision("numerator").notNull(),
    denominator: doublePrecision("denominator"),
  },
  (t) => [primaryKey({ columns: [t.kpiId, t.dimension, t.scope, t.day, t.key, t.prevDay] })],
);
