CREATE TABLE "profiling_objections" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"recorded_by" uuid,
	"objected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "profiling_objections" ADD CONSTRAINT "profiling_objections_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;