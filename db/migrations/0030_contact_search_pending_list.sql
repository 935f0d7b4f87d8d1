-- A smaller pending list for the contact search indexes: a search reads through it (see db/schema/contacts.ts).
-- ALTER, not a rebuild: the new limit applies from the next insert; the pending list is flushed as it fills or on vacuum.
ALTER INDEX "contacts_email_trgm_idx" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "contacts_name_trgm_idx" SET (gin_pending_list_limit = 128);
