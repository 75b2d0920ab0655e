import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, API keys, the audit log and the catalogue. The audit log is append-only by trigger. Item versions are immutable, enforced by a trigger rather than by
 * convention; text search and topic filters get GIN indexes.
 */
export class Foundation1764230400000 implements MigrationInterface {
  name = 'Foundation1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL, "role" text NOT NULL, "password_hash" text NOT NULL, "token_version" integer NOT NULL DEFAULT '0', "disabled_at" TIMESTAMP WITH TIME ZONE, "last_login_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_users_role" CHECK ("role" IN ('admin', 'editor', 'reviewer', 'analyst')), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users"  ("email") `);
    await q.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "prefix" text NOT NULL, "key_hash" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by" uuid, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_api_keys_key_hash" ON "api_keys"  ("key_hash") `);
    await q.query(
      `CREATE TABLE "asset_checks" ("url" text NOT NULL, "status" text NOT NULL, "http_status" integer, "content_type" text, "error" text, "latency_ms" integer, "checked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2a46f5040460bd0541745585ef6" PRIMARY KEY ("url"))`,
    );
    await q.query(
      `CREATE TABLE "import_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "filename" text NOT NULL, "format" text NOT NULL, "source" text NOT NULL, "status" text NOT NULL, "content" text, "total_rows" integer NOT NULL DEFAULT '0', "processed_rows" integer NOT NULL DEFAULT '0', "created_items" integer NOT NULL DEFAULT '0', "updated_items" integer NOT NULL DEFAULT '0', "failed_rows" integer NOT NULL DEFAULT '0', "errors" jsonb NOT NULL DEFAULT '[]', "failure" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4d206c602f173f98e4bb85819a3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "idx_import_jobs_created" ON "import_jobs"  ("created_at") `);
    await q.query(
      `CREATE TABLE "items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "kind" text NOT NULL, "state" text NOT NULL DEFAULT 'draft', "default_locale" text NOT NULL, "locales" text array NOT NULL DEFAULT '{}', "complete_locales" text array NOT NULL DEFAULT '{}', "topics" text array NOT NULL DEFAULT '{}', "collections" text array NOT NULL DEFAULT '{}', "title" text NOT NULL, "search_text" text NOT NULL, "latest_version_id" uuid NOT NULL, "latest_version_number" integer NOT NULL, "live_version_id" uuid, "created_by" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_items_state" CHECK ("state" IN ('draft', 'in_review', 'approved', 'scheduled', 'live', 'retired')), CONSTRAINT "PK_ba5885359424c15ca6b9e79bcf6" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_items_slug" ON "items"  ("slug") `);
    await q.query(`CREATE INDEX "idx_items_updated" ON "items"  ("updated_at", "id") `);
    await q.query(`CREATE INDEX "idx_items_kind_state" ON "items"  ("kind", "state") `);
    await q.query(
      `CREATE TABLE "item_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "item_id" uuid NOT NULL, "number" integer NOT NULL, "fields" jsonb NOT NULL, "author_id" uuid, "restored_from" integer, "note" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8132975d9986601108390075a11" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_item_versions_item_number" ON "item_versions"  ("item_id", "number") `);
    await q.query(
      `ALTER TABLE "item_versions" ADD CONSTRAINT "fk_item_versions_item" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(`CREATE INDEX "idx_items_topics" ON "items" USING gin ("topics")`);
    await q.query(`CREATE INDEX "idx_items_search" ON "items" USING gin (to_tsvector('simple', "search_text"))`);
    await q.query(`CREATE FUNCTION marquee_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are immutable: % refused. Create a new row instead.', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`CREATE TRIGGER item_versions_immutable BEFORE UPDATE ON "item_versions" FOR EACH ROW EXECUTE FUNCTION marquee_forbid_change()`);
    await q.query(
      `CREATE TABLE "audit_log" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "actor_id" text, "actor_label" text NOT NULL, "action" text NOT NULL, "entity_type" text NOT NULL, "entity_id" text NOT NULL, "before" jsonb, "after" jsonb, "request_id" text, "summary" text, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "idx_audit_log_action" ON "audit_log"  ("action", "at") `);
    await q.query(`CREATE INDEX "idx_audit_log_actor" ON "audit_log"  ("actor_id", "at") `);
    await q.query(`CREATE INDEX "idx_audit_log_entity" ON "audit_log"  ("entity_type", "entity_id", "at") `);
    await q.query(`CREATE INDEX "idx_audit_log_at" ON "audit_log"  ("at") `);
    await q.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION marquee_forbid_change()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION marquee_forbid_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_log"`);
    await q.query(`DROP TRIGGER IF EXISTS item_versions_immutable ON "item_versions"`);
    await q.query(`DROP FUNCTION IF EXISTS marquee_forbid_change()`);
    await q.query(`DROP INDEX IF EXISTS "idx_items_search"`);
    await q.query(`DROP INDEX IF EXISTS "idx_items_topics"`);
    await q.query(`ALTER TABLE "item_versions" DROP CONSTRAINT "fk_item_versions_item"`);
    await q.query(`DROP INDEX "public"."uq_item_versions_item_number"`);
    await q.query(`DROP TABLE "item_versions"`);
    await q.query(`DROP INDEX "public"."idx_items_kind_state"`);
    await q.query(`DROP INDEX "public"."idx_items_updated"`);
    await q.query(`DROP INDEX "public"."uq_items_slug"`);
    await q.query(`DROP TABLE "items"`);
    await q.query(`DROP INDEX "public"."idx_import_jobs_created"`);
    await q.query(`DROP TABLE "import_jobs"`);
    await q.query(`DROP TABLE "asset_checks"`);
    await q.query(`DROP INDEX "public"."uq_api_keys_key_hash"`);
    await q.query(`DROP TABLE "api_keys"`);
    await q.query(`DROP INDEX "public"."uq_users_email"`);
    await q.query(`DROP TABLE "users"`);
  }
}
