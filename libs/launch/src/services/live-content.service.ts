import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { checkViewerContext, ItemEntity, ItemFields, ItemVersionEntity } from '@marquee/catalog';
import { Clock, FieldProblem, InputError, userIdProblem } from '@marquee/platform-core';
import { isEligible, Viewer } from '../domain/rollout';
import { ReleaseActionEntity } from '../entities/release-action.entity';
import { ReleaseEntity } from '../entities/release.entity';

/** 'live' = visible now; 'scheduled' = becomes visible by the instant asked about. */
export const LIVE_SOURCES = ['live', 'scheduled'] as const;
export type LiveSource = (typeof LIVE_SOURCES)[number];

export interface LiveEntry {
  itemId: string;
  versionId: string;
  fields: ItemFields;
  /** The release that made this version visible (null for content live before any release). */
  releaseId: string | null;
  source: LiveSource;
  liveSince: Date | null;
}

/**
 * What a viewer can see, now or at a future instant. Reads only PostgreSQL state (items, releases, their actions),
 * never whether a job has fired, so a preview and the feed agree with the launch that will happen.
 */
@Injectable()
export class LiveContentService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Live content at `instant` (default now). With a viewer, staged rollouts apply: outside a release's percentage or
   * audience, the viewer keeps what was live before that release.
   */
  async at(instant?: Date | null, persona?: (Viewer & { appVersion?: string | null }) | null): Promise<LiveEntry[]> {
    const now = this.clock.now();
    const when = instant ?? now;
    if (Number.isNaN(when.getTime())) throw new InputError('The instant is not a valid date-time.', [{ field: 'instant', message: 'is not a date-time' }]);
    if (when.getTime() < now.getTime() - 60_000) {
      throw new InputError('catalogAt looks forward: give an instant from now on. For what was live in the past, read the audit log.', [
        { field: 'instant', message: 'is in the past' },
      ]);
    }
    // The persona is checked as feed and feedPreview check a viewer (catalogAt's persona reaches here unchecked): its
    // user id picks the rollout bucket, and a hidden character would make a preview of someone no feed would serve; a
    // locale, platform or tier no feed would accept would show an audience no real viewer is in. The checked form
    // (canonical locale, lowercase platform and tier) is what the audiences are matched on, as in feedPreview.
    let viewer: Viewer | null = null;
    if (persona) {
      const problems: FieldProblem[] = [];
      const badUser = userIdProblem(persona.userId);
      if (badUser) problems.push({ field: 'userId', message: badUser });
      const checked = checkViewerContext(persona);
      problems.push(...checked.problems);
      if (problems.length) {
        const named = problems.map((p) => ({ field: `persona.${p.field}`, message: p.message }));
        throw new InputError(`The catalogue was not read: ${named.map((p) => `${p.field} ${p.message}`).join('; ')}.`, named);
      }
      viewer = { userId: persona.userId, locale: checked.context.locale, platform: checked.context.platform, tier: checked.context.tier };
    }
    const live = await this.db
      .getRepository(ItemEntity)
      .createQueryBuilder('i')
      .where('i.live_version_id IS NOT NULL OR i.live_release_id IS NOT NULL')
      .getMany();
    const stagedIds = [...new Set(live.map((i) => i.liveReleaseId).filter((r): r is string => !!r))];
    const staged = stagedIds.length ? await this.db.getRepository(ReleaseEntity).find({ where: { id: In(stagedIds) } }) : [];
    const stagedById = new Map(staged.map((r) => [r.id, r]));
    const priorActions = stagedIds.length ? await this.db.getRepository(ReleaseActionEntity).find({ where: { releaseId: In(stagedIds) } }) : [];
    const priorByKey = new Map(priorActions.map((a) => [`${a.releaseId}:${a.itemId}`, a]));

    const state = new Map<string, { versionId: string; releaseId: string | null; source: LiveSource; liveSince: Date | null }>();
    for (const item of live) {
      let versionId = item.liveVersionId;
      const r = item.liveReleaseId ? stagedById.get(item.liveReleaseId) : undefined;
      if (viewer && r && r.status === 'launched' && !isEligible({ releaseId: r.id, rolloutPercent: r.rolloutPercent, audience: r.audience }, viewer)) {
        versionId = priorByKey.get(`${r.id}:${item.id}`)?.priorLiveVersionId ?? null;
      }
      if (versionId) state.set(item.id, { versionId, releaseId: item.liveReleaseId, source: 'live', liveSince: item.liveSince });
    }

    if (when.getTime() > now.getTime()) {
      const upcoming = await this.db
        .getRepository(ReleaseEntity)
        .createQueryBuilder('r')
        .where(`r.status = 'scheduled' AND r.scheduled_at <= :when`, { when })
        .orderBy('r.scheduled_at', 'ASC')
        .getMany();
      const actions = upcoming.length ? await this.db.getRepository(ReleaseActionEntity).find({ where: { releaseId: In(upcoming.map((r) => r.id)) } }) : [];
      for (const r of upcoming) {
        if (viewer && !isEligible({ releaseId: r.id, rolloutPercent: r.rolloutPercent, audience: r.audience }, viewer)) continue;
        for (const a of actions.filter((x) => x.releaseId === r.id)) {
          if (a.kind === 'publish' && a.versionId)
            state.set(a.itemId, { versionId: a.versionId, releaseId: r.id, source: 'scheduled', liveSince: r.scheduledAt });
          else state.delete(a.itemId);
        }
      }
    }

    const versions = state.size ? await this.db.getRepository(ItemVersionEntity).find({ where: { id: In([...state.values()].map((s) => s.versionId)) } }) : [];
    const byId = new Map(versions.map((v) => [v.id, v]));
    return [...state.entries()]
      .filter(([, s]) => byId.has(s.versionId))
      .map(([itemId, s]) => ({
        itemId,
        versionId: s.versionId,
        fields: byId.get(s.versionId)!.fields,
        releaseId: s.releaseId,
        source: s.source,
        liveSince: s.liveSince,
      }));
  }
}
