import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ReleaseEntity } from './release.entity';

export type ReleaseActionKind = 'publish' | 'unpublish';

/** One item in a release. `prior*` columns are filled when the release launches: they are what rollback restores. */
@Entity('release_actions')
@Index('uq_release_actions_release_item', ['releaseId', 'itemId'], { unique: true })
@Index('idx_release_actions_item', ['itemId'])
@Check('ck_release_actions_kind', `"kind" IN ('publish', 'unpublish')`)
export class ReleaseActionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  releaseId: string;

  @ManyToOne(() => ReleaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'fk_release_actions_release' })
  release?: ReleaseEntity;

  @Column('uuid')
  itemId: string;

  @Column('text')
  kind: ReleaseActionKind;

  /** The exact approved version this release publishes (null for unpublish). */
  @Column('uuid', { nullable: true })
  versionId: string | null;

  @Column('int', { nullable: true })
  versionNumber: number | null;

  /** Order applied at launch (dependencies first). */
  @Column('int', { nullable: true })
  appliedOrder: number | null;

  @Column('uuid', { nullable: true })
  priorLiveVersionId: string | null;

  @Column('uuid', { nullable: true })
  priorLiveReleaseId: string | null;

  @Column('text', { nullable: true })
  priorState: string | null;

  @Column('timestamptz', { nullable: true })
  priorLiveSince: Date | null;

  /**
   * The item's latest version (and, above, its workflow state) when the release launched: a record of the moment, not
   * what rollback restores. Rollback restores what was live; the state is derived again from the versions (ItemStates).
   */
  @Column('uuid', { nullable: true })
  latestVersionAtLaunch: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  addedAt: Date;
}
