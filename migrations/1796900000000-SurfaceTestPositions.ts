import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each surface says where its content tests may sit: positions 2..test_max_position (position 1 never holds a test).
 * The default, 5, is the engine's DEFAULT_TEST_MAX_POSITION; before this column every surface used 2..10 (see
 * docs/placement-engine.md §6a, "Test slots at positions 2..5"). A test's control counts floor slots at the same
 * positions.
 */
export class SurfaceTestPositions1796900000000 implements MigrationInterface {
  name = 'SurfaceTestPositions1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "surfaces" ADD COLUMN "test_max_position" integer NOT NULL DEFAULT '5'`);
    await q.query(`ALTER TABLE "surfaces" ADD CONSTRAINT "ck_surfaces_test_positions" CHECK ("test_max_position" >= 2 AND "test_max_position" <= 100)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "surfaces" DROP CONSTRAINT "ck_surfaces_test_positions"`);
    await q.query(`ALTER TABLE "surfaces" DROP COLUMN "test_max_position"`);
  }
}
