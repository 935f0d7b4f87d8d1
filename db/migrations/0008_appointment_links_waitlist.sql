CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"match" text DEFAULT 'all' NOT NULL,
	"rules" jsonb NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hospital_appointments_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"appointment_id" uuid NOT NULL,
	"action" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hospital_appointments_waitlist" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contact_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"practitioner_id" uuid,
	"date_from" date NOT NULL,
	"date_to" date NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"channel" text NOT NULL,
	"created_by_user_id" uuid,
	"appointment_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hospital_appointments_waitlist_range" CHECK ("hospital_appointments_waitlist"."date_from" <= "hospital_appointments_waitlist"."date_to")
);
--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD COLUMN "confirmation_message_id" uuid;--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD COLUMN "reminder_message_id" uuid;--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD COLUMN "waitlist_entry_id" uuid;--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD COLUMN "hold_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_links" ADD CONSTRAINT "hospital_appointments_links_appointment_id_hospital_appointments_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."hospital_appointments_appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_waitlist" ADD CONSTRAINT "hospital_appointments_waitlist_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_waitlist" ADD CONSTRAINT "hospital_appointments_waitlist_service_id_hospital_appointments_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."hospital_appointments_services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_waitlist" ADD CONSTRAINT "hospital_appointments_waitlist_practitioner_id_hospital_appointments_practitioners_id_fk" FOREIGN KEY ("practitioner_id") REFERENCES "public"."hospital_appointments_practitioners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_waitlist" ADD CONSTRAINT "hospital_appointments_waitlist_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "segments_name_key" ON "segments" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "hospital_appointments_links_appointment_idx" ON "hospital_appointments_links" USING btree ("appointment_id");--> statement-breakpoint
CREATE INDEX "hospital_appointments_waitlist_queue_idx" ON "hospital_appointments_waitlist" USING btree ("service_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "hospital_appointments_waitlist_contact_key" ON "hospital_appointments_waitlist" USING btree ("contact_id","service_id") WHERE "hospital_appointments_waitlist"."status" = 'waiting';--> statement-breakpoint
CREATE INDEX "hospital_appointments_hold_idx" ON "hospital_appointments_appointments" USING btree ("hold_expires_at") WHERE "hospital_appointments_appointments"."status" = 'proposed';--> statement-breakpoint
CREATE INDEX "hospital_appointments_messages_idx" ON "hospital_appointments_appointments" USING btree ("contact_id","reminder_message_id","confirmation_message_id");--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD CONSTRAINT "hospital_appointments_hold" CHECK ("hospital_appointments_appointments"."status" <> 'proposed' or "hospital_appointments_appointments"."hold_expires_at" is not null);