-- The points ledger is the record of every balance change: entries are never rewritten or removed.
CREATE OR REPLACE FUNCTION retail_loyalty_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'retail_loyalty_ledger is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER retail_loyalty_ledger_append_only BEFORE UPDATE OR DELETE ON retail_loyalty_ledger
  FOR EACH ROW EXECUTE FUNCTION retail_loyalty_ledger_refuse_change();
