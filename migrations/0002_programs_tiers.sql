CREATE TABLE "tier" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"program_id" text NOT NULL,
	"name" text NOT NULL,
	"rank" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enrollment" ADD COLUMN "tier_id" text;--> statement-breakpoint
ALTER TABLE "tier" ADD CONSTRAINT "tier_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier" ADD CONSTRAINT "tier_program_id_program_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."program"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tier_program_name_uq" ON "tier" USING btree ("program_id","name");--> statement-breakpoint
CREATE INDEX "tier_ws_program_idx" ON "tier" USING btree ("workspace_id","program_id","rank");--> statement-breakpoint
ALTER TABLE "enrollment" ADD CONSTRAINT "enrollment_tier_id_tier_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."tier"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enrollment_tier_idx" ON "enrollment" USING btree ("tier_id");