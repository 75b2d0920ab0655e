import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A surface's test_max_position is at most its slots (2 at least: position 1 never holds a test), as createSurface and
 * updateSurface now require. Surfaces created with fewer than 5 slots got the default 5; the engine already used
 * min(slots, test_max_position), so lowering the stored value to that changes no feed, only what the settings say.
 */
export class TestPositionsWithinSlots1797300000000 implements MigrationInterface {
  name = 'TestPositionsWithinSlots1797300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "surfaces" SET "test_max_position" = GREATEST(2, "slots") WHERE "test_max_position" > GREATEST(2, "slots")`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the old values were never used beyond the slots.
  }
}
