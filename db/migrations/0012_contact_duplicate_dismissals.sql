CREATE TABLE "contact_duplicate_dismissals" (
	"contact_a_id" uuid NOT NULL,
	"contact_b_id" uuid NOT NULL,
	"reasons" text[] NOT NULL,
	"dismissed_by" uuid NOT NULL,
	"dismissed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_duplicate_dismissals_contact_a_id_contact_b_id_pk" PRIMARY KEY("contact_a_id","contact_b_id"),
	CONSTRAINT "contact_duplicate_dismissals_ordered" CHECK ("contact_duplicate_dismissals"."contact_a_id" < "contact_duplicate_dismissals"."contact_b_id")
);
--> statement-breakpoint
ALTER TABLE "contact_duplicate_dismissals" ADD CONSTRAINT "contact_duplicate_dismissals_contact_a_id_contacts_id_fk" FOREIGN KEY ("contact_a_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_duplicate_dismissals" ADD CONSTRAINT "contact_duplicate_dismissals_contact_b_id_contacts_id_fk" FOREIGN KEY ("contact_b_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;