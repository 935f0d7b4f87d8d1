CREATE TABLE "privacy_destruction_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ran_at" timestamp with time zone NOT NULL,
	"purpose" text NOT NULL,
	"table_name" text NOT NULL,
	"method" text NOT NULL,
	"rows" integer NOT NULL,
	"cutoff" timestamp with time zone NOT NULL,
	"retention_days" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privacy_incident_people" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"contact_id" uuid,
	"entries" integer NOT NULL,
	"message_id" uuid,
	"notice_skipped" text,
	"notified_at" timestamp with time zone,
	CONSTRAINT "privacy_incident_people_incident_contact_key" UNIQUE("incident_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "privacy_incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"severity" text DEFAULT 'medium' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"discovered_at" timestamp with time zone NOT NULL,
	"notify_by" timestamp with time zone NOT NULL,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"entity_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"actor_user_id" uuid,
	"data_categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"consequences" text,
	"measures" text,
	"notice_id" text,
	"notice_en" text,
	"authority_notified_at" timestamp with time zone,
	"authority_reference" text,
	"people_notified_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "forget_after_send" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD COLUMN "decision" text;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD COLUMN "identity_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD COLUMN "identity_checked_by" uuid;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD COLUMN "identity_method" text;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD COLUMN "identity_note" text;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD COLUMN "outcome" jsonb;--> statement-breakpoint
ALTER TABLE "privacy_incident_people" ADD CONSTRAINT "privacy_incident_people_incident_id_privacy_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."privacy_incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_incident_people" ADD CONSTRAINT "privacy_incident_people_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_destruction_log_ran_idx" ON "privacy_destruction_log" USING btree ("ran_at");--> statement-breakpoint
CREATE INDEX "privacy_incident_people_contact_idx" ON "privacy_incident_people" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "privacy_incidents_status_idx" ON "privacy_incidents" USING btree ("status","notify_by");