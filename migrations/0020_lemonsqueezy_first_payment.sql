CREATE TABLE "billing_lsq_order" (
	"workspace_id" text NOT NULL,
	"order_id" text NOT NULL,
	"customer_id" text,
	"currency" text,
	"sale_conversion_id" text,
	"refunded_minor" bigint,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_lsq_order_pk" PRIMARY KEY("workspace_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "billing_lsq_subscription" (
	"workspace_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"order_id" text,
	"customer_id" text,
	"product_id" text,
	"invoice_id" text,
	"invoice_customer_id" text,
	"invoice_currency" text,
	"invoice_total_minor" bigint,
	"invoice_paid_at" timestamp with time zone,
	"invoice_conversion_id" text,
	"invoice_refunded_minor" bigint,
	"invoice_refunded_at" timestamp with time zone,
	"first_ref" text,
	"duplicate_conversion_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_lsq_subscription_pk" PRIMARY KEY("workspace_id","subscription_id")
);
--> statement-breakpoint
ALTER TABLE "billing_lsq_order" ADD CONSTRAINT "billing_lsq_order_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_lsq_subscription" ADD CONSTRAINT "billing_lsq_subscription_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_lsq_subscription_ws_order_idx" ON "billing_lsq_subscription" USING btree ("workspace_id","order_id");