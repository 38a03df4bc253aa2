CREATE TABLE "fx_rate" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"base" text NOT NULL,
	"quote" text NOT NULL,
	"rate_scaled" bigint NOT NULL,
	"effective_date" date NOT NULL,
	"created_by_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payout" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"run_id" text NOT NULL,
	"program_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"status" text NOT NULL,
	"hold_reason" text,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"entry_count" integer DEFAULT 0 NOT NULL,
	"method_type" text,
	"method_snapshot" jsonb,
	"statement_number" integer,
	"attempt" integer DEFAULT 1 NOT NULL,
	"provider_ref" text,
	"reference" text,
	"failure_reason" text,
	"outcome_unknown" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payout_item" (
	"workspace_id" text NOT NULL,
	"payout_id" text NOT NULL,
	"entry_id" text NOT NULL,
	CONSTRAINT "payout_item_payout_id_entry_id_pk" PRIMARY KEY("payout_id","entry_id")
);
--> statement-breakpoint
CREATE TABLE "payout_method" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"type" text NOT NULL,
	"currency" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_enc" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payout_run" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text NOT NULL,
	"number" integer NOT NULL,
	"status" text NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"created_by_user_id" text,
	"created_by_name" text,
	"approved_by_user_id" text,
	"approved_by_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_at" timestamp with time zone,
	"executed_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payout_schedule" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text NOT NULL,
	"cadence" text NOT NULL,
	"day_of_month" integer,
	"weekday" integer,
	"threshold_minor" bigint NOT NULL,
	"threshold_currency" text NOT NULL,
	"currency_mode" text NOT NULL,
	"hold_until_tax_complete" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payout_settings" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"require_four_eyes" boolean DEFAULT false NOT NULL,
	"stripe_secret_enc" text,
	"stripe_api_base" text,
	"paypal_client_id" text,
	"paypal_secret_enc" text,
	"paypal_api_base" text,
	"bank_source_currency" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tax_profile" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"form_type" text NOT NULL,
	"legal_name" text,
	"country" text,
	"entity_type" text,
	"tax_id_enc" text,
	"tax_id_last4" text,
	"address" jsonb,
	"signature_name" text,
	"signed_on" date,
	"status" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fx_rate" ADD CONSTRAINT "fx_rate_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout" ADD CONSTRAINT "payout_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout" ADD CONSTRAINT "payout_run_id_payout_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."payout_run"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout" ADD CONSTRAINT "payout_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_item" ADD CONSTRAINT "payout_item_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_item" ADD CONSTRAINT "payout_item_payout_id_payout_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payout"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_method" ADD CONSTRAINT "payout_method_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_method" ADD CONSTRAINT "payout_method_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_run" ADD CONSTRAINT "payout_run_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_run" ADD CONSTRAINT "payout_run_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_schedule" ADD CONSTRAINT "payout_schedule_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_schedule" ADD CONSTRAINT "payout_schedule_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_settings" ADD CONSTRAINT "payout_settings_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_profile" ADD CONSTRAINT "tax_profile_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_profile" ADD CONSTRAINT "tax_profile_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fx_rate_pair_date_uq" ON "fx_rate" USING btree ("workspace_id","base","quote","effective_date");--> statement-breakpoint
CREATE INDEX "payout_ws_run_idx" ON "payout" USING btree ("workspace_id","run_id");--> statement-breakpoint
CREATE INDEX "payout_ws_partner_idx" ON "payout" USING btree ("workspace_id","partner_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_ws_statement_uq" ON "payout" USING btree ("workspace_id","statement_number") WHERE "payout"."statement_number" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "payout_item_entry_uq" ON "payout_item" USING btree ("workspace_id","entry_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_method_partner_uq" ON "payout_method" USING btree ("workspace_id","partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_run_ws_number_uq" ON "payout_run" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE INDEX "payout_run_ws_id_idx" ON "payout_run" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_schedule_program_uq" ON "payout_schedule" USING btree ("program_id");--> statement-breakpoint
CREATE INDEX "payout_schedule_ws_idx" ON "payout_schedule" USING btree ("workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tax_profile_partner_uq" ON "tax_profile" USING btree ("workspace_id","partner_id");