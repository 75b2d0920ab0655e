import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ASSET_STATUSES = ['pending', 'ok', 'unreachable'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** The media field a URL is checked for (a URL may serve several items, in several roles). */
export const ASSET_ROLES = ['audio', 'video', 'artwork'] as const;
export type AssetRole = (typeof ASSET_ROLES)[number];

/** The last check of one media URL. Keyed by URL: items that share artwork share its status. */
@Entity('asset_checks')
export class AssetCheckEntity {
  @PrimaryColumn('text')
  url: string;

  @Column('text')
  status: AssetStatus;

  @Column('int', { nullable: true })
  httpStatus: number | null;

  @Column('text', { nullable: true })
  contentType: string | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('int', { nullable: true })
  latencyMs: number | null;

  @Column('timestamptz', { nullable: true })
  checkedAt: Date | null;
}
