CREATE TABLE "billing_endpoint" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"provider" text NOT NULL,
	"name" text NOT NULL,
	"program_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"secret_encrypted" text NOT NULL,
	"secret_hint" text NOT NULL,
	"previous_secret_encrypted" text,
	"previous_secret_expires_at" timestamp with time zone,
	"secret_rotated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_event" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"provider" text NOT NULL,
	"provider_event_id" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"conversion_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"normalized" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"payload" jsonb NOT NULL,
	"livemode" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_endpoint" ADD CONSTRAINT "billing_endpoint_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_endpoint" ADD CONSTRAINT "billing_endpoint_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_event" ADD CONSTRAINT "billing_event_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_event" ADD CONSTRAINT "billing_event_endpoint_id_billing_endpoint_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."billing_endpoint"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_endpoint_ws_idx" ON "billing_endpoint" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_event_ws_provider_event_uq" ON "billing_event" USING btree ("workspace_id","provider","provider_event_id");--> statement-breakpoint
CREATE INDEX "billing_event_ws_endpoint_idx" ON "billing_event" USING btree ("workspace_id","endpoint_id","received_at");--> statement-breakpoint
CREATE INDEX "billing_event_ws_received_idx" ON "billing_event" USING btree ("workspace_id","received_at");