CREATE TABLE "retail_pos_import_rows" (
	"import_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"row" integer NOT NULL,
	"sale" jsonb NOT NULL,
	CONSTRAINT "retail_pos_import_rows_import_id_seq_pk" PRIMARY KEY("import_id","seq")
);
--> statement-breakpoint
ALTER TABLE "retail_pos_import_rows" ADD CONSTRAINT "retail_pos_import_rows_import_id_retail_pos_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."retail_pos_imports"("id") ON DELETE cascade ON UPDATE no action;