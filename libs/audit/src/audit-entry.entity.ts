import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only: the migration installs a trigger that refuses UPDATE and DELETE on this table. */
@Entity('audit_log')
@Index('idx_audit_log_at', ['at'])
@Index('idx_audit_log_entity', ['entityType', 'entityId', 'at'])
@Index('idx_audit_log_actor', ['actorId', 'at'])
@Index('idx_audit_log_action', ['action', 'at'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  at: Date;

  /** A user id, `apikey:<id>`, or `system:<process>` for the scheduler and learner. */
  @Column('text', { nullable: true })
  actorId: string | null;

  @Column('text')
  actorLabel: string;

  @Column('text')
  action: string;

  @Column('text')
  entityType: string;

  @Column('text')
  entityId: string;

  @Column('jsonb', { nullable: true })
  before: unknown;

  @Column('jsonb', { nullable: true })
  after: unknown;

  @Column('text', { nullable: true })
  requestId: string | null;

  @Column('text', { nullable: true })
  summary: string | null;
}
