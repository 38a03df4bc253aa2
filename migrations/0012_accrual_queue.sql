CREATE TABLE "commission_accrual_queue" (
	"workspace_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"conversion_id" text NOT NULL,
	CONSTRAINT "commission_accrual_queue_pk" PRIMARY KEY("workspace_id","occurred_at","conversion_id")
);
--> statement-breakpoint
ALTER TABLE "commission_accrual_queue" ADD CONSTRAINT "commission_accrual_queue_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Every conversion stored as 'pending' (recorded with a partner, or attributed later) is queued
-- for commission accrual in the same transaction, whoever wrote it (commissions/schema.ts).
CREATE OR REPLACE FUNCTION commission_accrual_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO commission_accrual_queue (workspace_id, occurred_at, conversion_id) VALUES (NEW.workspace_id, NEW.occurred_at, NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER conversion_accrual_enqueue AFTER INSERT ON conversion
  FOR EACH ROW WHEN (NEW.accrual_status = 'pending') EXECUTE FUNCTION commission_accrual_enqueue();
--> statement-breakpoint
CREATE TRIGGER conversion_accrual_enqueue_attributed AFTER UPDATE OF accrual_status ON conversion
  FOR EACH ROW WHEN (OLD.accrual_status = 'unattributed' AND NEW.accrual_status = 'pending' AND NEW.partner_id IS NOT NULL) EXECUTE FUNCTION commission_accrual_enqueue();
--> statement-breakpoint
INSERT INTO commission_accrual_queue (workspace_id, occurred_at, conversion_id)
  SELECT workspace_id, occurred_at, id FROM conversion WHERE accrual_status = 'pending' ON CONFLICT DO NOTHING;
