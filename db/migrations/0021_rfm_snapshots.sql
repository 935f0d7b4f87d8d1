CREATE TABLE "rfm_snapshot_runs" (
	"snapshot_date" date PRIMARY KEY NOT NULL,
	"window_days" integer NOT NULL,
	"trigger" text NOT NULL,
	"time_zone" text NOT NULL,
	"measure" text NOT NULL,
	"customers" integer NOT NULL,
	"model_problem" text,
	"model" jsonb,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rfm_snapshots" (
	"snapshot_date" date NOT NULL,
	"contact_id" uuid NOT NULL,
	"recency_days" integer NOT NULL,
	"frequency" integer NOT NULL,
	"monetary" double precision,
	"r" smallint NOT NULL,
	"f" smallint NOT NULL,
	"m" smallint,
	"segment" text NOT NULL,
	"p_alive" double precision,
	"p_alive_low" double precision,
	"p_alive_high" double precision,
	"expected_30" double precision,
	"expected_30_low" double precision,
	"expected_30_high" double precision,
	"expected_90" double precision,
	"expected_90_low" double precision,
	"expected_90_high" double precision,
	"expected_365" double precision,
	"expected_365_low" double precision,
	"expected_365_high" double precision,
	"expected_spend" double precision,
	"expected_spend_low" double precision,
	"expected_spend_high" double precision,
	"clv" double precision,
	"clv_low" double precision,
	"clv_high" double precision,
	CONSTRAINT "rfm_snapshots_snapshot_date_contact_id_pk" PRIMARY KEY("snapshot_date","contact_id")
);
--> statement-breakpoint
ALTER TABLE "rfm_snapshots" ADD CONSTRAINT "rfm_snapshots_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rfm_snapshots_contact_idx" ON "rfm_snapshots" USING btree ("contact_id","snapshot_date");