import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const ITEM_STATES = ['draft', 'in_review', 'approved', 'scheduled', 'live', 'retired'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/**
 * An item's identity, workflow state and a projection of its latest version for searching and listing.
 * The content itself lives in immutable ItemVersion rows.
 */
@Entity('items')
@Check('ck_items_state', `"state" IN ('draft', 'in_review', 'approved', 'scheduled', 'live', 'retired')`)
@Index('idx_items_kind_state', ['kind', 'state'])
@Index('idx_items_updated', ['updatedAt', 'id'])
@Index('idx_items_topics', { synchronize: false }) // GIN, created in the migration
@Index('idx_items_search', { synchronize: false }) // GIN over to_tsvector, created in the migration
export class ItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_items_slug', { unique: true })
  @Column('text')
  slug: string;

  @Column('text')
  kind: string;

  @Column('text', { default: 'draft' })
  state: ItemState;

  @Column('text')
  defaultLocale: string;

  @Column('text', { array: true, default: () => "'{}'" })
  locales: string[];

  @Column('text', { array: true, default: () => "'{}'" })
  completeLocales: string[];

  @Column('text', { array: true, default: () => "'{}'" })
  topics: string[];

  @Column('text', { array: true, default: () => "'{}'" })
  collections: string[];

  /** Title in the default locale, for sorting and lists. */
  @Column('text')
  title: string;

  /** Every title, subtitle and description across locales plus the slug: what text search matches. */
  @Column('text')
  searchText: string;

  @Column('uuid')
  latestVersionId: string;

  @Column('int')
  latestVersionNumber: number;

  @Column('uuid', { nullable: true })
  liveVersionId: string | null;

  /** The release that made the current live version live; its staged rollout decides who sees it. */
  @Column('uuid', { nullable: true })
  liveReleaseId: string | null;

  @Column('timestamptz', { nullable: true })
  liveSince: Date | null;

  @Column('uuid', { nullable: true })
  createdBy: string | null;

  // Millisecond precision, so a list cursor (a JS Date) compares exactly with the stored value.
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
