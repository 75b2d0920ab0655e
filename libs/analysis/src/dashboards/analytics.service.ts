import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SurfaceEntity } from '@marquee/placement';
import { InputError, NotFoundError, assertId } from '@marquee/platform-core';
import { betaInterval } from './intervals';

export interface SpendRow {
  bucket: Date;
  servedSlots: number;
  testSlots: number;
  randomSlots: number;
  share: number;
  budget: number;
}

export interface SuccessRow {
  day: Date;
  policyVersion: string;
  impressions: number;
  successes: number;
  rate: number;
  lower: number;
  upper: number;
}

export interface TimelineRow {
  day: Date;
  /** Every impression of the item on the surface that day. */
  impressions: number;
  successes: number;
  /** Only those in content-test slots: what the test itself counts. */
  testImpressions: number;
  testSuccesses: number;
}

/** The analyst's numbers, straight from the logs in PostgreSQL. */
@Injectable()
export class AnalyticsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Share of served slots used by content tests and the random floor, against the surface's budget. */
  async explorationSpend(surfaceKey: string, days: number, granularity: 'day' | 'hour'): Promise<SpendRow[]> {
    const s = await this.surface(surfaceKey);
    this.checkDays(days);
    const rows: { bucket: Date; served: number; test: number; random: number }[] = await this.db.query(
      `SELECT date_trunc($3, served_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket, count(*)::int AS served,
              count(*) FILTER (WHERE reason = 'CONTENT_TEST')::int AS test, count(*) FILTER (WHERE reason = 'EXPLORATION')::int AS random
         FROM placements WHERE surface = $1 AND served_at >= now() - ($2 || ' days')::interval AND reason <> 'FALLBACK'
        GROUP BY 1 ORDER BY 1`,
      [s.key, String(days), granularity],
    );
    return rows.map((r) => ({
      bucket: r.bucket,
      servedSlots: r.served,
      testSlots: r.test,
      randomSlots: r.random,
      share: r.served ? (r.test + r.random) / r.served : 0,
      budget: s.explorationBudget,
    }));
  }

  /** Success per impression by day and policy version, with 95% intervals. */
  async surfaceSuccess(surfaceKey: string, days: number): Promise<SuccessRow[]> {
    const s = await this.surface(surfaceKey);
    this.checkDays(days);
    const rows: { day: Date; policy_version: string; n: number; k: number }[] = await this.db.query(
      // One row per served slot that was seen, however many IMPRESSION events it got (a sticky slate can be shown
      // again), as the learner counts them; success = the surface's success event for that slot.
      `WITH seen AS (
         SELECT DISTINCT ON (e.request_id, e.item_id) e.request_id, e.item_id, e.policy_version, e.served_at
           FROM engagement_events e WHERE e.surface = $1 AND e.type = 'IMPRESSION' AND e.received_at >= now() - ($2 || ' days')::interval)
       SELECT date_trunc('day', e.served_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, e.policy_version, count(*)::int AS n,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM engagement_events x WHERE x.request_id = e.request_id AND x.item_id = e.item_id AND x.type = $3))::int AS k
         FROM seen e GROUP BY 1, 2 ORDER BY 1, 2`,
      [s.key, String(days), s.successEvent],
    );
    return rows.map((r) => {
      const ci = betaInterval(r.k, r.n);
      return { day: r.day, policyVersion: r.policy_version, impressions: r.n, successes: r.k, rate: r.n ? r.k / r.n : 0, lower: ci.lower, upper: ci.upper };
    });
  }

  /** A content test's impressions and successes per day. */
  async testTimeline(testId: string): Promise<TimelineRow[]> {
    assertId('content test', testId);
    const [t] = await this.db.query('SELECT surface_key, item_id, started_at FROM content_tests WHERE id = $1', [testId]);
    if (!t) throw new NotFoundError('content test', testId);
    const [s] = await this.db.query('SELECT success_event FROM surfaces WHERE key = $1', [t.surface_key]);
    return (
      await this.db.query(
        `WITH seen AS (
           SELECT DISTINCT ON (e.request_id) e.request_id, e.item_id, e.served_at, e.reason
             FROM engagement_events e WHERE e.surface = $1 AND e.item_id = $2 AND e.type = 'IMPRESSION' AND e.received_at >= $3),
         imp AS (
           SELECT e.served_at, e.reason, EXISTS (SELECT 1 FROM engagement_events x WHERE x.request_id = e.request_id AND x.item_id = e.item_id AND x.type = $4) AS won
             FROM seen e)
         SELECT date_trunc('day', served_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, count(*)::int AS n, count(*) FILTER (WHERE won)::int AS k,
                count(*) FILTER (WHERE reason = 'CONTENT_TEST')::int AS tn, count(*) FILTER (WHERE reason = 'CONTENT_TEST' AND won)::int AS tk
           FROM imp GROUP BY 1 ORDER BY 1`,
        [t.surface_key, t.item_id, t.started_at, s?.success_event ?? 'PLAY_START'],
      )
    ).map((r: { day: Date; n: number; k: number; tn: number; tk: number }) => ({
      day: r.day,
      impressions: r.n,
      successes: r.k,
      testImpressions: r.tn,
      testSuccesses: r.tk,
    }));
  }

  private async surface(key: string): Promise<SurfaceEntity> {
    const s = await this.db.getRepository(SurfaceEntity).findOne({ where: { key } });
    if (!s) throw new NotFoundError('surface', key, '', 'key');
    return s;
  }

  private checkDays(days: number): void {
    if (!Number.isInteger(days) || days < 1 || days > 90)
      throw new InputError('days must be from 1 to 90.', [{ field: 'days', message: 'must be from 1 to 90' }]);
  }
}
