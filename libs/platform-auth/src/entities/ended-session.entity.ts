import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Sessions ended by `logout` before they expired. A session token is a signed JWT that stays valid on its own until
 * it expires, so signing out must be remembered server-side; a row is useless once the token has expired anyway and is
 * purged then.
 */
@Entity('ended_sessions')
export class EndedSessionEntity {
  /** The token's `sid` claim. */
  @PrimaryColumn('text')
  sid: string;

  @Column('uuid')
  userId: string;

  /** When the token would have expired: the row can go after that. */
  @Column('timestamptz')
  expiresAt: Date;
}
