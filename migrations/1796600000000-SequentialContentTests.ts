import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sequential content tests: each test keeps the surface's control (and served impressions) as they stood when it
 * started, so it is compared with the control of its own window, and the running minimum of its always-valid p-value.
 * Surfaces get an explicit baseline: items live at or before tests_launched_after are established (null = creation).
 */
export class SequentialContentTests1796600000000 implements MigrationInterface {
  name = 'SequentialContentTests1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "content_tests" ADD "control_at_start" jsonb`);
    await q.query(`ALTER TABLE "content_tests" ADD "always_valid_p" double precision NOT NULL DEFAULT '1'`);
    await q.query(`ALTER TABLE "surfaces" ADD "tests_launched_after" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "surfaces" DROP COLUMN "tests_launched_after"`);
    await q.query(`ALTER TABLE "content_tests" DROP COLUMN "always_valid_p"`);
    await q.query(`ALTER TABLE "content_tests" DROP COLUMN "control_at_start"`);
  }
}
