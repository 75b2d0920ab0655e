import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each person's history with single items on a surface (engine/collab.ts PersonHistory: per item the examined
 * impressions and the successes, at most HISTORY_MAX_ITEMS items), beside their collaborative posterior. Written by
 * the learner's fold only, so a refit (which rewrites `factors` under new item factors) leaves it as it is.
 */
export class PersonHistory1797100000000 implements MigrationInterface {
  name = 'PersonHistory1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person_factors" ADD COLUMN "history" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person_factors" DROP COLUMN "history"`);
  }
}
