import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-in counters kept in PostgreSQL next to the ones in Redis, so a Redis flush or outage never grants extra
 * guesses. The shape is the one rate-limiter-flexible's PostgreSQL store reads and writes.
 */
@Entity('login_limits')
export class LoginLimitEntity {
  @PrimaryColumn('varchar', { length: 255 })
  key: string;

  @Column('integer', { default: 0 })
  points: number;

  /** Epoch milliseconds at which the counter resets. */
  @Column('bigint', { nullable: true })
  expire: string | null;
}
