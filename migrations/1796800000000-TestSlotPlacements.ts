import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The engine runtime counts, at every refresh, the test-slot placements each running content test was served, so a
 * test gives up its slots as soon as what it was served will fill its quota (engine/content-test.ts,
 * testSlotWeights). A partial index on those placements alone keeps that count an index-only scan of a few rows per
 * test, however large the placements log grows.
 */
export class TestSlotPlacements1796800000000 implements MigrationInterface {
  name = 'TestSlotPlacements1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_placements_test" ON "placements" ("item_id", "surface", "served_at") WHERE "reason" = 'CONTENT_TEST'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_placements_test"`);
  }
}
