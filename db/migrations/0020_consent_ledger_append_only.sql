-- The consent ledger is proof (UU PDP Art 22): rows are never changed. They go only with the
-- contact they belong to (erasure), so DELETE stays allowed.
CREATE OR REPLACE FUNCTION consent_records_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_records is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER consent_records_append_only BEFORE UPDATE ON consent_records
  FOR EACH ROW EXECUTE FUNCTION consent_records_refuse_update();
--> statement-breakpoint
-- answers recorded before the ledger existed become its first rows
INSERT INTO consent_records (contact_id, purpose, granted, notice_version, channel, recorded_by_kind, recorded_by, at)
SELECT contact_id, purpose, granted, wording_version, source,
       CASE WHEN source IN ('portal', 'registration') THEN 'customer' WHEN recorded_by IS NULL THEN 'system' ELSE 'staff' END,
       recorded_by, updated_at
FROM consents;
