import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Caller, ClientLimits } from '@marquee/platform-auth';
import { CircuitBreaker, Clock, InputError, UnavailableError, clientIdProblem, unstorableText } from '@marquee/platform-core';
import { describeDatabaseError, isDatabaseUnavailable } from '@marquee/platform-database';
import { Placement, TrackingTokens } from './tracking-token';

const ENGAGEMENT_TYPES = ['IMPRESSION', 'OPEN', 'PLAY_START', 'COMPLETE', 'SKIP', 'DISMISS'] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];

export interface EngagementEventInput {
  eventId: string;
  type: EngagementType;
  trackingToken: string;
  occurredAt: Date;
  value?: number | null;
}

export interface RejectedEvent {
  index: number;
  code:
    | 'INVALID_EVENT_ID'
    | 'EVENT_ID_REUSED'
    | 'INVALID_TOKEN'
    | 'TOKEN_EXPIRED'
    | 'TOKEN_KEY_MISMATCH'
    | 'OCCURRED_IN_FUTURE'
    | 'OCCURRED_BEFORE_SERVED'
    | 'INVALID_VALUE'
    | 'INVALID_TYPE'
    | 'NOT_STORABLE';
  message: string;
}

export interface TrackResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
}

const MAX_BATCH = 500;
const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const FUTURE_LIMIT_MS = 24 * 3600_000;
/** Device clocks drift; an event may claim to precede its slot by this much before it is refused. */
const CLOCK_SKEW_MS = 3600_000;

export const TRACKING_TOKENS = Symbol('TRACKING_TOKENS');

type Row = { e: EngagementEventInput; p: Placement; index: number; fingerprint: string };

/**
 * What an event says, hashed: two events with the same eventId and the same fingerprint are one event sent twice (a
 * retry); with different fingerprints they are two events under one id. The instant, not its spelling, is hashed, so a
 * retry that writes the same time another way is still the same event.
 */
function fingerprint(e: EngagementEventInput): string {
  return createHash('sha256')
    .update(JSON.stringify([e.type, e.trackingToken, e.occurredAt.getTime(), e.value ?? null]))
    .digest('base64url')
    .slice(0, 22);
}

function reusedId(index: number, eventId: string, first: number | null): RejectedEvent {
  const where = first === null ? 'an event stored earlier' : `event ${first} of this batch`;
  return {
    index,
    code: 'EVENT_ID_REUSED',
    message: `eventId ${JSON.stringify(eventId)} is already used by ${where}, which has a different type, trackingToken, occurredAt or value. This event was not stored; give every event an eventId of its own (a new UUID) and send it again.`,
  };
}

/**
 * Stores engagement events durably, exactly once per eventId, attributed through their signed tracking tokens.
 * Each invalid event is rejected on its own with a code; the valid events of the same batch are stored.
 *
 * While PostgreSQL is down the whole call answers UNAVAILABLE (503, retryable, retryAfter) and stores nothing: the
 * batch is one statement, or one transaction when it has to go row by row. Clients send the same batch again with
 * the same eventIds, and what was stored is never stored twice.
 */
@Injectable()
export class EventsService {
  private readonly logger = new Logger('Events');
  private readonly circuit: CircuitBreaker;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TRACKING_TOKENS) private readonly tokens: TrackingTokens,
    @Inject(Clock) private readonly clock: Clock,
    // The API's rate limits (AuthModule); the worker, which takes no client calls, runs without them.
    @Optional() private readonly limits?: ClientLimits,
  ) {
    this.circuit = new CircuitBreaker(() => this.clock.nowMs(), 3, 2000);
  }

  async track(events: EngagementEventInput[], caller: Caller): Promise<TrackResult> {
    if (events.length > MAX_BATCH) {
      throw new InputError(`A batch holds at most ${MAX_BATCH} events; this one has ${events.length}. Split it and send the parts; nothing was stored.`, [
        { field: 'events', message: `has more than ${MAX_BATCH} events` },
      ]);
    }
    await this.limits?.take('events', caller, events.length);
    const apiKeyId = caller.apiKeyId;
    const now = this.clock.nowMs();
    const rejected: RejectedEvent[] = [];
    const valid: Row[] = [];
    // The first valid event of the batch with each id, and what it said: a repeat of it is a duplicate, another event
    // under its id is EVENT_ID_REUSED.
    const seen = new Map<string, { index: number; fingerprint: string }>();
    // An impression and the play that follows share a token: verify each distinct token once per batch.
    const verified = new Map<string, ReturnType<TrackingTokens['verify']>>();
    let duplicates = 0;
    events.forEach((e, index) => {
      if (typeof e.eventId !== 'string' || !EVENT_ID.test(e.eventId)) {
        return rejected.push({
          index,
          code: 'INVALID_EVENT_ID',
          message: 'eventId must be 1 to 128 letters, digits, ".", "_", ":" or "-"; a UUID works well.',
        });
      }
      if (!ENGAGEMENT_TYPES.includes(e.type))
        return rejected.push({ index, code: 'INVALID_TYPE', message: `type must be one of ${ENGAGEMENT_TYPES.join(', ')}.` });
      let v = verified.get(e.trackingToken);
      if (!v) verified.set(e.trackingToken, (v = this.tokens.verify(e.trackingToken, now)));
      if (!v.ok) {
        return rejected.push(
          v.problem === 'TOKEN_EXPIRED'
            ? { index, code: 'TOKEN_EXPIRED', message: 'The tracking token has expired; events must be sent within 7 days of the feed that served the item.' }
            : {
                index,
                code: 'INVALID_TOKEN',
                message: 'The tracking token is not one Marquee issued (forged, altered or truncated). Send the token exactly as the feed returned it.',
              },
        );
      }
      if (v.placement.apiKeyId && v.placement.apiKeyId !== apiKeyId) {
        return rejected.push({
          index,
          code: 'TOKEN_KEY_MISMATCH',
          message: 'The tracking token was issued to another API key. Send events with the same key that requested the feed.',
        });
      }
      const text = unstorableText(`${v.placement.requestId}${v.placement.surface}${v.placement.userId}${v.placement.reason}${v.placement.policyVersion}`);
      if (text) {
        return rejected.push({
          index,
          code: 'INVALID_TOKEN',
          message: `The tracking token carries text that cannot be stored (${text.replace(/ at character \d+$/, '')} in its user id or surface); the event was not stored.`,
        });
      }
      // Signed before the feed refused such ids (a token lives 7 days): the id would be stored and shown in staff tools.
      const badUser = clientIdProblem(v.placement.userId);
      if (badUser) {
        return rejected.push({
          index,
          code: 'INVALID_TOKEN',
          message: `The tracking token's user id ${badUser}. The event was not stored; request the feed again with such a user id and send the event with its new token.`,
        });
      }
      const at = e.occurredAt instanceof Date ? e.occurredAt.getTime() : NaN;
      if (!Number.isFinite(at)) return rejected.push({ index, code: 'OCCURRED_IN_FUTURE', message: 'occurredAt is not a valid date-time.' });
      if (at > now + FUTURE_LIMIT_MS)
        return rejected.push({ index, code: 'OCCURRED_IN_FUTURE', message: 'occurredAt is more than 24 h in the future. Check the device clock.' });
      if (at < v.placement.servedAt - CLOCK_SKEW_MS)
        return rejected.push({ index, code: 'OCCURRED_BEFORE_SERVED', message: 'occurredAt is before the feed served this item. Check the device clock.' });
      if (e.value !== undefined && e.value !== null && (!Number.isFinite(e.value) || e.value < 0 || e.value > 1e9)) {
        return rejected.push({ index, code: 'INVALID_VALUE', message: 'value must be a number from 0 to 1e9 (for example seconds played).' });
      }
      const print = fingerprint(e);
      const first = seen.get(e.eventId);
      if (first) {
        if (first.fingerprint === print) duplicates++;
        else rejected.push(reusedId(index, e.eventId, first.index));
        return;
      }
      seen.set(e.eventId, { index, fingerprint: print });
      valid.push({ e, p: v.placement, index, fingerprint: print });
    });
    if (!valid.length) return { accepted: 0, duplicates, rejected };
    const { inserted, failed, reused } = await this.store(valid, apiKeyId);
    for (const f of failed) rejected.push(f);
    for (const row of reused) rejected.push(reusedId(row.index, row.e.eventId, null));
    rejected.sort((a, b) => a.index - b.index);
    return { accepted: inserted, duplicates: duplicates + (valid.length - failed.length - reused.length - inserted), rejected };
  }

  /**
   * One statement for the whole batch. If PostgreSQL refuses a row in it (a value it cannot take), the batch goes again
   * row by row inside one transaction, each row behind a savepoint: the refused rows are rejected on their own and the
   * rest commit together.
   */
  private async store(rows: Row[], apiKeyId: string | null): Promise<{ inserted: number; failed: RejectedEvent[]; reused: Row[] }> {
    if (!this.circuit.allow()) throw this.unavailable();
    try {
      const { inserted, reused } = await this.insert(this.db.manager, rows, apiKeyId);
      this.circuit.success();
      return { inserted, failed: [], reused };
    } catch (e) {
      if (isDatabaseUnavailable(e)) {
        this.circuit.failure();
        throw this.unavailable(e);
      }
      this.circuit.success();
      this.logger.warn(
        `A batch of ${rows.length} event(s) was refused whole (${describeDatabaseError(e)}); storing it row by row so only the bad rows are dropped.`,
      );
    }
    try {
      return await this.db.transaction(async (m) => {
        let inserted = 0;
        const failed: RejectedEvent[] = [];
        const reused: Row[] = [];
        for (const row of rows) {
          await m.query('SAVEPOINT marquee_event');
          try {
            const one = await this.insert(m, [row], apiKeyId);
            inserted += one.inserted;
            reused.push(...one.reused);
            await m.query('RELEASE SAVEPOINT marquee_event');
          } catch (e) {
            if (isDatabaseUnavailable(e)) throw e;
            await m.query('ROLLBACK TO SAVEPOINT marquee_event');
            const code = (e as { code?: string }).code ?? (e as { driverError?: { code?: string } }).driverError?.code ?? 'unknown';
            this.logger.warn(
              `Dropped event ${JSON.stringify(row.e.eventId)} (index ${row.index} of its batch): PostgreSQL refused it: ${describeDatabaseError(e)}. The rest of the batch is kept.`,
            );
            failed.push({
              index: row.index,
              code: 'NOT_STORABLE',
              message: `PostgreSQL could not store this event (SQLSTATE ${code}); it was dropped and the rest of the batch kept. Check its fields and token.`,
            });
          }
        }
        return { inserted, failed, reused };
      });
    } catch (e) {
      if (isDatabaseUnavailable(e)) {
        this.circuit.failure();
        throw this.unavailable(e);
      }
      throw e;
    }
  }

  private unavailable(cause?: unknown): UnavailableError {
    if (cause)
      this.logger.warn(
        `trackEvents answered UNAVAILABLE: PostgreSQL did not take the batch (${describeDatabaseError(cause)}). Clients retry; nothing was stored.`,
      );
    return new UnavailableError(
      'Events cannot be stored right now: the database is not answering. Nothing from this batch was stored; send the same batch again (same eventIds) after retryAfter seconds.',
      Math.max(5, Math.ceil(this.circuit.retryInMs() / 1000)),
    );
  }

  /**
   * Inserts the rows whose eventId is new; of the others, returns those whose stored fingerprint differs (another event
   * under a reused id). An id stored by a batch that committed while this statement ran is not visible to its
   * fingerprint check, so such a repeat counts as a duplicate.
   */
  private async insert(m: EntityManager, rows: Row[], apiKeyId: string | null): Promise<{ inserted: number; reused: Row[] }> {
    const col = <T>(f: (r: Row) => T) => rows.map(f);
    // One statement: register the ids (the unique key makes it exactly once, even across concurrent batches), then
    // insert only the events whose id was new. Arrays keep it a single round trip however large the batch.
    const result: { n: number; reused: string[] }[] = await m.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::int[], $10::float8[], $11::text[], $12::text[], $13::timestamptz[], $15::text[])
           AS t(event_id, type, occurred_at, value, request_id, surface, user_id, item_id, position, propensity, reason, policy_version, served_at, fingerprint)
       ), fresh AS (
         INSERT INTO engagement_event_ids (event_id, fingerprint) SELECT event_id, fingerprint FROM input ON CONFLICT DO NOTHING RETURNING event_id
       ), ins AS (
         INSERT INTO engagement_events (event_id, type, occurred_at, value, request_id, surface, user_id, item_id, position, propensity, reason, policy_version, served_at, api_key_id)
         SELECT i.event_id, i.type, i.occurred_at, i.value, i.request_id, i.surface, i.user_id, i.item_id, i.position, i.propensity, i.reason, i.policy_version, i.served_at, $14::uuid
           FROM input i JOIN fresh f USING (event_id)
         RETURNING 1
       )
       SELECT (SELECT count(*)::int FROM ins) AS n,
              (SELECT coalesce(array_agg(i.event_id), '{}') FROM input i JOIN engagement_event_ids x USING (event_id)
                WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.event_id = i.event_id)
                  AND x.fingerprint IS NOT NULL AND x.fingerprint <> i.fingerprint) AS reused`,
      [
        col((r) => r.e.eventId),
        col((r) => r.e.type),
        col((r) => r.e.occurredAt.toISOString()),
        col((r) => r.e.value ?? null),
        col((r) => r.p.requestId),
        col((r) => r.p.surface),
        col((r) => r.p.userId),
        col((r) => r.p.itemId),
        col((r) => r.p.position),
        col((r) => r.p.propensity),
        col((r) => r.p.reason),
        col((r) => r.p.policyVersion),
        col((r) => new Date(r.p.servedAt).toISOString()),
        apiKeyId,
        col((r) => r.fingerprint),
      ],
    );
    const reused = new Set(result[0].reused);
    return { inserted: result[0].n, reused: reused.size ? rows.filter((r) => reused.has(r.e.eventId)) : [] };
  }
}
