CREATE TABLE "billing_payment_link" (
	"workspace_id" text NOT NULL,
	"provider" text NOT NULL,
	"payment_ref" text NOT NULL,
	"invoice_id" text NOT NULL,
	"invoice_payment_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_payment_link_pk" PRIMARY KEY("workspace_id","provider","payment_ref","invoice_id")
);
--> statement-breakpoint
ALTER TABLE "billing_payment_link" ADD CONSTRAINT "billing_payment_link_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_payment_link_ws_invoice_idx" ON "billing_payment_link" USING btree ("workspace_id","provider","invoice_id");