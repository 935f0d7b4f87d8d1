ALTER TABLE "users" ADD COLUMN "partner_admin" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- each organisation's first active user (the one staff invited first) manages its users from now on
UPDATE "users" SET "partner_admin" = true WHERE "id" IN (
  SELECT DISTINCT ON ("partner_org_id") "id" FROM "users"
  WHERE "kind" = 'partner' AND "active" ORDER BY "partner_org_id", "created_at", "id"
);
