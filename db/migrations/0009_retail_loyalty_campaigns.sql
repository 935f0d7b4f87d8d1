CREATE TABLE "retail_loyalty_campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program_id" uuid NOT NULL,
	"name" jsonb NOT NULL,
	"description" jsonb DEFAULT '{"id":"","en":""}'::jsonb NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"multiplier_pct" integer,
	"bonus_points" integer,
	"scope" text DEFAULT 'all' NOT NULL,
	"scope_values" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retail_loyalty_campaigns_dates" CHECK ("retail_loyalty_campaigns"."ends_on" >= "retail_loyalty_campaigns"."starts_on"),
	CONSTRAINT "retail_loyalty_campaigns_reward" CHECK (("retail_loyalty_campaigns"."multiplier_pct" is null) <> ("retail_loyalty_campaigns"."bonus_points" is null) and coalesce("retail_loyalty_campaigns"."multiplier_pct", 1) > 0 and coalesce("retail_loyalty_campaigns"."bonus_points", 1) > 0)
);
--> statement-breakpoint
ALTER TABLE "retail_loyalty_ledger" DROP CONSTRAINT "retail_loyalty_ledger_sign";--> statement-breakpoint
ALTER TABLE "retail_loyalty_ledger" ADD COLUMN "metadata" jsonb;--> statement-breakpoint
ALTER TABLE "retail_loyalty_programs" ADD COLUMN "product_multipliers" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "retail_loyalty_campaigns" ADD CONSTRAINT "retail_loyalty_campaigns_program_id_retail_loyalty_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."retail_loyalty_programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "retail_loyalty_campaigns_program_idx" ON "retail_loyalty_campaigns" USING btree ("program_id","starts_on");--> statement-breakpoint
ALTER TABLE "retail_loyalty_ledger" ADD CONSTRAINT "retail_loyalty_ledger_sign" CHECK (("retail_loyalty_ledger"."kind" in ('earn','transfer_in') and "retail_loyalty_ledger"."points" >= 0) or ("retail_loyalty_ledger"."kind" in ('redeem','expire','reversal','transfer_out') and "retail_loyalty_ledger"."points" <= 0) or "retail_loyalty_ledger"."kind" = 'adjust');--> statement-breakpoint
-- the single bonus window becomes a campaign (dates read in WIB, the end made inclusive)
INSERT INTO "retail_loyalty_campaigns" ("program_id", "name", "starts_on", "ends_on", "multiplier_pct")
SELECT "id", '{"id":"Bonus poin","en":"Bonus points"}'::jsonb, ("bonus_starts_at" AT TIME ZONE 'Asia/Jakarta')::date,
  greatest(("bonus_starts_at" AT TIME ZONE 'Asia/Jakarta')::date, (("bonus_ends_at" AT TIME ZONE 'Asia/Jakarta') - interval '1 microsecond')::date), "bonus_multiplier_pct"
FROM "retail_loyalty_programs"
WHERE "bonus_starts_at" IS NOT NULL AND "bonus_ends_at" IS NOT NULL AND "bonus_multiplier_pct" <> 100;
