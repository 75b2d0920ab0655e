import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The primary key (id, received_at) already serves the learner's id-range scans; a separate index on id only made
 * every event insert maintain one more B-tree (the ingest benchmark showed the cost).
 */
export class LeanerEventIndexes1795780000000 implements MigrationInterface {
  name = 'LeanerEventIndexes1795780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "idx_engagement_events_id"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_engagement_events_id" ON "engagement_events" ("id")`);
  }
}
