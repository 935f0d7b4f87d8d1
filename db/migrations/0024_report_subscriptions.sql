CREATE TABLE "report_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"period_from" text NOT NULL,
	"period_to" text NOT NULL,
	"recipient" text NOT NULL,
	"user_id" uuid,
	"language" text NOT NULL,
	"alert_value" double precision,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"branch_id" uuid,
	"time_zone" text NOT NULL,
	"frequency" text NOT NULL,
	"weekday" smallint,
	"month_day" smallint,
	"local_time" text NOT NULL,
	"mode" text DEFAULT 'digest' NOT NULL,
	"alert_direction" text,
	"alert_threshold" double precision,
	"alert_hysteresis" double precision DEFAULT 0 NOT NULL,
	"alert_state" text DEFAULT 'clear' NOT NULL,
	"last_value" double precision,
	"recipient_roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"recipient_emails" text[] DEFAULT '{}'::text[] NOT NULL,
	"email_language" text DEFAULT 'id' NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"last_run_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_subscriptions_weekday" CHECK ("report_subscriptions"."weekday" is null or "report_subscriptions"."weekday" between 1 and 7),
	CONSTRAINT "report_subscriptions_month_day" CHECK ("report_subscriptions"."month_day" is null or "report_subscriptions"."month_day" between 1 and 28),
	CONSTRAINT "report_subscriptions_alert" CHECK ("report_subscriptions"."mode" = 'digest' or ("report_subscriptions"."alert_direction" is not null and "report_subscriptions"."alert_threshold" is not null))
);
--> statement-breakpoint
ALTER TABLE "report_deliveries" ADD CONSTRAINT "report_deliveries_subscription_id_report_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."report_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_deliveries" ADD CONSTRAINT "report_deliveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_subscriptions" ADD CONSTRAINT "report_subscriptions_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_subscriptions" ADD CONSTRAINT "report_subscriptions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_deliveries_once_key" ON "report_deliveries" USING btree ("subscription_id","run_at","recipient");--> statement-breakpoint
CREATE INDEX "report_deliveries_subscription_idx" ON "report_deliveries" USING btree ("subscription_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "report_subscriptions_due_idx" ON "report_subscriptions" USING btree ("next_run_at") WHERE not "report_subscriptions"."paused";