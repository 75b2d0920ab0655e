import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ItemFields, compareAppVersions, titleIn } from '@marquee/catalog';
import { isEligible, RolloutRule, Viewer } from '@marquee/launch';

/** A live item as the feed needs it: its visible version, and what non-eligible viewers of a staged rollout see. */
export interface LiveItem {
  id: string;
  /** What viewers see (eligible viewers, when a staged release applies); null when that release unpublished it. */
  fields: ItemFields | null;
  /** The version the engine describes the item by: `fields`, or the prior version when it was unpublished. */
  base: ItemFields;
  liveSince: Date | null;
  /** Set when a staged release made `fields` live; viewers outside it see `priorFields` (or nothing). */
  rollout: RolloutRule | null;
  priorFields: ItemFields | null;
}

export interface FeedViewer extends Viewer {
  appVersion?: string | null;
}

/** The version a viewer sees, or null when the item is not available to them at all. */
export function visibleFields(item: LiveItem, viewer: FeedViewer): ItemFields | null {
  const fields = item.rollout && !isEligible(item.rollout, viewer) ? item.priorFields : item.fields;
  if (!fields) return null;
  if (viewer.locale) {
    const lang = viewer.locale.split('-')[0].toLowerCase();
    if (!fields.locales.some((l) => l.toLowerCase() === viewer.locale!.toLowerCase() || l.split('-')[0].toLowerCase() === lang)) return null;
  }
  if (viewer.platform && !fields.platforms.includes(viewer.platform as never)) return null;
  if (viewer.appVersion && fields.minAppVersion && compareAppVersions(viewer.appVersion, fields.minAppVersion) < 0) return null;
  if (fields.availability === 'premium' && (viewer.tier ?? 'free').toLowerCase() !== 'premium') return null;
  return fields;
}

export function displayTitle(fields: ItemFields, locale?: string | null): string {
  return titleIn(fields, locale);
}

/** Reads every item that is live, or hidden only for some viewers by a staged release, in one query. */
@Injectable()
export class LiveItemsReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A cheap fingerprint of everything that changes what is live; the cache reloads only when it moves. */
  async version(): Promise<string> {
    const [r] = await this.db.query(
      `SELECT (SELECT coalesce(max(updated_at), 'epoch') FROM items)::text || '|' || (SELECT coalesce(max(updated_at), 'epoch') FROM releases)::text AS v`,
    );
    return r.v;
  }

  async load(): Promise<LiveItem[]> {
    const rows: {
      id: string;
      live_since: Date | null;
      fields: ItemFields | null;
      release_id: string | null;
      status: string | null;
      rollout_percent: number | null;
      audience: RolloutRule['audience'] | null;
      prior_fields: ItemFields | null;
    }[] = await this.db.query(
      `SELECT i.id, i.live_since, v.fields, r.id AS release_id, r.status, r.rollout_percent, r.audience, pv.fields AS prior_fields
           FROM items i
           LEFT JOIN item_versions v ON v.id = i.live_version_id
           LEFT JOIN releases r ON r.id = i.live_release_id AND r.status = 'launched' AND (r.rollout_percent < 100 OR r.audience <> '{"tiers": [], "locales": [], "platforms": []}'::jsonb)
           LEFT JOIN release_actions a ON a.release_id = r.id AND a.item_id = i.id
           LEFT JOIN item_versions pv ON pv.id = a.prior_live_version_id
          WHERE i.live_version_id IS NOT NULL OR (r.id IS NOT NULL AND a.prior_live_version_id IS NOT NULL)`,
    );
    return rows.map((r) => ({
      id: r.id,
      fields: r.fields,
      base: (r.fields ?? r.prior_fields)!,
      liveSince: r.live_since,
      rollout: r.release_id ? { releaseId: r.release_id, rolloutPercent: r.rollout_percent!, audience: r.audience! } : null,
      priorFields: r.release_id ? r.prior_fields : null,
    }));
  }
}
