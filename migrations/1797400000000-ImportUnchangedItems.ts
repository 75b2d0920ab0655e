import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An import counts apart the rows whose content the item's latest version already had: they write nothing (no version,
 * no audit entry, approval and state as they were). Imports that ran before counted such rows as updated, so 0 here.
 */
export class ImportUnchangedItems1797400000000 implements MigrationInterface {
  name = 'ImportUnchangedItems1797400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_jobs" ADD COLUMN "unchanged_items" integer NOT NULL DEFAULT '0'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_jobs" DROP COLUMN "unchanged_items"`);
  }
}
