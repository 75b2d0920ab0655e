import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed sign-in counters in PostgreSQL, beside the ones in Redis, so a Redis flush or outage never grants extra
 * guesses. The columns are the ones rate-limiter-flexible's PostgreSQL store uses (it never creates the table itself).
 */
export class LoginLimits1796521277721 implements MigrationInterface {
  name = 'LoginLimits1796521277721';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "login_limits" (
        "key" character varying(255) NOT NULL,
        "points" integer NOT NULL DEFAULT '0',
        "expire" bigint,
        CONSTRAINT "PK_8779a807901c4bcbb4bdf38d42a" PRIMARY KEY ("key")
      )
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "login_limits"`);
  }
}
