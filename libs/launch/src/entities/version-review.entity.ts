import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const REVIEW_DECISIONS = ['submitted', 'approved', 'rejected'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** One review step on one exact version. A version's review status is its latest row; rows are never changed. */
@Entity('version_reviews')
@Index('idx_version_reviews_version', ['versionId', 'at'])
@Index('idx_version_reviews_item', ['itemId', 'at'])
export class VersionReviewEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  itemId: string;

  @Column('uuid')
  versionId: string;

  @Column('int')
  versionNumber: number;

  @Column('text')
  decision: ReviewDecision;

  @Column('text', { nullable: true })
  comment: string | null;

  @Column('uuid', { nullable: true })
  actorId: string | null;

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  at: Date;
}
