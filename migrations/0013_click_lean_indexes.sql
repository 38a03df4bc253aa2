DROP INDEX "click_ws_link_idx";--> statement-breakpoint
DROP INDEX "click_visitor_idx";--> statement-breakpoint
CREATE INDEX "click_visitor_hash_idx" ON "click" USING hash ("visitor_id");