import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LiveContentService, LiveSource } from '@marquee/launch';
import { Clock, InputError, hashString, quoteInput } from '@marquee/platform-core';
import {
  PersonFactors,
  PersonHistory,
  UserProfile,
  buildSlate,
  buildUserFeatures,
  collabGain,
  personPosterior,
  poolFactors,
  slateHistory,
  testShareFor,
  topKDot,
} from '../engine';
import { EngineRuntime, buildPool, descriptorOf, matchesRule, surfacePolicy } from '../runtime/engine-runtime';
import { LiveItem, displayTitle, visibleFields } from '../runtime/live-items';
import { FeedContext, checkViewer } from './feed.service';

interface PreviewEntry {
  position: number;
  reason: string;
  propensity: number;
  propensityError: number;
  itemId: string;
  slug: string;
  kind: string;
  title: string;
  /** 'live' now, or 'scheduled' when a release makes it live by the previewed instant. */
  source: LiveSource;
  inContentTest: boolean;
}

/** A title the person's learned taste points at most (collaborative model), whether or not the slate shows it. */
interface NearestTitle {
  itemId: string;
  slug: string;
  title: string;
  /** c·qᵀp̄ in probit units: how much the person's taste lifts this title above the shared model's score. */
  affinity: number;
  inSlate: boolean;
}

export interface Preview {
  surface: string;
  instant: Date;
  policyVersion: string;
  stateRevision: number;
  candidates: number;
  eligible: number;
  seed: number;
  entries: PreviewEntry[];
  /** Events the person's collaborative posterior learned from on this surface (0: served the shared model plus context). */
  personEvents: number;
  nearestTitles: NearestTitle[];
}

/** How far before now an instant may be and still count as now (clocks differ): what catalogAt allows too. */
const PAST_TOLERANCE_MS = 60_000;

/** Nearest titles shown in the preview. */
const NEAREST = 5;

/**
 * What a persona's feed looks like now or at a future instant, once scheduled releases apply (via catalogAt).
 * The same engine code as the feed, with nothing logged and no tracking tokens.
 */
@Injectable()
export class FeedPreviewService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly runtime: EngineRuntime,
    private readonly live: LiveContentService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async preview(input: { surface: string; userId: string; context?: FeedContext | null; instant?: Date | null; seed?: number | null }): Promise<Preview> {
    const rt = this.runtime.get(input.surface);
    if (!rt) {
      const disabled = this.runtime.isDisabled(input.surface);
      throw new InputError(
        `There is no enabled surface ${quoteInput(input.surface)}. ${disabled ? 'It exists but is disabled: enable it in the Studio (Surfaces) to preview it.' : 'Check the key, or list the surfaces to find it.'}`,
        [{ field: 'surface', message: disabled ? 'is disabled' : 'is not a surface' }],
      );
    }
    const now = this.clock.nowMs();
    // The persona is checked as `feed` checks a viewer: a preview of a person no feed would serve shows nothing real.
    const { viewer, problems } = checkViewer(input.userId, input.context);
    const personaProblems = problems.map((p) => ({ field: `persona.${p.field.replace(/^context\./, '')}`, message: p.message }));
    if (input.instant && (Number.isNaN(input.instant.getTime()) || input.instant.getTime() < now - PAST_TOLERANCE_MS))
      personaProblems.push({ field: 'instant', message: 'is in the past: feedPreview looks forward, so give an instant from now on, or leave it out for now' });
    if (personaProblems.length)
      throw new InputError(`The preview was not made: ${personaProblems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, personaProblems);
    const at = input.instant ? input.instant.getTime() : now;
    const c = input.context ?? {};
    // An instant within the tolerance reads as now here too, so a slow request never meets catalogAt's own past check.
    const entries = await this.live.at(new Date(Math.max(at, now)), viewer);
    const testIds = new Set(rt.poolItems.filter((_, i) => rt.pool.inTest[i]).map((i) => i.id));
    const items: (LiveItem & { source: LiveSource })[] = entries
      .map((e) => ({ id: e.itemId, fields: e.fields, base: e.fields, liveSince: e.liveSince, rollout: null, priorFields: null, source: e.source }))
      .filter((i) => matchesRule(rt.surface, i.base));
    const { pool } = buildPool(
      items.map((i) => ({ descriptor: descriptorOf(i), testWeight: testIds.has(i.id) ? (rt.pool.testWeight[rt.pool.index.get(i.id)!] ?? 1) : null })),
      at,
    );
    const eligible = new Uint8Array(pool.size);
    items.forEach((it, idx) => (eligible[idx] = visibleFields(it, viewer) ? 1 : 0));
    const profile = await this.db.query('SELECT profile FROM user_profiles WHERE user_id = $1', [input.userId]);
    const localTime = c.localTime ? ((c.localTime as { source?: string }).source ?? c.localTime.toISOString()) : null;
    const user = buildUserFeatures({ ...viewer, localTime }, (profile[0]?.profile as UserProfile | undefined) ?? null, at);
    // 31 bits, so the seed fits GraphQL's Int and can be sent back to repeat the draw.
    const seed = input.seed ?? hashString(`${input.userId}:${at}`) & 0x7fffffff;
    const testShare = testShareFor(rt.pacing, { budget: rt.surface.explorationBudget, floor: rt.surface.randomFloor }, now, rt.runningTests);
    const stored: { factors: PersonFactors; history: PersonHistory | null }[] = await this.db.query(
      'SELECT factors, history FROM person_factors WHERE user_id = $1 AND surface_key = $2',
      [input.userId, rt.surface.key],
    );
    const person = personPosterior(stored[0]?.factors, rt.state.collab);
    const history = slateHistory(stored[0]?.history, rt.state.collab);
    const slate = buildSlate(rt.state, pool, { surface: surfacePolicy(rt.surface, rt.pins, at), user, seed, testShare, eligible, person, history });
    const inSlate = new Set(slate.entries.map((e) => e.itemId));
    const nearestTitles: NearestTitle[] = [];
    // Nearest by the taste as fitted (the order does not depend on the gain); the affinity shown is the lift the
    // slate applies, after the calibration gain (0 while people's tastes have not yet predicted anything, when the
    // slate itself serves the person like someone new).
    const taste = personPosterior(stored[0]?.factors, rt.state.collab, 1);
    if (taste && rt.state.collab) {
      const k = rt.state.collab.config.k;
      const gain = collabGain(rt.state.collab);
      const top = topKDot(poolFactors(pool, rt.state.collab), pool.size, k, taste.mean, NEAREST, (r) => !eligible[r]);
      top.rows.forEach((r, j) => {
        const it = items[r];
        nearestTitles.push({
          itemId: it.id,
          slug: it.base.slug,
          title: displayTitle(it.base, viewer.locale),
          affinity: gain * top.scores[j],
          inSlate: inSlate.has(it.id),
        });
      });
    }
    return {
      surface: rt.surface.key,
      instant: new Date(at),
      policyVersion: slate.policyVersion,
      stateRevision: slate.stateRevision,
      candidates: pool.size,
      eligible: eligible.reduce((a, b) => a + b, 0),
      seed,
      entries: slate.entries.map((e) => {
        const it = items[pool.index.get(e.itemId)!];
        return {
          position: e.position,
          reason: e.reason,
          propensity: e.propensity,
          propensityError: e.propensityError,
          itemId: e.itemId,
          slug: it.base.slug,
          kind: it.base.kind,
          title: displayTitle(it.base, viewer.locale),
          source: it.source,
          inContentTest: testIds.has(e.itemId),
        };
      }),
      personEvents: taste ? (stored[0]?.factors.n ?? 0) : 0,
      nearestTitles,
    };
  }
}
