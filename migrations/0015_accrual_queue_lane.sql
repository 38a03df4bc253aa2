ALTER TABLE "commission_accrual_queue" ADD COLUMN "lane" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The lane of a queued conversion: its partner's hash (commissions/schema.ts).
CREATE OR REPLACE FUNCTION commission_accrual_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO commission_accrual_queue (workspace_id, occurred_at, conversion_id, lane)
    VALUES (NEW.workspace_id, NEW.occurred_at, NEW.id, abs(hashtext(coalesce(NEW.partner_id, NEW.id)) % 64))
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
UPDATE commission_accrual_queue q SET lane = abs(hashtext(coalesce(c.partner_id, c.id)) % 64)
  FROM conversion c WHERE c.id = q.conversion_id AND q.lane <> abs(hashtext(coalesce(c.partner_id, c.id)) % 64);
