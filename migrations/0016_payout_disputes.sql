CREATE TABLE "payout_dispute" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"payout_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"entry_id" text,
	"reason" text NOT NULL,
	"message" text NOT NULL,
	"expected_amount_minor" bigint,
	"expected_currency" text,
	"status" text NOT NULL,
	"opened_by_name" text NOT NULL,
	"resolution" text,
	"adjustment_entry_id" text,
	"resolved_by_name" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payout_dispute" ADD CONSTRAINT "payout_dispute_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_dispute" ADD CONSTRAINT "payout_dispute_payout_id_payout_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payout"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_dispute" ADD CONSTRAINT "payout_dispute_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payout_dispute_ws_status_idx" ON "payout_dispute" USING btree ("workspace_id","status","created_at");--> statement-breakpoint
CREATE INDEX "payout_dispute_ws_payout_idx" ON "payout_dispute" USING btree ("workspace_id","payout_id");