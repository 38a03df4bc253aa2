DROP INDEX "account_claimed_brand_idx";--> statement-breakpoint
CREATE INDEX "account_claimed_brand_idx" ON "account" USING btree (split_part("match_name", ' ', 1)) WHERE "account"."claimed";