import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@marquee/audit';
import { ItemEntity, ItemVersionEntity } from '@marquee/catalog';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Clock } from '@marquee/platform-core';
import { OutboxEvent, WebhookService } from '@marquee/webhooks';
import { decideLaunch } from '../domain/launch-decision';
import { dependencyOrder } from '../domain/order';
import { ReleaseActionEntity } from '../entities/release-action.entity';
import { ReleaseEntity } from '../entities/release.entity';
import { ReleaseEventEntity } from '../entities/release-event.entity';
import { ItemStates } from './item-states';
import { ReleaseValidator } from './release-validator';
import { testPausePoint } from './test-pause';

export type LaunchOutcome =
  | { outcome: 'launched'; latenessMs: number; changes: number }
  | { outcome: 'failed'; reasons: string[] }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'wait'; delayMs: number };

/**
 * The transaction-level advisory lock every launch and rollback takes before it reads what is live: they run one at a
 * time. Each locks only its own items, but its checks read others (a course's sessions, a slug held by another live
 * item), so two launches due at the same instant could each pass their checks against what the other was about to
 * change: a session unpublished while a course around it went live, two live items with one slug.
 */
export const LIVE_CONTENT_LOCK = 46_170_010;

interface ItemChange {
  itemId: string;
  slug: string;
  title: string;
  action: 'publish' | 'unpublish';
  version: number | null;
  previousVersion: number | null;
}

/**
 * Applies a release: all or nothing, in dependency order, exactly once. The release row is locked for the whole
 * transaction, so a second worker (or a duplicate delivery) waits, then sees it launched and does nothing. A worker
 * killed mid-launch leaves an uncommitted transaction that PostgreSQL rolls back; the retried job starts clean.
 */
@Injectable()
export class LaunchExecutor {
  private readonly logger = new Logger('Launch');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly validator: ReleaseValidator,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookService,
    private readonly states: ItemStates,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(releaseId: string, revision: number): Promise<LaunchOutcome> {
    const actor = SYSTEM_ACTOR('scheduler');
    let deliveries: string[] = [];
    let dropNotice: string | null = null;
    const result = await this.db.transaction(async (m): Promise<LaunchOutcome> => {
      const release = await m.findOne(ReleaseEntity, { where: { id: releaseId }, lock: { mode: 'pessimistic_write' } });
      if (!release) return { outcome: 'skipped', reason: 'release does not exist' };
      const now = this.clock.now();
      const decision = decideLaunch(release, revision, now);
      if (decision.action === 'skip') {
        const dropped = await this.recordDroppedLaunch(m, release, revision);
        if (dropped) dropNotice = dropped;
        return { outcome: 'skipped', reason: decision.reason };
      }
      if (decision.action === 'wait') return { outcome: 'wait', delayMs: decision.delayMs };

      await m.query('SELECT pg_advisory_xact_lock($1)', [LIVE_CONTENT_LOCK]);
      const report = await this.validator.validate(m, release);
      if (report.blocking.length) {
        release.status = 'failed';
        release.failedAt = now;
        release.failureReasons = report.blocking;
        release.scheduleRevision += 1;
        await m.save(ReleaseEntity, release);
        // A failed release pins nothing any more, so its items are no longer `scheduled`.
        await this.states.refresh(
          m,
          (await m.find(ReleaseActionEntity, { where: { releaseId } })).map((a) => a.itemId),
        );
        await this.event(m, release.id, 'failed', `Re-validation at launch found ${report.blocking.length} blocking problem(s); nothing was published.`, {
          blocking: report.blocking,
        });
        await this.audit.record(m, actor, {
          action: 'release.failed',
          entityType: 'release',
          entityId: release.id,
          after: { reasons: report.blocking },
          summary: `"${release.name}" failed at launch: ${report.blocking[0].message}`,
        });
        deliveries = await this.webhooks.enqueue(m, [{ type: 'release.failed', data: { release: this.releaseSummary(release), reasons: report.blocking } }]);
        return { outcome: 'failed', reasons: report.blocking.map((b) => b.message) };
      }

      const actions = await m.find(ReleaseActionEntity, { where: { releaseId } });
      const versions = await m.find(ItemVersionEntity, { where: { id: In(actions.map((a) => a.versionId).filter((v): v is string => !!v)) } });
      const versionById = new Map(versions.map((v) => [v.id, v]));
      const ordered = dependencyOrder(actions.map((a) => ({ ...a, dependsOn: a.versionId ? (versionById.get(a.versionId)?.fields.sessions ?? []) : [] })));
      // Lock the items in one statement, in id order, so two launches touching the same items cannot deadlock.
      const items = await m.query(`SELECT id FROM items WHERE id = ANY($1) ORDER BY id FOR UPDATE`, [actions.map((a) => a.itemId)]);
      if (items.length !== actions.length) throw new Error('an item of the release disappeared during launch');
      const changes: ItemChange[] = [];
      let order = 0;
      for (const a of ordered) {
        const item = await m.findOneOrFail(ItemEntity, { where: { id: a.itemId } });
        const previous = item.liveVersionId ? await m.findOne(ItemVersionEntity, { where: { id: item.liveVersionId } }) : null;
        await m.update(
          ReleaseActionEntity,
          { id: a.id },
          {
            appliedOrder: order++,
            priorLiveVersionId: item.liveVersionId,
            priorLiveReleaseId: item.liveReleaseId,
            priorState: item.state,
            priorLiveSince: item.liveSince,
            latestVersionAtLaunch: item.latestVersionId,
          },
        );
        if (a.kind === 'publish') {
          const v = versionById.get(a.versionId!)!;
          await m.update(ItemEntity, { id: item.id }, { liveVersionId: v.id, liveReleaseId: release.id, liveSince: now });
          const state = await this.states.of(m, item.id);
          changes.push({
            itemId: item.id,
            slug: v.fields.slug,
            title: item.title,
            action: 'publish',
            version: v.number,
            previousVersion: previous?.number ?? null,
          });
          await this.audit.record(m, actor, {
            action: 'item.published',
            entityType: 'item',
            entityId: item.id,
            before: { liveVersion: previous?.number ?? null, state: item.state },
            after: { liveVersion: v.number, state, releaseId: release.id },
            summary: `Published "${item.title}" v${v.number} in "${release.name}"`,
          });
        } else {
          await m.update(ItemEntity, { id: item.id }, { liveVersionId: null, liveReleaseId: release.id, liveSince: null });
          const state = await this.states.of(m, item.id);
          changes.push({ itemId: item.id, slug: item.slug, title: item.title, action: 'unpublish', version: null, previousVersion: previous?.number ?? null });
          await this.audit.record(m, actor, {
            action: 'item.unpublished',
            entityType: 'item',
            entityId: item.id,
            before: { liveVersion: previous?.number ?? null, state: item.state },
            after: { liveVersion: null, state, releaseId: release.id },
            summary: `Unpublished "${item.title}" in "${release.name}"`,
          });
        }
      }

      await testPausePoint(this.config.testPauseFile, `launch ${release.id}`);

      const latenessMs = Math.max(0, now.getTime() - release.scheduledAt!.getTime());
      release.status = 'launched';
      release.launchedAt = now;
      release.latenessMs = latenessMs;
      await m.save(ReleaseEntity, release);
      await this.event(m, release.id, 'launched', `Launched ${changes.length} change(s), ${latenessMs} ms after the scheduled instant.`, {
        latenessMs,
        order: changes.map((c) => c.slug),
      });
      await this.audit.record(m, actor, {
        action: 'release.launched',
        entityType: 'release',
        entityId: release.id,
        after: { changes, latenessMs },
        summary: `Launched "${release.name}" (${changes.length} change(s), ${latenessMs} ms late)`,
      });
      const events: OutboxEvent[] = [{ type: 'release.launched', data: { release: this.releaseSummary(release), changes } }];
      for (const c of changes) events.push({ type: c.action === 'publish' ? 'item.published' : 'item.unpublished', data: { releaseId: release.id, ...c } });
      deliveries = await this.webhooks.enqueue(m, events);
      return { outcome: 'launched', latenessMs, changes: changes.length };
    });
    if (result.outcome === 'launched')
      this.logger.log(`Release ${releaseId} launched: ${result.changes} change(s), ${result.latenessMs} ms after its instant.`);
    if (dropNotice) this.logger.warn(`Release ${releaseId}: ${dropNotice}`);
    if (result.outcome === 'failed')
      this.logger.warn(`Release ${releaseId} failed at launch and published nothing: ${result.reasons.join(' ')} Editors see this in the Studio.`);
    // After the commit, and never awaited by the launch itself: a slow or failing receiver cannot hold it up.
    if (deliveries.length) void this.webhooks.dispatch(deliveries);
    return result;
  }

  releaseSummary(r: ReleaseEntity) {
    return {
      id: r.id,
      name: r.name,
      scheduledAt: r.scheduledAt,
      timeZone: r.timeZone,
      launchedAt: r.launchedAt,
      rolloutPercent: r.rolloutPercent,
      audience: r.audience,
      status: r.status,
    };
  }

  /**
   * "Launch now" answers SCHEDULED and queues the launch; a cancel or unschedule that commits before the worker runs it
   * wins, and both callers were told they succeeded. So that the history explains itself, the job that finds its
   * requested launch overtaken says so once, as a `launch_dropped` event. Returns its message, or null when this job was
   * not a "launch now" request, or the drop is already recorded (a repeated delivery).
   */
  private async recordDroppedLaunch(m: EntityManager, release: ReleaseEntity, revision: number): Promise<string | null> {
    if (release.status !== 'cancelled' && release.status !== 'draft') return null;
    const events = await m
      .createQueryBuilder(ReleaseEventEntity, 'e')
      .where('e.release_id = :id', { id: release.id })
      .andWhere(`(e.details->>'revision')::int = :revision`, { revision })
      .andWhere('e.kind IN (:...kinds)', { kinds: ['launch_requested', 'launch_dropped'] })
      .getMany();
    const requested = events.find((e) => e.kind === 'launch_requested');
    if (!requested || events.some((e) => e.kind === 'launch_dropped')) return null;
    const stop = await m
      .createQueryBuilder(ReleaseEventEntity, 'e')
      .where('e.release_id = :id', { id: release.id })
      .andWhere('e.kind IN (:...kinds)', { kinds: ['cancelled', 'unscheduled'] })
      .andWhere('e.id > :after', { after: requested.id })
      .orderBy('e.id', 'ASC')
      .getOne();
    const what = release.status === 'cancelled' ? 'cancelled' : 'unscheduled';
    const stoppedAt = stop?.at ?? release.updatedAt;
    const next =
      release.status === 'cancelled'
        ? 'A cancelled release cannot launch: create a new release with these items to launch them.'
        : 'It is a draft again: launch or schedule it again when ready.';
    const message = `The launch requested at ${requested.at.toISOString()} was not carried out: the release was ${what} at ${stoppedAt.toISOString()}${stop ? ` (${stop.message.replace(/\.$/, '')})` : ''} before the worker ran it. Nothing was published. ${next}`;
    await this.event(m, release.id, 'launch_dropped', message, {
      revision,
      requestedAt: requested.at.toISOString(),
      stoppedBy: what,
      stoppedAt: stoppedAt.toISOString(),
    });
    return message;
  }

  private async event(m: EntityManager, releaseId: string, kind: string, message: string, details: Record<string, unknown> | null = null) {
    await m.insert(ReleaseEventEntity, { releaseId, kind, message, details: details as never });
  }
}
