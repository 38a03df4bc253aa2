CREATE TABLE "click" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"link_id" text NOT NULL,
	"program_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"visitor_id" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"referer" text,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "click_daily" (
	"workspace_id" text NOT NULL,
	"link_id" text NOT NULL,
	"day" date NOT NULL,
	"partner_id" text NOT NULL,
	"program_id" text NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"unique_clicks" integer DEFAULT 0 NOT NULL,
	"bot" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "click_daily_link_id_day_pk" PRIMARY KEY("link_id","day")
);
--> statement-breakpoint
CREATE TABLE "conversion" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text,
	"partner_id" text,
	"customer_id" text,
	"link_id" text,
	"click_id" text,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"external_ref" text,
	"original_ref" text,
	"subscription_ref" text,
	"amount_minor" bigint,
	"currency" text,
	"product" text,
	"is_recurring" boolean,
	"country" text,
	"ip" text,
	"user_agent" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"accrual_status" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text,
	"partner_id" text,
	"link_id" text,
	"first_click_id" text,
	"external_id" text,
	"email" text,
	"country" text,
	"name" text,
	"bound_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "link" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"code" text NOT NULL,
	"name" text,
	"destination_url" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"custom_domain" text,
	"status" text DEFAULT 'active' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tracking_settings" (
	"program_id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"attribution_window_days" integer DEFAULT 90 NOT NULL,
	"model" text DEFAULT 'last_click' NOT NULL,
	"default_destination_url" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversion" ADD CONSTRAINT "conversion_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer" ADD CONSTRAINT "customer_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link" ADD CONSTRAINT "link_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link" ADD CONSTRAINT "link_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link" ADD CONSTRAINT "link_partner_id_partner_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partner"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_settings" ADD CONSTRAINT "tracking_settings_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_settings" ADD CONSTRAINT "tracking_settings_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "click_ws_link_idx" ON "click" USING btree ("workspace_id","link_id","occurred_at");--> statement-breakpoint
CREATE INDEX "click_visitor_idx" ON "click" USING btree ("workspace_id","visitor_id","occurred_at");--> statement-breakpoint
CREATE INDEX "click_daily_ws_idx" ON "click_daily" USING btree ("workspace_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "conversion_ws_idem_uq" ON "conversion" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "conversion_ws_accrual_idx" ON "conversion" USING btree ("workspace_id","accrual_status","occurred_at");--> statement-breakpoint
CREATE INDEX "conversion_ws_id_idx" ON "conversion" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "conversion_ws_partner_idx" ON "conversion" USING btree ("workspace_id","partner_id","occurred_at");--> statement-breakpoint
CREATE INDEX "conversion_ws_link_idx" ON "conversion" USING btree ("workspace_id","link_id");--> statement-breakpoint
CREATE INDEX "conversion_ws_external_idx" ON "conversion" USING btree ("workspace_id","external_ref");--> statement-breakpoint
CREATE INDEX "conversion_ws_customer_idx" ON "conversion" USING btree ("workspace_id","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_ws_external_uq" ON "customer" USING btree ("workspace_id","external_id") WHERE "customer"."external_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "customer_ws_email_uq" ON "customer" USING btree ("workspace_id","email") WHERE "customer"."email" is not null;--> statement-breakpoint
CREATE INDEX "customer_ws_partner_idx" ON "customer" USING btree ("workspace_id","partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "link_code_uq" ON "link" USING btree ("code");--> statement-breakpoint
CREATE INDEX "link_ws_id_idx" ON "link" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "link_ws_partner_idx" ON "link" USING btree ("workspace_id","partner_id","program_id");--> statement-breakpoint
CREATE INDEX "link_domain_idx" ON "link" USING btree ("custom_domain") WHERE "link"."custom_domain" is not null;--> statement-breakpoint
CREATE INDEX "tracking_settings_ws_idx" ON "tracking_settings" USING btree ("workspace_id");