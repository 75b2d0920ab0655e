import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sessions ended by `logout`, refused until they would have expired (a JWT is otherwise valid on its own). */
export class EndedSessions1797000000000 implements MigrationInterface {
  name = 'EndedSessions1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "ended_sessions" (
        "sid" text NOT NULL,
        "user_id" uuid NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_9d5f1d87a5cee06f28479dfb8ff" PRIMARY KEY ("sid")
      )
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "ended_sessions"`);
  }
}
