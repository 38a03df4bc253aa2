CREATE TABLE "commission_entry" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"plan_id" text,
	"rule_id" text,
	"kind" text NOT NULL,
	"source_type" text NOT NULL,
	"source_id" text NOT NULL,
	"conversion_id" text,
	"deal_id" text,
	"reverses_entry_id" text,
	"idempotency_key" text NOT NULL,
	"base_minor" bigint,
	"rate_bp" integer,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"hold_until" timestamp with time zone,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"explanation" jsonb NOT NULL,
	"review_note" text,
	"reviewed_by_name" text,
	"reviewed_at" timestamp with time zone,
	"payout_id" text,
	"earned_at" timestamp with time zone NOT NULL,
	"approved_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commission_plan" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"document" jsonb NOT NULL,
	"created_by_name" text,
	"activated_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "commission_entry" ADD CONSTRAINT "commission_entry_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_plan" ADD CONSTRAINT "commission_plan_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_plan" ADD CONSTRAINT "commission_plan_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "commission_entry_ws_idem_uq" ON "commission_entry" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "commission_entry_ws_id_idx" ON "commission_entry" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "commission_entry_ws_partner_idx" ON "commission_entry" USING btree ("workspace_id","partner_id","earned_at");--> statement-breakpoint
CREATE INDEX "commission_entry_ws_status_idx" ON "commission_entry" USING btree ("workspace_id","status","hold_until");--> statement-breakpoint
CREATE INDEX "commission_entry_conversion_idx" ON "commission_entry" USING btree ("workspace_id","conversion_id") WHERE "commission_entry"."conversion_id" is not null;--> statement-breakpoint
CREATE INDEX "commission_entry_reverses_idx" ON "commission_entry" USING btree ("reverses_entry_id") WHERE "commission_entry"."reverses_entry_id" is not null;--> statement-breakpoint
CREATE INDEX "commission_entry_payout_idx" ON "commission_entry" USING btree ("payout_id") WHERE "commission_entry"."payout_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "commission_plan_program_version_uq" ON "commission_plan" USING btree ("program_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_plan_one_active_uq" ON "commission_plan" USING btree ("program_id") WHERE "commission_plan"."status" = 'active';--> statement-breakpoint
CREATE INDEX "commission_plan_ws_idx" ON "commission_plan" USING btree ("workspace_id","program_id");