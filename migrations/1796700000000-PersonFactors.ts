import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-person collaborative posteriors (engine/collab.ts): one row per person and surface, O(k²) numbers each, written
 * by the learner and read by the feed through the per-user state cache.
 */
export class PersonFactors1796700000000 implements MigrationInterface {
  name = 'PersonFactors1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "person_factors" (
        "user_id" text NOT NULL,
        "surface_key" text NOT NULL,
        "factors" jsonb NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_ac6124a6439a5fe70fdf841e00f" PRIMARY KEY ("user_id", "surface_key")
      )
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "person_factors"`);
  }
}
