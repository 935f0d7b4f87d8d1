-- drizzle-kit does not emit CREATE EXTENSION; these must exist before any table uses them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gist;
