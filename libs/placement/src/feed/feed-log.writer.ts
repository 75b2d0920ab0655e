import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { findUnstorableText } from '@marquee/platform-core';
import { UnwrittenRows, describeDatabaseError, isDatabaseUnavailable, writeSplitting } from '@marquee/platform-database';

export interface FeedRequestLog {
  requestId: string;
  servedAt: Date;
  surface: string;
  userId: string;
  policyVersion: string;
  stateRevision: number | null;
  seed: number | null;
  poolFingerprint: string | null;
  eligibleMask: Buffer | null;
  userFeatures: number[] | null;
  testShare: number | null;
  context: Record<string, unknown>;
  fallback: boolean;
  latencyUs: number;
  apiKeyId: string | null;
  placements: { position: number; itemId: string; reason: string; propensity: number; propensityError: number }[];
}

const FLUSH_MS = 200;
const MAX_BUFFER = 20_000;

/**
 * Feed logs are written after the response, in batches (one multi-row statement per table every 200 ms), so logging
 * adds nothing to feed latency. A crash can lose the last 200 ms of logs; events still carry their full attribution
 * in their tracking tokens, so learning is unaffected.
 *
 * One bad log never stops the others: a log holding text PostgreSQL cannot store (a NUL byte, a lone surrogate) is
 * dropped before the batch with a line saying which and why, and if PostgreSQL still refuses a batch, it is written
 * in halves down to the logs it refuses, which are dropped the same way. While PostgreSQL is down, logs wait in memory
 * (up to 20,000) and are written when it is back.
 */
@Injectable()
export class FeedLogWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('FeedLog');
  private buffer: FeedRequestLog[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private dropped = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  push(entry: FeedRequestLog): void {
    if (this.buffer.length >= MAX_BUFFER) {
      this.dropped++;
      if (this.dropped % 1000 === 1)
        this.logger.warn(`Feed log buffer is full (PostgreSQL slow or down); dropped ${this.dropped} request log(s) so far. Feeds keep serving.`);
      return;
    }
    this.buffer.push(entry);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.buffer.length) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.writeAll(batch)
      .catch((e) => {
        if (!(e instanceof UnwrittenRows)) {
          // Not PostgreSQL being away (that is UnwrittenRows): retrying the same batch would fail the same way forever.
          this.logger.error(`Dropped ${batch.length} feed log(s) after an unexpected error: ${(e as Error)?.stack ?? e}. Feeds keep serving; report this.`);
          return;
        }
        const rows = e.rows as FeedRequestLog[];
        this.logger.warn(`Could not write ${rows.length} feed log(s): ${describeDatabaseError(e.reason)}. Keeping them to retry in 2 s.`);
        if (this.buffer.length + rows.length <= MAX_BUFFER) this.buffer.unshift(...rows);
        else this.dropped += rows.length;
        this.timer ??= setTimeout(() => void this.flush(), 2000);
      })
      .finally(() => (this.flushing = null));
    await this.flushing;
  }

  /** Leaves out the logs that cannot be stored, each with a log line, and writes the rest. */
  private async writeAll(batch: FeedRequestLog[]): Promise<void> {
    const storable: FeedRequestLog[] = [];
    for (const r of batch) {
      const bad = findUnstorableText({
        requestId: r.requestId,
        surface: r.surface,
        userId: r.userId,
        policyVersion: r.policyVersion,
        poolFingerprint: r.poolFingerprint,
        context: r.context,
        placements: r.placements,
      });
      if (bad) this.drop(r, `its ${bad.path} holds ${bad.problem}, which PostgreSQL cannot store`, batch.length);
      else storable.push(r);
    }
    await writeSplitting(
      storable,
      (rows) => this.write(rows),
      isDatabaseUnavailable,
      (r, e) => this.drop(r, `PostgreSQL refused it: ${describeDatabaseError(e)}`, batch.length),
    );
  }

  private drop(r: FeedRequestLog, why: string, of: number): void {
    this.logger.warn(
      `Dropped the log of feed request ${r.requestId} (surface ${JSON.stringify(r.surface)}, user ${JSON.stringify(r.userId)}): ${why}. The other logs of its batch of ${of} are written; the client got its feed.`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async write(batch: FeedRequestLog[]): Promise<void> {
    const col = <T>(f: (r: FeedRequestLog) => T) => batch.map(f);
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO feed_requests (request_id, served_at, surface, user_id, policy_version, state_revision, seed, pool_fingerprint, eligible_mask, user_features, test_share, context, fallback, latency_us, api_key_id)
         SELECT r, s, su, u, p, sr, sd, pf, decode(em, 'base64'), CASE WHEN uf IS NULL THEN NULL ELSE uf::real[] END, ts, c::jsonb, fb, l, k
           FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::float8[], $12::text[], $13::bool[], $14::int[], $15::uuid[])
             AS t(r, s, su, u, p, sr, sd, pf, em, uf, ts, c, fb, l, k)
         ON CONFLICT DO NOTHING`,
        [
          col((r) => r.requestId),
          col((r) => r.servedAt.toISOString()),
          col((r) => r.surface),
          col((r) => r.userId),
          col((r) => r.policyVersion),
          col((r) => r.stateRevision),
          col((r) => r.seed),
          col((r) => r.poolFingerprint),
          col((r) => r.eligibleMask?.toString('base64') ?? null),
          col((r) => (r.userFeatures ? `{${r.userFeatures.join(',')}}` : null)),
          col((r) => r.testShare),
          col((r) => JSON.stringify(r.context)),
          col((r) => r.fallback),
          col((r) => r.latencyUs),
          col((r) => r.apiKeyId),
        ],
      );
      const rows = batch.flatMap((r) => r.placements.map((p) => ({ r, p })));
      if (!rows.length) return;
      await m.query(
        `INSERT INTO placements (request_id, served_at, position, item_id, reason, propensity, propensity_error, surface, user_id, policy_version)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::uuid[], $5::text[], $6::float8[], $7::float8[], $8::text[], $9::text[], $10::text[])
         ON CONFLICT DO NOTHING`,
        [
          rows.map((x) => x.r.requestId),
          rows.map((x) => x.r.servedAt.toISOString()),
          rows.map((x) => x.p.position),
          rows.map((x) => x.p.itemId),
          rows.map((x) => x.p.reason),
          rows.map((x) => x.p.propensity),
          rows.map((x) => x.p.propensityError),
          rows.map((x) => x.r.surface),
          rows.map((x) => x.r.userId),
          rows.map((x) => x.r.policyVersion),
        ],
      );
    });
  }
}
