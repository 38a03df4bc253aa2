-- The conflict check's trigram indexes over claimed names without GIN's pending list
-- (accounts/schema.ts): every search reads the whole pending list, so names waiting in it
-- for vacuum slowed every check. Changed in place (no rebuild); entries already pending are
-- moved into the indexes.
ALTER INDEX "account_claimed_name_trgm_1_idx" SET (fastupdate = false);--> statement-breakpoint
ALTER INDEX "account_claimed_name_trgm_15_idx" SET (fastupdate = false);--> statement-breakpoint
ALTER INDEX "account_claimed_name_trgm_19_idx" SET (fastupdate = false);--> statement-breakpoint
ALTER INDEX "account_claimed_name_trgm_23_idx" SET (fastupdate = false);--> statement-breakpoint
SELECT gin_clean_pending_list('"account_claimed_name_trgm_1_idx"'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('"account_claimed_name_trgm_15_idx"'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('"account_claimed_name_trgm_19_idx"'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('"account_claimed_name_trgm_23_idx"'::regclass);
