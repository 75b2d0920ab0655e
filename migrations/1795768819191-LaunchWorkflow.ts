import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Review decisions per exact version, releases with their pinned actions and execution log, scheduler heartbeats,
 * webhook endpoints and the delivery outbox, and the live-release pointer on items (for staged rollout and rollback).
 * Generated with `npm run migration:generate`, then reviewed.
 */

export class LaunchWorkflow1795768819191 implements MigrationInterface {
  name = 'LaunchWorkflow1795768819191';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "releases" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" text NOT NULL,
                "description" text,
                "status" text NOT NULL DEFAULT 'draft',
                "scheduled_at" TIMESTAMP WITH TIME ZONE,
                "time_zone" text,
                "local_time" text,
                "schedule_revision" integer NOT NULL DEFAULT '0',
                "rollout_percent" integer NOT NULL DEFAULT '100',
                "audience" jsonb NOT NULL DEFAULT '{"tiers": [], "locales": [], "platforms": []}',
                "created_by" uuid,
                "scheduled_by" uuid,
                "launched_at" TIMESTAMP WITH TIME ZONE,
                "lateness_ms" integer,
                "failure_reasons" jsonb,
                "failed_at" TIMESTAMP WITH TIME ZONE,
                "rolled_back_at" TIMESTAMP WITH TIME ZONE,
                "rolled_back_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_releases_rollout" CHECK (
                    "rollout_percent" BETWEEN 1 AND 100
                ),
                CONSTRAINT "ck_releases_status" CHECK (
                    "status" IN (
                        'draft',
                        'scheduled',
                        'launched',
                        'failed',
                        'rolled_back',
                        'cancelled'
                    )
                ),
                CONSTRAINT "PK_6b6fc2599a5a281dd44a7d64016" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_releases_status_scheduled" ON "releases" ("status", "scheduled_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "release_actions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "release_id" uuid NOT NULL,
                "item_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "version_id" uuid,
                "version_number" integer,
                "applied_order" integer,
                "prior_live_version_id" uuid,
                "prior_live_release_id" uuid,
                "prior_state" text,
                "prior_live_since" TIMESTAMP WITH TIME ZONE,
                "latest_version_at_launch" uuid,
                "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_release_actions_kind" CHECK ("kind" IN ('publish', 'unpublish')),
                CONSTRAINT "PK_88a5ca71261c92713b31b907190" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_release_actions_item" ON "release_actions" ("item_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_release_actions_release_item" ON "release_actions" ("release_id", "item_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "release_events" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "release_id" uuid NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
                "kind" text NOT NULL,
                "message" text NOT NULL,
                "details" jsonb,
                CONSTRAINT "PK_eca8575509042426a9bb5801feb" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_release_events_release" ON "release_events" ("release_id", "at")
        `);
    await queryRunner.query(`
            CREATE TABLE "version_reviews" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "item_id" uuid NOT NULL,
                "version_id" uuid NOT NULL,
                "version_number" integer NOT NULL,
                "decision" text NOT NULL,
                "comment" text,
                "actor_id" uuid,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
                CONSTRAINT "PK_867205e5fadce1ce834fd4f716d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_version_reviews_item" ON "version_reviews" ("item_id", "at")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_version_reviews_version" ON "version_reviews" ("version_id", "at")
        `);
    await queryRunner.query(`
            CREATE TABLE "scheduler_heartbeats" (
                "name" text NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "details" jsonb,
                CONSTRAINT "PK_0bd4b4561f1d8570f23656b8f03" PRIMARY KEY ("name")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "url" text NOT NULL,
                "description" text,
                "events" text array NOT NULL DEFAULT '{}',
                "secret" text NOT NULL,
                "enabled" boolean NOT NULL DEFAULT true,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "endpoint_id" uuid NOT NULL,
                "event_id" uuid NOT NULL,
                "event_type" text NOT NULL,
                "payload" jsonb NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "attempt_log" jsonb NOT NULL DEFAULT '[]',
                "last_status_code" integer,
                "last_error" text,
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_webhook_deliveries_status" ON "webhook_deliveries" ("status", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpoint_id", "created_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "items"
            ADD "live_release_id" uuid
        `);
    await queryRunner.query(`
            ALTER TABLE "items"
            ADD "live_since" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "release_actions"
            ADD CONSTRAINT "fk_release_actions_release" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "release_actions" DROP CONSTRAINT "fk_release_actions_release"
        `);
    await queryRunner.query(`
            ALTER TABLE "items" DROP COLUMN "live_since"
        `);
    await queryRunner.query(`
            ALTER TABLE "items" DROP COLUMN "live_release_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_webhook_deliveries_endpoint"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_webhook_deliveries_status"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_endpoints"
        `);
    await queryRunner.query(`
            DROP TABLE "scheduler_heartbeats"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_version_reviews_version"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_version_reviews_item"
        `);
    await queryRunner.query(`
            DROP TABLE "version_reviews"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_release_events_release"
        `);
    await queryRunner.query(`
            DROP TABLE "release_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_release_actions_release_item"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_release_actions_item"
        `);
    await queryRunner.query(`
            DROP TABLE "release_actions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_releases_status_scheduled"
        `);
    await queryRunner.query(`
            DROP TABLE "releases"
        `);
  }
}
