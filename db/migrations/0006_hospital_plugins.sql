CREATE SEQUENCE "public"."hospital_referrals_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "hospital_appointments_appointments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contact_id" uuid NOT NULL,
	"practitioner_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"local_date" date NOT NULL,
	"seat" smallint DEFAULT 1 NOT NULL,
	"queue_number" integer NOT NULL,
	"status" text DEFAULT 'booked' NOT NULL,
	"channel" text NOT NULL,
	"source_type" text,
	"source_id" text,
	"note" text,
	"booked_by_user_id" uuid,
	"rescheduled_from_id" uuid,
	"cancel_reason" text,
	"cancelled_at" timestamp with time zone,
	"arrived_at" timestamp with time zone,
	"fulfilled_at" timestamp with time zone,
	"no_show_at" timestamp with time zone,
	"reminder_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hospital_appointments_seat" CHECK ("hospital_appointments_appointments"."seat" >= 1),
	CONSTRAINT "hospital_appointments_times" CHECK ("hospital_appointments_appointments"."start_at" < "hospital_appointments_appointments"."end_at")
);
--> statement-breakpoint
CREATE TABLE "hospital_appointments_practitioners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"name" text NOT NULL,
	"specialty" text,
	"ihs_number" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hospital_appointments_exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practitioner_id" uuid,
	"branch_id" uuid,
	"kind" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hospital_appointments_exceptions_target" CHECK ("hospital_appointments_exceptions"."practitioner_id" is not null or "hospital_appointments_exceptions"."branch_id" is not null),
	CONSTRAINT "hospital_appointments_exceptions_range" CHECK ("hospital_appointments_exceptions"."start_date" <= "hospital_appointments_exceptions"."end_date")
);
--> statement-breakpoint
CREATE TABLE "hospital_appointments_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practitioner_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"start_time" text NOT NULL,
	"end_time" text NOT NULL,
	"break_start" text,
	"break_end" text,
	"slot_minutes" integer DEFAULT 15 NOT NULL,
	"capacity" integer DEFAULT 1 NOT NULL,
	"valid_from" date,
	"valid_until" date,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hospital_appointments_schedules_weekday" CHECK ("hospital_appointments_schedules"."weekday" between 1 and 7),
	CONSTRAINT "hospital_appointments_schedules_times" CHECK ("hospital_appointments_schedules"."start_time" ~ '^[0-2][0-9]:[0-5][0-9]$' and "hospital_appointments_schedules"."end_time" ~ '^[0-2][0-9]:[0-5][0-9]$' and "hospital_appointments_schedules"."start_time" < "hospital_appointments_schedules"."end_time"),
	CONSTRAINT "hospital_appointments_schedules_break" CHECK (("hospital_appointments_schedules"."break_start" is null) = ("hospital_appointments_schedules"."break_end" is null) and ("hospital_appointments_schedules"."break_start" is null or "hospital_appointments_schedules"."break_start" < "hospital_appointments_schedules"."break_end")),
	CONSTRAINT "hospital_appointments_schedules_slot" CHECK ("hospital_appointments_schedules"."slot_minutes" between 5 and 240 and "hospital_appointments_schedules"."capacity" between 1 and 50)
);
--> statement-breakpoint
CREATE TABLE "hospital_appointments_services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"branch_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hospital_appointments_services_branch_code_key" UNIQUE("branch_id","code")
);
--> statement-breakpoint
CREATE TABLE "hospital_referrals_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"status" text NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_user_id" uuid,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hospital_referrals_referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text DEFAULT 'RJK-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('hospital_referrals_number_seq')::text, 6, '0') NOT NULL,
	"direction" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"contact_id" uuid NOT NULL,
	"partner_org_id" uuid NOT NULL,
	"branch_id" uuid,
	"doctor_user_id" uuid,
	"created_by_user_id" uuid,
	"reason" text NOT NULL,
	"icd10_code" text NOT NULL,
	"icd10_text" text NOT NULL,
	"urgency" text DEFAULT 'routine' NOT NULL,
	"target_service" text NOT NULL,
	"service_type" text DEFAULT 'outpatient' NOT NULL,
	"notes" text,
	"rejection_reason" text,
	"appointment_id" uuid,
	"scheduled_for" timestamp with time zone,
	"back_referral_summary" text,
	"sent_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"back_referred_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hospital_referrals_referrals_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD CONSTRAINT "hospital_appointments_appointments_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD CONSTRAINT "hospital_appointments_appointments_practitioner_id_hospital_appointments_practitioners_id_fk" FOREIGN KEY ("practitioner_id") REFERENCES "public"."hospital_appointments_practitioners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD CONSTRAINT "hospital_appointments_appointments_service_id_hospital_appointments_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."hospital_appointments_services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD CONSTRAINT "hospital_appointments_appointments_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_appointments" ADD CONSTRAINT "hospital_appointments_appointments_booked_by_user_id_users_id_fk" FOREIGN KEY ("booked_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_practitioners" ADD CONSTRAINT "hospital_appointments_practitioners_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_exceptions" ADD CONSTRAINT "hospital_appointments_exceptions_practitioner_id_hospital_appointments_practitioners_id_fk" FOREIGN KEY ("practitioner_id") REFERENCES "public"."hospital_appointments_practitioners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_exceptions" ADD CONSTRAINT "hospital_appointments_exceptions_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_exceptions" ADD CONSTRAINT "hospital_appointments_exceptions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_schedules" ADD CONSTRAINT "hospital_appointments_schedules_practitioner_id_hospital_appointments_practitioners_id_fk" FOREIGN KEY ("practitioner_id") REFERENCES "public"."hospital_appointments_practitioners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_schedules" ADD CONSTRAINT "hospital_appointments_schedules_service_id_hospital_appointments_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."hospital_appointments_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_schedules" ADD CONSTRAINT "hospital_appointments_schedules_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_appointments_services" ADD CONSTRAINT "hospital_appointments_services_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_referrals_history" ADD CONSTRAINT "hospital_referrals_history_referral_id_hospital_referrals_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."hospital_referrals_referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_referrals_history" ADD CONSTRAINT "hospital_referrals_history_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_referrals_referrals" ADD CONSTRAINT "hospital_referrals_referrals_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_referrals_referrals" ADD CONSTRAINT "hospital_referrals_referrals_partner_org_id_partner_organisations_id_fk" FOREIGN KEY ("partner_org_id") REFERENCES "public"."partner_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_referrals_referrals" ADD CONSTRAINT "hospital_referrals_referrals_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_referrals_referrals" ADD CONSTRAINT "hospital_referrals_referrals_doctor_user_id_users_id_fk" FOREIGN KEY ("doctor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_referrals_referrals" ADD CONSTRAINT "hospital_referrals_referrals_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hospital_appointments_slot_seat_key" ON "hospital_appointments_appointments" USING btree ("practitioner_id","start_at","seat") WHERE "hospital_appointments_appointments"."status" <> 'cancelled';--> statement-breakpoint
CREATE UNIQUE INDEX "hospital_appointments_contact_slot_key" ON "hospital_appointments_appointments" USING btree ("contact_id","practitioner_id","start_at") WHERE "hospital_appointments_appointments"."status" <> 'cancelled';--> statement-breakpoint
CREATE INDEX "hospital_appointments_branch_day_idx" ON "hospital_appointments_appointments" USING btree ("branch_id","local_date","start_at");--> statement-breakpoint
CREATE INDEX "hospital_appointments_practitioner_day_idx" ON "hospital_appointments_appointments" USING btree ("practitioner_id","local_date","start_at");--> statement-breakpoint
CREATE INDEX "hospital_appointments_contact_idx" ON "hospital_appointments_appointments" USING btree ("contact_id","start_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hospital_appointments_source_idx" ON "hospital_appointments_appointments" USING btree ("source_type","source_id");--> statement-breakpoint
CREATE INDEX "hospital_appointments_open_idx" ON "hospital_appointments_appointments" USING btree ("status","end_at");--> statement-breakpoint
CREATE UNIQUE INDEX "hospital_appointments_practitioners_user_key" ON "hospital_appointments_practitioners" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "hospital_appointments_exceptions_dates_idx" ON "hospital_appointments_exceptions" USING btree ("start_date","end_date");--> statement-breakpoint
CREATE INDEX "hospital_appointments_schedules_lookup_idx" ON "hospital_appointments_schedules" USING btree ("service_id","weekday");--> statement-breakpoint
CREATE INDEX "hospital_appointments_schedules_practitioner_idx" ON "hospital_appointments_schedules" USING btree ("practitioner_id","weekday");--> statement-breakpoint
CREATE INDEX "hospital_referrals_history_referral_idx" ON "hospital_referrals_history" USING btree ("referral_id","at");--> statement-breakpoint
CREATE INDEX "hospital_referrals_box_idx" ON "hospital_referrals_referrals" USING btree ("direction","status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hospital_referrals_partner_idx" ON "hospital_referrals_referrals" USING btree ("partner_org_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hospital_referrals_contact_idx" ON "hospital_referrals_referrals" USING btree ("contact_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hospital_referrals_appointment_idx" ON "hospital_referrals_referrals" USING btree ("appointment_id");