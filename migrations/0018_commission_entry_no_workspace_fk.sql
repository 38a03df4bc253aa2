ALTER TABLE "commission_entry" DROP CONSTRAINT "commission_entry_workspace_id_workspace_id_fk";
