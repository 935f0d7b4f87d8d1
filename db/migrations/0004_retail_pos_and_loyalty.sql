CREATE TABLE "retail_loyalty_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"contact_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"points" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"spend_idr" bigint DEFAULT 0 NOT NULL,
	"sale_id" uuid,
	"refund_id" uuid,
	"voucher_id" uuid,
	"lot_id" bigint,
	"staff_user_id" uuid,
	"reason" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retail_loyalty_ledger_balance_nonneg" CHECK ("retail_loyalty_ledger"."balance_after" >= 0),
	CONSTRAINT "retail_loyalty_ledger_sign" CHECK (("retail_loyalty_ledger"."kind" = 'earn' and "retail_loyalty_ledger"."points" >= 0) or ("retail_loyalty_ledger"."kind" in ('redeem','expire','reversal') and "retail_loyalty_ledger"."points" <= 0) or "retail_loyalty_ledger"."kind" = 'adjust'),
	CONSTRAINT "retail_loyalty_ledger_adjust_reason" CHECK ("retail_loyalty_ledger"."kind" <> 'adjust' or ("retail_loyalty_ledger"."reason" is not null and "retail_loyalty_ledger"."staff_user_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "retail_loyalty_lots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"contact_id" uuid NOT NULL,
	"points" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"value_idr" bigint NOT NULL,
	"sale_id" uuid,
	"earned_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "retail_loyalty_lots_remaining" CHECK ("retail_loyalty_lots"."remaining" >= 0 and "retail_loyalty_lots"."remaining" <= "retail_loyalty_lots"."points")
);
--> statement-breakpoint
CREATE TABLE "retail_loyalty_members" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"program_id" uuid NOT NULL,
	"member_no" text NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enrolled_by" uuid,
	"last_purchase_at" timestamp with time zone,
	CONSTRAINT "retail_loyalty_members_member_no_unique" UNIQUE("member_no"),
	CONSTRAINT "retail_loyalty_members_balance_nonneg" CHECK ("retail_loyalty_members"."balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE "retail_loyalty_programs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"idr_per_point" bigint NOT NULL,
	"category_multipliers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"bonus_multiplier_pct" integer DEFAULT 100 NOT NULL,
	"bonus_starts_at" timestamp with time zone,
	"bonus_ends_at" timestamp with time zone,
	"expiry_months" integer DEFAULT 12 NOT NULL,
	"point_value_idr" bigint DEFAULT 100 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retail_loyalty_rewards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" jsonb NOT NULL,
	"points_cost" bigint NOT NULL,
	"value_idr" bigint NOT NULL,
	"valid_days" integer DEFAULT 30 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "retail_loyalty_rewards_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "retail_loyalty_tiers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"min_spend_idr" bigint NOT NULL,
	"earn_multiplier_pct" integer DEFAULT 100 NOT NULL,
	"benefits" jsonb NOT NULL,
	CONSTRAINT "retail_loyalty_tiers_code_key" UNIQUE("program_id","code")
);
--> statement-breakpoint
CREATE TABLE "retail_loyalty_vouchers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"contact_id" uuid NOT NULL,
	"reward_id" uuid NOT NULL,
	"points_cost" bigint NOT NULL,
	"value_idr" bigint NOT NULL,
	"status" text DEFAULT 'issued' NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by" uuid,
	"used_receipt_no" text,
	CONSTRAINT "retail_loyalty_vouchers_code_unique" UNIQUE("code"),
	CONSTRAINT "retail_loyalty_vouchers_used" CHECK ("retail_loyalty_vouchers"."status" <> 'used' or "retail_loyalty_vouchers"."used_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "retail_pos_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"branch_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key_prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"signing_secret" text NOT NULL,
	"previous_signing_secret" text,
	"previous_secret_expires_at" timestamp with time zone,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "retail_pos_connections_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "retail_pos_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"rows" jsonb NOT NULL,
	"total_rows" integer NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"recorded_rows" integer DEFAULT 0 NOT NULL,
	"duplicate_rows" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "retail_pos_products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"price_idr" bigint NOT NULL,
	"supplier_org_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retail_pos_products_sku_unique" UNIQUE("sku"),
	CONSTRAINT "retail_pos_products_price_nonneg" CHECK ("retail_pos_products"."price_idr" >= 0)
);
--> statement-breakpoint
CREATE TABLE "retail_pos_sale_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sale_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"product_id" uuid,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"supplier_org_id" uuid,
	"quantity" integer NOT NULL,
	"unit_price_idr" bigint NOT NULL,
	"discount_idr" bigint DEFAULT 0 NOT NULL,
	"amount_idr" bigint NOT NULL,
	CONSTRAINT "retail_pos_sale_lines_line_key" UNIQUE("sale_id","line_no"),
	CONSTRAINT "retail_pos_sale_lines_amount" CHECK ("retail_pos_sale_lines"."amount_idr" = "retail_pos_sale_lines"."quantity" * "retail_pos_sale_lines"."unit_price_idr" - "retail_pos_sale_lines"."discount_idr" and "retail_pos_sale_lines"."amount_idr" >= 0)
);
--> statement-breakpoint
CREATE TABLE "retail_pos_sales" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"receipt_no" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"original_sale_id" uuid,
	"contact_id" uuid,
	"occurred_at" timestamp with time zone NOT NULL,
	"total_idr" bigint NOT NULL,
	"refunded_idr" bigint DEFAULT 0 NOT NULL,
	"payment_method" text,
	"source" text DEFAULT 'api' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retail_pos_sales_idempotency_key" UNIQUE("connection_id","idempotency_key"),
	CONSTRAINT "retail_pos_sales_receipt_key" UNIQUE("connection_id","kind","receipt_no"),
	CONSTRAINT "retail_pos_sales_total_nonneg" CHECK ("retail_pos_sales"."total_idr" >= 0),
	CONSTRAINT "retail_pos_sales_refund_within_total" CHECK ("retail_pos_sales"."refunded_idr" >= 0 and "retail_pos_sales"."refunded_idr" <= "retail_pos_sales"."total_idr"),
	CONSTRAINT "retail_pos_sales_refund_has_original" CHECK ("retail_pos_sales"."kind" = 'sale' or "retail_pos_sales"."original_sale_id" is not null)
);
--> statement-breakpoint
ALTER TABLE "retail_loyalty_ledger" ADD CONSTRAINT "retail_loyalty_ledger_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_ledger" ADD CONSTRAINT "retail_loyalty_ledger_staff_user_id_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_lots" ADD CONSTRAINT "retail_loyalty_lots_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_members" ADD CONSTRAINT "retail_loyalty_members_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_members" ADD CONSTRAINT "retail_loyalty_members_program_id_retail_loyalty_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."retail_loyalty_programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_members" ADD CONSTRAINT "retail_loyalty_members_enrolled_by_users_id_fk" FOREIGN KEY ("enrolled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_tiers" ADD CONSTRAINT "retail_loyalty_tiers_program_id_retail_loyalty_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."retail_loyalty_programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_vouchers" ADD CONSTRAINT "retail_loyalty_vouchers_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_vouchers" ADD CONSTRAINT "retail_loyalty_vouchers_reward_id_retail_loyalty_rewards_id_fk" FOREIGN KEY ("reward_id") REFERENCES "public"."retail_loyalty_rewards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_loyalty_vouchers" ADD CONSTRAINT "retail_loyalty_vouchers_used_by_users_id_fk" FOREIGN KEY ("used_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_connections" ADD CONSTRAINT "retail_pos_connections_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_connections" ADD CONSTRAINT "retail_pos_connections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_imports" ADD CONSTRAINT "retail_pos_imports_connection_id_retail_pos_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."retail_pos_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_imports" ADD CONSTRAINT "retail_pos_imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_products" ADD CONSTRAINT "retail_pos_products_supplier_org_id_partner_organisations_id_fk" FOREIGN KEY ("supplier_org_id") REFERENCES "public"."partner_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_sale_lines" ADD CONSTRAINT "retail_pos_sale_lines_sale_id_retail_pos_sales_id_fk" FOREIGN KEY ("sale_id") REFERENCES "public"."retail_pos_sales"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_sale_lines" ADD CONSTRAINT "retail_pos_sale_lines_product_id_retail_pos_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."retail_pos_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_sales" ADD CONSTRAINT "retail_pos_sales_connection_id_retail_pos_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."retail_pos_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_sales" ADD CONSTRAINT "retail_pos_sales_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retail_pos_sales" ADD CONSTRAINT "retail_pos_sales_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "retail_loyalty_ledger_earn_sale_key" ON "retail_loyalty_ledger" USING btree ("sale_id") WHERE "retail_loyalty_ledger"."kind" = 'earn';--> statement-breakpoint
CREATE UNIQUE INDEX "retail_loyalty_ledger_reversal_refund_key" ON "retail_loyalty_ledger" USING btree ("refund_id") WHERE "retail_loyalty_ledger"."kind" = 'reversal';--> statement-breakpoint
CREATE INDEX "retail_loyalty_ledger_contact_idx" ON "retail_loyalty_ledger" USING btree ("contact_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "retail_loyalty_ledger_spend_idx" ON "retail_loyalty_ledger" USING btree ("contact_id","occurred_at");--> statement-breakpoint
CREATE INDEX "retail_loyalty_lots_fifo_idx" ON "retail_loyalty_lots" USING btree ("contact_id","expires_at","id") WHERE "retail_loyalty_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "retail_loyalty_lots_sale_idx" ON "retail_loyalty_lots" USING btree ("sale_id");--> statement-breakpoint
CREATE INDEX "retail_loyalty_vouchers_contact_idx" ON "retail_loyalty_vouchers" USING btree ("contact_id","issued_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "retail_pos_connections_branch_idx" ON "retail_pos_connections" USING btree ("branch_id");--> statement-breakpoint
CREATE INDEX "retail_pos_products_supplier_idx" ON "retail_pos_products" USING btree ("supplier_org_id");--> statement-breakpoint
CREATE INDEX "retail_pos_sale_lines_product_idx" ON "retail_pos_sale_lines" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "retail_pos_sale_lines_supplier_idx" ON "retail_pos_sale_lines" USING btree ("supplier_org_id","product_id");--> statement-breakpoint
CREATE INDEX "retail_pos_sales_contact_idx" ON "retail_pos_sales" USING btree ("contact_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "retail_pos_sales_branch_day_idx" ON "retail_pos_sales" USING btree ("branch_id","occurred_at");--> statement-breakpoint
CREATE INDEX "retail_pos_sales_original_idx" ON "retail_pos_sales" USING btree ("original_sale_id");