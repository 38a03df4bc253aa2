DROP INDEX "account_match_name_trgm_idx";--> statement-breakpoint
ALTER TABLE "account" ADD COLUMN "claimed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "account_claimed_name_trgm_idx" ON "account" USING gin ("match_name" gin_trgm_ops) WHERE "account"."claimed";--> statement-breakpoint
-- Claimed accounts (accounts/schema.ts `claimed`): kept by triggers so every writer of
-- registrations, deals, stages and accounts keeps it right, on PostgreSQL and PGlite alike.
CREATE OR REPLACE FUNCTION account_refresh_claimed(acc text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ws text;
  inc text;
  is_claimed boolean;
BEGIN
  IF acc IS NULL THEN RETURN; END IF;
  SELECT a.workspace_id, a.incumbent_partner_id INTO ws, inc FROM account a WHERE a.id = acc;
  IF ws IS NULL THEN RETURN; END IF;
  is_claimed := inc IS NOT NULL
    OR EXISTS (SELECT 1 FROM registration r WHERE r.workspace_id = ws AND r.account_id = acc AND r.status IN ('submitted', 'info_requested', 'approved'))
    OR EXISTS (SELECT 1 FROM deal d JOIN stage s ON s.id = d.stage_id WHERE d.workspace_id = ws AND d.account_id = acc AND s.kind = 'open');
  UPDATE account SET claimed = is_claimed WHERE id = acc AND claimed IS DISTINCT FROM is_claimed;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION account_claims_from_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM account_refresh_claimed(OLD.account_id); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.account_id IS DISTINCT FROM OLD.account_id) THEN PERFORM account_refresh_claimed(NEW.account_id); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER registration_account_claims AFTER INSERT OR DELETE OR UPDATE OF status, account_id ON registration
  FOR EACH ROW EXECUTE FUNCTION account_claims_from_row();
--> statement-breakpoint
CREATE TRIGGER deal_account_claims AFTER INSERT OR DELETE OR UPDATE OF stage_id, account_id ON deal
  FOR EACH ROW EXECUTE FUNCTION account_claims_from_row();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION account_claims_from_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind IS DISTINCT FROM OLD.kind THEN
    PERFORM account_refresh_claimed(d.account_id) FROM (SELECT DISTINCT account_id FROM deal WHERE workspace_id = NEW.workspace_id AND stage_id = NEW.id) d;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stage_account_claims AFTER UPDATE OF kind ON stage FOR EACH ROW EXECUTE FUNCTION account_claims_from_stage();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION account_claims_own_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.claimed := NEW.incumbent_partner_id IS NOT NULL;
  ELSE
    NEW.claimed := NEW.incumbent_partner_id IS NOT NULL
      OR EXISTS (SELECT 1 FROM registration r WHERE r.workspace_id = NEW.workspace_id AND r.account_id = NEW.id AND r.status IN ('submitted', 'info_requested', 'approved'))
      OR EXISTS (SELECT 1 FROM deal d JOIN stage s ON s.id = d.stage_id WHERE d.workspace_id = NEW.workspace_id AND d.account_id = NEW.id AND s.kind = 'open');
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER account_claims_insert BEFORE INSERT ON account FOR EACH ROW EXECUTE FUNCTION account_claims_own_row();
--> statement-breakpoint
CREATE TRIGGER account_claims_incumbent BEFORE UPDATE OF incumbent_partner_id ON account FOR EACH ROW
  WHEN (OLD.incumbent_partner_id IS DISTINCT FROM NEW.incumbent_partner_id) EXECUTE FUNCTION account_claims_own_row();
--> statement-breakpoint
UPDATE account a SET claimed = true
WHERE a.incumbent_partner_id IS NOT NULL
  OR EXISTS (SELECT 1 FROM registration r WHERE r.workspace_id = a.workspace_id AND r.account_id = a.id AND r.status IN ('submitted', 'info_requested', 'approved'))
  OR EXISTS (SELECT 1 FROM deal d JOIN stage s ON s.id = d.stage_id WHERE d.workspace_id = a.workspace_id AND d.account_id = a.id AND s.kind = 'open');
