import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model versions with their training metrics, gate and canary results; offline evaluation runs; and a canary slot on
 * each surface's engine state. Generated with `npm run migration:generate`, then reviewed.
 */

export class ModelLifecycle1795773625319 implements MigrationInterface {
  name = 'ModelLifecycle1795773625319';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "model_versions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "surface_key" text NOT NULL,
                "version" text NOT NULL,
                "status" text NOT NULL,
                "progress" real NOT NULL DEFAULT '0',
                "progress_message" text,
                "data_from" TIMESTAMP WITH TIME ZONE,
                "data_to" TIMESTAMP WITH TIME ZONE,
                "rows" integer NOT NULL DEFAULT '0',
                "metrics" jsonb,
                "training_ms" integer,
                "export" jsonb,
                "gate" jsonb,
                "canary_share" real,
                "canary_stats" jsonb,
                "canary_started_at" TIMESTAMP WITH TIME ZONE,
                "status_reason" text,
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_77c0256872dcc26394dba4b87ec" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_model_versions_surface" ON "model_versions" ("surface_key", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "ope_runs" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "surface_key" text NOT NULL,
                "target" text NOT NULL,
                "model_id" uuid,
                "config" jsonb,
                "label" text NOT NULL,
                "status" text NOT NULL,
                "progress" real NOT NULL DEFAULT '0',
                "window_from" TIMESTAMP WITH TIME ZONE NOT NULL,
                "window_to" TIMESTAMP WITH TIME ZONE NOT NULL,
                "estimates" jsonb,
                "error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_2331fc90c0f9be69fb7cfd82f55" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_ope_runs_surface" ON "ope_runs" ("surface_key", "created_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states"
            ADD "live_model_id" uuid
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states"
            ADD "canary_model_id" uuid
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states"
            ADD "canary_share" real NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states"
            ADD "canary_state" jsonb
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states"
            ADD "canary_started_at" TIMESTAMP WITH TIME ZONE
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "engine_states" DROP COLUMN "canary_started_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states" DROP COLUMN "canary_state"
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states" DROP COLUMN "canary_share"
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states" DROP COLUMN "canary_model_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "engine_states" DROP COLUMN "live_model_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_ope_runs_surface"
        `);
    await queryRunner.query(`
            DROP TABLE "ope_runs"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_model_versions_surface"
        `);
    await queryRunner.query(`
            DROP TABLE "model_versions"
        `);
  }
}
