ALTER TABLE "retail_pos_import_rows" ADD COLUMN "receipt_key" text;--> statement-breakpoint
ALTER TABLE "retail_pos_import_rows" ADD COLUMN "total_given" boolean;