ALTER TABLE "payout" ADD COLUMN "amount_reversed_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payout" ADD COLUMN "reversed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payout" ADD COLUMN "reversal_reason" text;--> statement-breakpoint
CREATE INDEX "payout_ws_provider_ref_idx" ON "payout" USING btree ("workspace_id","provider_ref") WHERE "payout"."provider_ref" is not null;