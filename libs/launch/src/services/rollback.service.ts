import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, AuditService } from '@marquee/audit';
import { ItemEntity, ItemVersionEntity } from '@marquee/catalog';
import { DomainError, NotFoundError, assertId, isUuid, Clock } from '@marquee/platform-core';
import { WebhookService } from '@marquee/webhooks';
import { ReleaseActionEntity } from '../entities/release-action.entity';
import { ReleaseEntity } from '../entities/release.entity';
import { ReleaseEventEntity } from '../entities/release-event.entity';
import { ItemStates } from './item-states';
import { LIVE_CONTENT_LOCK } from './launch-executor';

/**
 * Reverts a launched release: every item goes back to exactly what was live before the launch (its previous live
 * version, or not live), in one transaction. Refused when a later release has changed any of the same items since,
 * because "before" would then overwrite that later launch.
 *
 * What is restored is what was live. The workflow state is not restored from a snapshot taken at launch: it is derived
 * again from the versions as they are now (ItemStates), so a version edited, submitted or approved after the launch
 * keeps exactly the review status it has.
 */
@Injectable()
export class RollbackService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookService,
    private readonly states: ItemStates,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async rollback(actor: Actor, releaseId: string): Promise<ReleaseEntity> {
    assertId('release', releaseId);
    let deliveries: string[] = [];
    const release = await this.db.transaction(async (m) => {
      const release = await m.findOne(ReleaseEntity, { where: { id: releaseId }, lock: { mode: 'pessimistic_write' } });
      if (!release) throw new NotFoundError('release', releaseId);
      if (release.status !== 'launched') {
        throw new DomainError('ILLEGAL_TRANSITION', `Only a launched release can be rolled back; "${release.name}" is ${release.status.replace('_', ' ')}.`, {
          state: release.status,
          allowed: ['launched'],
        });
      }
      // One launch or rollback at a time: its checks read items beyond its own (see LIVE_CONTENT_LOCK).
      await m.query('SELECT pg_advisory_xact_lock($1)', [LIVE_CONTENT_LOCK]);
      const actions = await m.find(ReleaseActionEntity, { where: { releaseId }, order: { appliedOrder: 'DESC' } });
      const locked: { id: string; live_release_id: string | null }[] = await m.query(
        `SELECT id, live_release_id FROM items WHERE id = ANY($1) ORDER BY id FOR UPDATE`,
        [actions.map((a) => a.itemId)],
      );
      const superseded = locked.filter((i) => i.live_release_id !== releaseId);
      if (superseded.length) {
        const later: { item_id: string; title: string; release_id: string; name: string; launched_at: Date }[] = await m.query(
          `SELECT i.id AS item_id, i.title, r.id AS release_id, r.name, r.launched_at FROM items i LEFT JOIN releases r ON r.id = i.live_release_id WHERE i.id = ANY($1)`,
          [superseded.map((s) => s.id)],
        );
        throw new DomainError(
          'CONFLICT',
          `Cannot roll back "${release.name}": later releases changed its items since. ${later.map((l) => `"${l.title}" was changed by "${l.name ?? 'another release'}"${l.launched_at ? ` (launched ${new Date(l.launched_at).toISOString()})` : ''}`).join('; ')}. Roll those back first, or publish the versions you want in a new release.`,
          { conflicts: later.map((l) => ({ itemId: l.item_id, itemTitle: l.title, releaseId: l.release_id, releaseName: l.name })) },
        );
      }
      const changes: { itemId: string; title: string; restoredVersion: number | null; removedVersion: number | null }[] = [];
      for (const a of actions) {
        const item = await m.findOneOrFail(ItemEntity, { where: { id: a.itemId } });
        const current = item.liveVersionId ? await m.findOne(ItemVersionEntity, { where: { id: item.liveVersionId } }) : null;
        const restored = a.priorLiveVersionId ? await m.findOne(ItemVersionEntity, { where: { id: a.priorLiveVersionId } }) : null;
        await m.update(ItemEntity, { id: item.id }, { liveVersionId: a.priorLiveVersionId, liveReleaseId: a.priorLiveReleaseId, liveSince: a.priorLiveSince });
        const state = await this.states.of(m, item.id);
        changes.push({ itemId: item.id, title: item.title, restoredVersion: restored?.number ?? null, removedVersion: current?.number ?? null });
        await this.audit.record(m, actor, {
          action: 'item.rolled_back',
          entityType: 'item',
          entityId: item.id,
          before: { liveVersion: current?.number ?? null, state: item.state },
          after: { liveVersion: restored?.number ?? null, state },
          summary: `Rolled back "${item.title}" to ${restored ? `v${restored.number}` : 'not live'} (release "${release.name}")`,
        });
      }
      await this.assertCoursesKeepTheirSessions(
        m,
        release,
        actions.map((a) => a.itemId),
      );
      release.status = 'rolled_back';
      release.rolledBackAt = this.clock.now();
      release.rolledBackBy = isUuid(actor.id) ? actor.id : null;
      await m.save(ReleaseEntity, release);
      await m.insert(ReleaseEventEntity, {
        releaseId,
        kind: 'rolled_back',
        message: `Rolled back by ${actor.label}: ${changes.length} item(s) restored.`,
        details: { changes },
      });
      await this.audit.record(m, actor, {
        action: 'release.rolled_back',
        entityType: 'release',
        entityId: releaseId,
        after: { changes },
        summary: `Rolled back "${release.name}" (${changes.length} item(s))`,
      });
      deliveries = await this.webhooks.enqueue(m, [
        {
          type: 'release.rolled_back',
          data: { release: { id: release.id, name: release.name, launchedAt: release.launchedAt, rolledBackAt: release.rolledBackAt }, changes },
        },
      ]);
      return release;
    });
    void this.webhooks.dispatch(deliveries);
    return release;
  }

  /**
   * After the restores (inside the transaction, so a refusal undoes them): every live course that this rollback
   * touches, or whose sessions it touches, must still have all its sessions live. A release refuses to unpublish a
   * session of a live course; a rollback took it offline all the same when a later release had launched a course
   * around it (or restored a course version listing a session unpublished since), leaving apps a live course with a
   * session they cannot open.
   */
  private async assertCoursesKeepTheirSessions(m: EntityManager, release: ReleaseEntity, itemIds: string[]): Promise<void> {
    const broken: { course_id: string; course: string; session: string; release_id: string | null; release_name: string | null }[] = await m.query(
      `SELECT c.id AS course_id, c.title AS course, s.title AS session, r.id AS release_id, r.name AS release_name
         FROM items c
         JOIN item_versions v ON v.id = c.live_version_id
         CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(v.fields->'sessions') = 'array' THEN v.fields->'sessions' ELSE '[]'::jsonb END) AS sid(id)
         JOIN items s ON s.id::text = sid.id
         LEFT JOIN releases r ON r.id = c.live_release_id
        WHERE s.live_version_id IS NULL AND (c.id = ANY($1) OR s.id = ANY($1))
        ORDER BY c.title, s.title`,
      [itemIds],
    );
    if (!broken.length) return;
    const shown = broken
      .slice(0, 5)
      .map((b) => `the live course "${b.course}"${b.release_name ? ` (from "${b.release_name}")` : ''} would list "${b.session}", which would not be live`);
    throw new DomainError(
      'CONFLICT',
      `Cannot roll back "${release.name}": ${shown.join('; ')}${broken.length > 5 ? ` (and ${broken.length - 5} more)` : ''}. Nothing was changed. Roll back or unpublish those courses first, or remove the session from them, then roll back again.`,
      { conflicts: broken.map((b) => ({ itemId: b.course_id, itemTitle: b.course, releaseId: b.release_id, releaseName: b.release_name })) },
    );
  }

  async conflictsFor(releaseId: string): Promise<string[]> {
    const actions = await this.db.getRepository(ReleaseActionEntity).find({ where: { releaseId } });
    const items = await this.db.getRepository(ItemEntity).find({ where: { id: In(actions.map((a) => a.itemId)) } });
    return items.filter((i) => i.liveReleaseId !== releaseId).map((i) => i.id);
  }
}
