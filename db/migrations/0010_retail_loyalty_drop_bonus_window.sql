ALTER TABLE "retail_loyalty_programs" DROP COLUMN "bonus_multiplier_pct";--> statement-breakpoint
ALTER TABLE "retail_loyalty_programs" DROP COLUMN "bonus_starts_at";--> statement-breakpoint
ALTER TABLE "retail_loyalty_programs" DROP COLUMN "bonus_ends_at";