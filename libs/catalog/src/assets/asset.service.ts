import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { OutboundHttp } from '@marquee/platform-outbound';
import { ItemFields } from '../domain/item-fields';
import { AssetCheckEntity, AssetRole, AssetStatus } from '../entities/asset-check.entity';
import { ownDemoMedia } from '../seed/demo-media';
import { AssetProbe, probeUrl } from './asset-checker';
import { Clock } from '@marquee/platform-core';

export interface ItemAsset {
  role: AssetRole;
  url: string;
  status: AssetStatus;
  httpStatus: number | null;
  error: string | null;
  checkedAt: Date | null;
}

function assetsOf(fields: ItemFields): { role: ItemAsset['role']; url: string }[] {
  const out: { role: ItemAsset['role']; url: string }[] = [];
  if (fields.media.audioUrl) out.push({ role: 'audio', url: fields.media.audioUrl });
  if (fields.media.videoUrl) out.push({ role: 'video', url: fields.media.videoUrl });
  if (fields.media.artworkUrl) out.push({ role: 'artwork', url: fields.media.artworkUrl });
  return out;
}

@Injectable()
export class AssetService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: OutboundHttp,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Checks every media URL of a version and records the result per URL. */
  async checkFields(fields: ItemFields): Promise<ItemAsset[]> {
    const assets = assetsOf(fields);
    const results = await Promise.all(
      assets.map(async (a) => {
        const probe = await this.probe(a.url);
        const row: AssetCheckEntity = {
          url: a.url,
          status: probe.status,
          httpStatus: probe.httpStatus,
          contentType: probe.contentType,
          error: probe.error,
          latencyMs: probe.latencyMs,
          checkedAt: this.clock.now(),
        };
        await this.db.getRepository(AssetCheckEntity).upsert(row, ['url']);
        return { role: a.role, url: a.url, status: probe.status, httpStatus: probe.httpStatus, error: probe.error, checkedAt: row.checkedAt };
      }),
    );
    return results;
  }

  /**
   * The demo workspace's media live on the API itself, at an internal address in a local install. They are verified
   * here against the demo media set, with no request, so the outbound policy needs no hole for them.
   */
  private probe(url: string): Promise<AssetProbe> {
    const demo = ownDemoMedia(url, this.config.publicUrl);
    if (!demo) return probeUrl(url, this.config.assetCheckTimeoutMs, this.http);
    const ok = demo.contentType !== null;
    return Promise.resolve({
      status: ok ? 'ok' : 'unreachable',
      httpStatus: ok ? 200 : 404,
      contentType: demo.contentType,
      error: ok ? null : 'This demo media file does not exist. Use a file name from the demo workspace, or a public URL.',
      latencyMs: 0,
    });
  }

  async markPending(fields: ItemFields): Promise<void> {
    const urls = assetsOf(fields).map((a) => a.url);
    if (!urls.length) return;
    await this.db.query(`INSERT INTO asset_checks (url, status) SELECT unnest($1::text[]), 'pending' ON CONFLICT (url) DO NOTHING`, [urls]);
  }

  async statusOf(fields: ItemFields): Promise<ItemAsset[]> {
    const assets = assetsOf(fields);
    if (!assets.length) return [];
    const rows = await this.db.getRepository(AssetCheckEntity).find({ where: { url: In(assets.map((a) => a.url)) } });
    const byUrl = new Map(rows.map((r) => [r.url, r]));
    return assets.map((a) => {
      const r = byUrl.get(a.url);
      return {
        role: a.role,
        url: a.url,
        status: r?.status ?? 'pending',
        httpStatus: r?.httpStatus ?? null,
        error: r?.error ?? null,
        checkedAt: r?.checkedAt ?? null,
      };
    });
  }

  /** Latest-version URLs never checked, or last checked before `olderThan`: what the worker's sweep re-checks. */
  async staleItemVersions(olderThan: Date, limit = 200): Promise<{ itemId: string; versionId: string }[]> {
    return this.db.query(
      `SELECT i.id AS "itemId", i.latest_version_id AS "versionId"
         FROM items i JOIN item_versions v ON v.id = i.latest_version_id
        WHERE EXISTS (
          SELECT 1 FROM unnest(ARRAY[v.fields->'media'->>'audioUrl', v.fields->'media'->>'videoUrl', v.fields->'media'->>'artworkUrl']) u(url)
          LEFT JOIN asset_checks c ON c.url = u.url
          WHERE u.url IS NOT NULL AND (c.url IS NULL OR c.checked_at IS NULL OR c.checked_at < $1))
        ORDER BY i.updated_at DESC LIMIT $2`,
      [olderThan, limit],
    );
  }
}
