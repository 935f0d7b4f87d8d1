CREATE TABLE "kpi_rollup_days" (
	"kpi_id" text NOT NULL,
	"dimension" text NOT NULL,
	"day" date NOT NULL,
	"branch_key" text NOT NULL,
	"key" text NOT NULL,
	"label" text,
	"numerator" double precision NOT NULL,
	"denominator" double precision,
	CONSTRAINT "kpi_rollup_days_kpi_id_dimension_day_branch_key_key_pk" PRIMARY KEY("kpi_id","dimension","day","branch_key","key")
);
--> statement-breakpoint
CREATE TABLE "kpi_rollup_dirty" (
	"day" date NOT NULL,
	"xact" bigint NOT NULL,
	CONSTRAINT "kpi_rollup_dirty_day_xact_pk" PRIMARY KEY("day","xact")
);
--> statement-breakpoint
CREATE TABLE "kpi_rollup_snapshots" (
	"kpi_id" text NOT NULL,
	"branch_key" text NOT NULL,
	"numerator" double precision NOT NULL,
	"denominator" double precision,
	CONSTRAINT "kpi_rollup_snapshots_kpi_id_branch_key_pk" PRIMARY KEY("kpi_id","branch_key")
);
--> statement-breakpoint
CREATE TABLE "kpi_rollup_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"as_of" timestamp with time zone,
	"triggers" text
);
--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "hospital_appointments_day_idx" ON "hospital_appointments_appointments" USING btree ("local_date");--> statement-breakpoint
CREATE INDEX "retail_loyalty_ledger_occurred_idx" ON "retail_loyalty_ledger" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "retail_pos_sales_occurred_idx" ON "retail_pos_sales" USING btree ("occurred_at");--> statement-breakpoint
INSERT INTO "kpi_rollup_state" ("id") VALUES (1);
--> statement-breakpoint
-- Marks the local days a statement on a KPI source table touched (ADR 023). The trigger's arguments
-- are the columns that decide a record's day; one prefixed with '*' (e.g. a contact's branch) asks
-- for a full rebuild when an UPDATE changes it. A timestamp's day is taken in WIB and in WIT: every
-- branch's zone lies between them. One row per day and transaction: writers never wait on each other.
CREATE OR REPLACE FUNCTION kpi_rollup_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text;
  rel text;
  is_date boolean;
BEGIN
  FOREACH col IN ARRAY TG_ARGV LOOP
    IF left(col, 1) = '*' THEN
      IF TG_OP = 'UPDATE' THEN
        EXECUTE format('INSERT INTO kpi_rollup_dirty (day, xact) SELECT ''-infinity''::date, txid_current()
          WHERE EXISTS (SELECT id, %1$I FROM kpi_new EXCEPT SELECT id, %1$I FROM kpi_old) ON CONFLICT DO NOTHING', substr(col, 2));
      END IF;
      CONTINUE;
    END IF;
    SELECT a.atttypid = 'date'::regtype INTO is_date FROM pg_attribute a WHERE a.attrelid = TG_RELID AND a.attname = col;
    FOREACH rel IN ARRAY (CASE TG_OP WHEN 'INSERT' THEN ARRAY['kpi_new'] WHEN 'DELETE' THEN ARRAY['kpi_old'] ELSE ARRAY['kpi_new', 'kpi_old'] END) LOOP
      IF is_date THEN
        EXECUTE format('INSERT INTO kpi_rollup_dirty (day, xact) SELECT DISTINCT %1$I, txid_current() FROM %2$I WHERE %1$I IS NOT NULL
          ON CONFLICT DO NOTHING', col, rel);
      ELSE
        EXECUTE format('INSERT INTO kpi_rollup_dirty (day, xact) SELECT DISTINCT v.d, txid_current() FROM %2$I,
          LATERAL (VALUES ((%1$I AT TIME ZONE ''Asia/Jakarta'')::date), ((%1$I AT TIME ZONE ''Asia/Jayapura'')::date)) v(d)
          WHERE %1$I IS NOT NULL ON CONFLICT DO NOTHING', col, rel);
      END IF;
    END LOOP;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "interactions_occurred_idx" ON "interactions" ("occurred_at") INCLUDE ("contact_id", "branch_id", "channel");
