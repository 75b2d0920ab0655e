import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const RELEASE_STATUSES = ['draft', 'scheduled', 'launched', 'failed', 'rolled_back', 'cancelled'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export interface Audience {
  locales: string[];
  platforms: string[];
  tiers: string[];
}

export interface BlockingReason {
  code: string;
  itemId: string | null;
  message: string;
}

@Entity('releases')
@Check('ck_releases_status', `"status" IN ('draft', 'scheduled', 'launched', 'failed', 'rolled_back', 'cancelled')`)
@Check('ck_releases_rollout', `"rollout_percent" BETWEEN 1 AND 100`)
@Index('idx_releases_status_scheduled', ['status', 'scheduledAt'])
export class ReleaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text', { default: 'draft' })
  status: ReleaseStatus;

  /** The UTC instant the release launches at. */
  @Column('timestamptz', { nullable: true })
  scheduledAt: Date | null;

  /** The IANA zone the editor scheduled in, and the wall-clock time they typed, kept to show it back exactly. */
  @Column('text', { nullable: true })
  timeZone: string | null;

  @Column('text', { nullable: true })
  localTime: string | null;

  /** Bumped on every schedule, reschedule and unschedule; a launch job for an older revision does nothing. */
  @Column('int', { default: 0 })
  scheduleRevision: number;

  @Column('int', { default: 100 })
  rolloutPercent: number;

  // Written the way PostgreSQL prints a jsonb default, so the schema drift check compares equal.
  @Column('jsonb', { default: () => `'{"tiers": [], "locales": [], "platforms": []}'` })
  audience: Audience;

  @Column('uuid', { nullable: true })
  createdBy: string | null;

  @Column('uuid', { nullable: true })
  scheduledBy: string | null;

  @Column('timestamptz', { nullable: true })
  launchedAt: Date | null;

  /** launchedAt − scheduledAt, in ms; what scheduler health reports. */
  @Column('int', { nullable: true })
  latenessMs: number | null;

  @Column('jsonb', { nullable: true })
  failureReasons: BlockingReason[] | null;

  @Column('timestamptz', { nullable: true })
  failedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  rolledBackAt: Date | null;

  @Column('uuid', { nullable: true })
  rolledBackBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
