import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The execution log of a release, shown on its page: scheduled, enqueued, reconciled, launched, failed... */
@Entity('release_events')
@Index('idx_release_events_release', ['releaseId', 'at'])
export class ReleaseEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid')
  releaseId: string;

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  at: Date;

  @Column('text')
  kind: string;

  @Column('text')
  message: string;

  @Column('jsonb', { nullable: true })
  details: Record<string, unknown> | null;
}
