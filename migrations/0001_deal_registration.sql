CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "account" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"match_name" text NOT NULL,
	"domain" text,
	"country" text,
	"incumbent_partner_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"phone" text,
	"title" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attribution_setting" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"model" text DEFAULT 'primary_only' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"pipeline_id" text NOT NULL,
	"stage_id" text NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"close_date" date,
	"owner_member_id" text,
	"origin" text NOT NULL,
	"is_renewal" boolean DEFAULT false NOT NULL,
	"lost_reason" text,
	"next_step" text,
	"internal_notes" text,
	"discount_bp" integer,
	"registration_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "deal_credit" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"deal_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"role" text NOT NULL,
	"share_bp" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pipeline" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"pipeline_id" text NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"win_probability_bp" integer NOT NULL,
	"kind" text NOT NULL,
	"required_fields" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conflict" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"registration_id" text NOT NULL,
	"other_kind" text NOT NULL,
	"other_id" text NOT NULL,
	"other_partner_id" text,
	"matched_account_id" text NOT NULL,
	"match_kind" text NOT NULL,
	"similarity" real,
	"recommendation" jsonb NOT NULL,
	"status" text NOT NULL,
	"owner_member_id" text,
	"escalated_at" timestamp with time zone,
	"resolution" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"submitted_by_partner_user_id" text,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"account_id" text NOT NULL,
	"account_name" text NOT NULL,
	"account_domain" text,
	"account_country" text,
	"contact_name" text,
	"contact_email" text,
	"contact_phone" text,
	"amount_minor" bigint,
	"currency" text NOT NULL,
	"expected_close_date" date,
	"products" text[] DEFAULT '{}'::text[] NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"custom_fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reviewer_member_id" text,
	"sla_due_at" timestamp with time zone NOT NULL,
	"sla_breached_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decided_by_member_id" text,
	"decision_reason" text,
	"internal_notes" text,
	"protection_starts_at" timestamp with time zone,
	"protection_ends_at" timestamp with time zone,
	"extensions_used" integer DEFAULT 0 NOT NULL,
	"reminders_sent" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"deal_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration_extension" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"registration_id" text NOT NULL,
	"status" text NOT NULL,
	"days" integer NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"decided_by_member_id" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration_link" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"program_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration_policy" (
	"program_id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"required_fields" text[] DEFAULT '{accountName,accountDomain,contactName,contactEmail,amount,expectedCloseDate}'::text[] NOT NULL,
	"custom_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"approval_sla_hours" integer DEFAULT 48 NOT NULL,
	"protection_days" integer DEFAULT 90 NOT NULL,
	"max_extensions" integer DEFAULT 1 NOT NULL,
	"extension_days" integer DEFAULT 30 NOT NULL,
	"extension_requires_approval" boolean DEFAULT true NOT NULL,
	"eligibility" jsonb DEFAULT '{"partnerTypes":[],"tags":[]}'::jsonb NOT NULL,
	"conflict_hierarchy" text[] DEFAULT '{registered,incumbent,certified,first_to_register}'::text[] NOT NULL,
	"rules_of_engagement" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_rule" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"position" integer NOT NULL,
	"program_id" text,
	"countries" text[] DEFAULT '{}'::text[] NOT NULL,
	"min_amount_minor" bigint,
	"max_amount_minor" bigint,
	"currency" text,
	"reviewer_member_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "field_share_rule" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text,
	"object" text NOT NULL,
	"field" text NOT NULL,
	"audience" text DEFAULT '*' NOT NULL,
	"mode" text NOT NULL,
	"band_size_minor" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signed_link" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"object" text NOT NULL,
	"entity_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_by_member_id" text,
	"last_viewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account" ADD CONSTRAINT "account_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account" ADD CONSTRAINT "account_incumbent_partner_id_partner_id_fk" FOREIGN KEY ("incumbent_partner_id") REFERENCES "public"."partner"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact" ADD CONSTRAINT "contact_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact" ADD CONSTRAINT "contact_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attribution_setting" ADD CONSTRAINT "attribution_setting_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal" ADD CONSTRAINT "deal_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal" ADD CONSTRAINT "deal_pipeline_id_pipeline_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipeline"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal" ADD CONSTRAINT "deal_stage_id_stage_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."stage"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal" ADD CONSTRAINT "deal_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal" ADD CONSTRAINT "deal_owner_member_id_member_id_fk" FOREIGN KEY ("owner_member_id") REFERENCES "public"."member"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_credit" ADD CONSTRAINT "deal_credit_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_credit" ADD CONSTRAINT "deal_credit_deal_id_deal_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."deal"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_credit" ADD CONSTRAINT "deal_credit_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline" ADD CONSTRAINT "pipeline_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage" ADD CONSTRAINT "stage_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage" ADD CONSTRAINT "stage_pipeline_id_pipeline_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipeline"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflict" ADD CONSTRAINT "conflict_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflict" ADD CONSTRAINT "conflict_registration_id_registration_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registration"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflict" ADD CONSTRAINT "conflict_owner_member_id_member_id_fk" FOREIGN KEY ("owner_member_id") REFERENCES "public"."member"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration" ADD CONSTRAINT "registration_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration" ADD CONSTRAINT "registration_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration" ADD CONSTRAINT "registration_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration" ADD CONSTRAINT "registration_submitted_by_partner_user_id_partner_user_id_fk" FOREIGN KEY ("submitted_by_partner_user_id") REFERENCES "public"."partner_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration" ADD CONSTRAINT "registration_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration" ADD CONSTRAINT "registration_reviewer_member_id_member_id_fk" FOREIGN KEY ("reviewer_member_id") REFERENCES "public"."member"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_extension" ADD CONSTRAINT "registration_extension_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_extension" ADD CONSTRAINT "registration_extension_registration_id_registration_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registration"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_link" ADD CONSTRAINT "registration_link_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_link" ADD CONSTRAINT "registration_link_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_link" ADD CONSTRAINT "registration_link_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_policy" ADD CONSTRAINT "registration_policy_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_policy" ADD CONSTRAINT "registration_policy_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rule" ADD CONSTRAINT "routing_rule_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rule" ADD CONSTRAINT "routing_rule_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rule" ADD CONSTRAINT "routing_rule_reviewer_member_id_member_id_fk" FOREIGN KEY ("reviewer_member_id") REFERENCES "public"."member"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_share_rule" ADD CONSTRAINT "field_share_rule_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_share_rule" ADD CONSTRAINT "field_share_rule_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signed_link" ADD CONSTRAINT "signed_link_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signed_link" ADD CONSTRAINT "signed_link_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_ws_domain_uq" ON "account" USING btree ("workspace_id","domain") WHERE "account"."domain" is not null;--> statement-breakpoint
CREATE INDEX "account_ws_id_idx" ON "account" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "account_match_name_trgm_idx" ON "account" USING gin ("match_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contact_account_idx" ON "contact" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "contact_ws_email_idx" ON "contact" USING btree ("workspace_id","email");--> statement-breakpoint
CREATE INDEX "deal_ws_id_idx" ON "deal" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "deal_ws_account_idx" ON "deal" USING btree ("workspace_id","account_id");--> statement-breakpoint
CREATE INDEX "deal_ws_stage_idx" ON "deal" USING btree ("workspace_id","stage_id");--> statement-breakpoint
CREATE UNIQUE INDEX "deal_credit_deal_partner_role_uq" ON "deal_credit" USING btree ("deal_id","partner_id","role");--> statement-breakpoint
CREATE INDEX "deal_credit_partner_idx" ON "deal_credit" USING btree ("workspace_id","partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pipeline_ws_name_uq" ON "pipeline" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "stage_pipeline_position_uq" ON "stage" USING btree ("pipeline_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "conflict_reg_other_uq" ON "conflict" USING btree ("registration_id","other_kind","other_id");--> statement-breakpoint
CREATE INDEX "conflict_ws_status_idx" ON "conflict" USING btree ("workspace_id","status");--> statement-breakpoint
CREATE INDEX "registration_ws_status_idx" ON "registration" USING btree ("workspace_id","status","sla_due_at");--> statement-breakpoint
CREATE INDEX "registration_ws_partner_idx" ON "registration" USING btree ("workspace_id","partner_id","id");--> statement-breakpoint
CREATE INDEX "registration_ws_account_idx" ON "registration" USING btree ("workspace_id","account_id");--> statement-breakpoint
CREATE INDEX "registration_protection_end_idx" ON "registration" USING btree ("protection_ends_at") WHERE "registration"."status" = 'approved';--> statement-breakpoint
CREATE INDEX "registration_extension_reg_idx" ON "registration_extension" USING btree ("registration_id");--> statement-breakpoint
CREATE UNIQUE INDEX "registration_link_token_uq" ON "registration_link" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "registration_link_partner_idx" ON "registration_link" USING btree ("workspace_id","partner_id");--> statement-breakpoint
CREATE INDEX "routing_rule_ws_idx" ON "routing_rule" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "field_share_rule_uq" ON "field_share_rule" USING btree ("workspace_id","program_id","object","field","audience");--> statement-breakpoint
CREATE UNIQUE INDEX "signed_link_token_uq" ON "signed_link" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "signed_link_entity_idx" ON "signed_link" USING btree ("workspace_id","object","entity_id");