ALTER TABLE "hospital_appointments_practitioners" ADD COLUMN "nik" text;--> statement-breakpoint
ALTER TABLE "hospital_appointments_practitioners" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "hospital_appointments_schedules" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "hospital_appointments_services" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;