CREATE TABLE "analytics_model_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"calibration_end" date NOT NULL,
	"holdout_end" date NOT NULL,
	"time_zone" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"result" jsonb,
	"problem" text
);
--> statement-breakpoint
CREATE INDEX "analytics_model_checks_requested_idx" ON "analytics_model_checks" USING btree ("requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_open_at_risk_follow_up_key" ON "tasks" USING btree ("contact_id") WHERE "tasks"."related_type" = 'analytics.at-risk' and "tasks"."status" in ('open', 'in_progress');