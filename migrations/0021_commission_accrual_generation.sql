CREATE TABLE "commission_accrual_generation" (
	"workspace_id" text NOT NULL,
	"lane_lock" smallint NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "commission_accrual_generation_pk" PRIMARY KEY("workspace_id","lane_lock")
);
--> statement-breakpoint
-- Bumps the counters of the lane locks whose partners got new ledger lines (commissions/schema.ts).
CREATE OR REPLACE FUNCTION commission_accrual_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO commission_accrual_generation (workspace_id, lane_lock, generation)
    SELECT workspace_id, abs(hashtext(partner_id) % 64) % 2, 1 FROM inserted GROUP BY 1, 2
    ON CONFLICT (workspace_id, lane_lock) DO UPDATE SET generation = commission_accrual_generation.generation + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER commission_entry_bump_generation AFTER INSERT ON commission_entry
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION commission_accrual_bump_generation();
