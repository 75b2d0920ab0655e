import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, InputError } from '@marquee/platform-core';
import { Placement, TrackingTokens } from './tracking-token';

export const ENGAGEMENT_TYPES = ['IMPRESSION', 'OPEN', 'PLAY_START', 'COMPLETE', 'SKIP', 'DISMISS'] as const;
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
  code: 'INVALID_EVENT_ID' | 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'OCCURRED_IN_FUTURE' | 'OCCURRED_BEFORE_SERVED' | 'INVALID_VALUE' | 'INVALID_TYPE';
  message: string;
}

export interface TrackResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
}

export const MAX_BATCH = 500;
const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const FUTURE_LIMIT_MS = 24 * 3600_000;
/** Device clocks drift; an event may claim to precede its slot by this much before it is refused. */
const CLOCK_SKEW_MS = 3600_000;

export const TRACKING_TOKENS = Symbol('TRACKING_TOKENS');

/**
 * Stores engagement events durably, exactly once per eventId, attributed through their signed tracking tokens.
 * Each invalid event is rejected on its own with a code; the valid events of the same batch are stored.
 */
@Injectable()
export class EventsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TRACKING_TOKENS) private readonly tokens: TrackingTokens,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async track(events: EngagementEventInput[], apiKeyId: string | null): Promise<TrackResult> {
    if (events.length > MAX_BATCH) {
      throw new InputError(`A batch holds at most ${MAX_BATCH} events; this one has ${events.length}. Split it and send the parts; nothing was stored.`, [
        { field: 'events', message: `has more than ${MAX_BATCH} events` },
      ]);
    }
    const now = this.clock.nowMs();
    const rejected: RejectedEvent[] = [];
    const valid: { e: EngagementEventInput; p: Placement }[] = [];
    const seen = new Set<string>();
    // An impression and the play that follows share a token: verify each distinct token once per batch.
    const verified = new Map<string, ReturnType<TrackingTokens['verify']>>();
    let duplicates = 0;
    events.forEach((e, index) => {
      if (typeof e.eventId !== 'string' || !EVENT_ID.test(e.eventId)) {
        return rejected.push({ index, code: 'INVALID_EVENT_ID', message: 'eventId must be 1 to 128 letters, digits, ".", "_", ":" or "-"; a UUID works well.' });
      }
      if (!ENGAGEMENT_TYPES.includes(e.type)) return rejected.push({ index, code: 'INVALID_TYPE', message: `type must be one of ${ENGAGEMENT_TYPES.join(', ')}.` });
      let v = verified.get(e.trackingToken);
      if (!v) verified.set(e.trackingToken, (v = this.tokens.verify(e.trackingToken, now)));
      if (!v.ok) {
        return rejected.push(
          v.problem === 'TOKEN_EXPIRED'
            ? { index, code: 'TOKEN_EXPIRED', message: 'The tracking token has expired; events must be sent within 7 days of the feed that served the item.' }
            : { index, code: 'INVALID_TOKEN', message: 'The tracking token is not one Marquee issued (forged, altered or truncated). Send the token exactly as the feed returned it.' },
        );
      }
      const at = e.occurredAt instanceof Date ? e.occurredAt.getTime() : NaN;
      if (!Number.isFinite(at)) return rejected.push({ index, code: 'OCCURRED_IN_FUTURE', message: 'occurredAt is not a valid date-time.' });
      if (at > now + FUTURE_LIMIT_MS) return rejected.push({ index, code: 'OCCURRED_IN_FUTURE', message: 'occurredAt is more than 24 h in the future. Check the device clock.' });
      if (at < v.placement.servedAt - CLOCK_SKEW_MS) return rejected.push({ index, code: 'OCCURRED_BEFORE_SERVED', message: 'occurredAt is before the feed served this item. Check the device clock.' });
      if (e.value !== undefined && e.value !== null && (!Number.isFinite(e.value) || e.value < 0 || e.value > 1e9)) {
        return rejected.push({ index, code: 'INVALID_VALUE', message: 'value must be a number from 0 to 1e9 (for example seconds played).' });
      }
      if (seen.has(e.eventId)) {
        duplicates++;
        return;
      }
      seen.add(e.eventId);
      valid.push({ e, p: v.placement });
    });
    const inserted = valid.length ? await this.insert(valid, apiKeyId) : 0;
    return { accepted: inserted, duplicates: duplicates + (valid.length - inserted), rejected };
  }

  private async insert(rows: { e: EngagementEventInput; p: Placement }[], apiKeyId: string | null): Promise<number> {
    const col = <T>(f: (r: { e: EngagementEventInput; p: Placement }) => T) => rows.map(f);
    // One statement: register the ids (the unique key makes it exactly once, even across concurrent batches), then
    // insert only the events whose id was new. Arrays keep it a single round trip however large the batch.
    const result: { n: number }[] = await this.db.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::int[], $10::float8[], $11::text[], $12::text[], $13::timestamptz[])
           AS t(event_id, type, occurred_at, value, request_id, surface, user_id, item_id, position, propensity, reason, policy_version, served_at)
       ), fresh AS (
         INSERT INTO engagement_event_ids (event_id) SELECT event_id FROM input ON CONFLICT DO NOTHING RETURNING event_id
       ), ins AS (
         INSERT INTO engagement_events (event_id, type, occurred_at, value, request_id, surface, user_id, item_id, position, propensity, reason, policy_version, served_at, api_key_id)
         SELECT i.event_id, i.type, i.occurred_at, i.value, i.request_id, i.surface, i.user_id, i.item_id, i.position, i.propensity, i.reason, i.policy_version, i.served_at, $14::uuid
           FROM input i JOIN fresh f USING (event_id)
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM ins`,
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
      ],
    );
    return result[0].n;
  }
}
