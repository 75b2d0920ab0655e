import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each stored eventId was used for: a hash of the event's type, tracking token, occurredAt and value. A later
 * event with the same id and the same hash is a retry (a duplicate, not stored again); with another hash it is a
 * different event under a reused id, rejected as EVENT_ID_REUSED instead of being dropped silently as a duplicate.
 * Rows stored before this column have none, and every repeat of their ids stays a duplicate.
 */
export class EventFingerprints1797200000000 implements MigrationInterface {
  name = 'EventFingerprints1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "engagement_event_ids" ADD COLUMN "fingerprint" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "engagement_event_ids" DROP COLUMN "fingerprint"`);
  }
}
