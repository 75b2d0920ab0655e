import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, AuditService } from '@marquee/audit';
import { ItemEntity, ItemVersionEntity, canonicalLocale } from '@marquee/catalog';
import { groupRows } from '@marquee/platform-api';
import { Clock, ConflictError, DomainError, InputError, NotFoundError, assertId, isUuid } from '@marquee/platform-core';
import { RELEASE_LIMITS, checkAudience, releaseDescriptionProblem, releaseNameProblem } from '../domain/release-input';
import { canonicalLocalTime, canonicalTimeZone, formatInZone, formatOffset, resolveLocalTime } from '../domain/time';
import { Audience, ReleaseEntity, ReleaseStatus } from '../entities/release.entity';
import { ReleaseActionEntity, ReleaseActionKind } from '../entities/release-action.entity';
import { ReleaseEventEntity } from '../entities/release-event.entity';
import { ItemStates } from './item-states';
import { LaunchJobs } from './launch-jobs';
import { ReleaseValidator, ValidationReport } from './release-validator';
import { ReviewService } from './review.service';

const EDITABLE: ReleaseStatus[] = ['draft', 'scheduled', 'failed'];
/** How far ahead a schedule must be: closer than this and the launch could not be guaranteed on time. */
const MIN_LEAD_MS = 5000;

export interface ScheduleInput {
  localDateTime: string;
  timeZone: string;
  offsetMinutes?: number | null;
}

@Injectable()
export class ReleaseService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly validator: ReleaseValidator,
    private readonly reviews: ReviewService,
    private readonly jobs: LaunchJobs,
    private readonly states: ItemStates,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: { name: string; description?: string | null }): Promise<ReleaseEntity> {
    const name = this.checkName(input.name);
    const description = this.checkDescription(input.description);
    return this.db.transaction(async (m) => {
      const r = await m.save(ReleaseEntity, m.create(ReleaseEntity, { name, description, status: 'draft', createdBy: isUuid(actor.id) ? actor.id : null }));
      await this.audit.record(m, actor, {
        action: 'release.created',
        entityType: 'release',
        entityId: r.id,
        after: { name },
        summary: `Created release "${name}"`,
      });
      await this.event(m, r.id, 'created', `Created by ${actor.label}.`);
      return r;
    });
  }

  async update(actor: Actor, id: string, input: { name?: string | null; description?: string | null }): Promise<ReleaseEntity> {
    // Checked before the transaction: bad input changes nothing and costs no lock.
    const name = input.name !== undefined && input.name !== null ? this.checkName(input.name) : undefined;
    const description = input.description !== undefined ? this.checkDescription(input.description) : undefined;
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id);
      this.assertEditable(r, 'rename');
      const before = { name: r.name, description: r.description };
      if (name !== undefined) r.name = name;
      if (description !== undefined) r.description = description;
      // Nothing changed (a repeated save, a double click): answer the release as it is, with no write and no audit entry.
      if (r.name === before.name && r.description === before.description) return r;
      await m.save(ReleaseEntity, r);
      await this.audit.record(m, actor, {
        action: 'release.updated',
        entityType: 'release',
        entityId: id,
        before,
        after: { name: r.name, description: r.description },
        summary: `Updated release "${r.name}"`,
      });
      return r;
    });
  }

  async addItem(actor: Actor, releaseId: string, itemId: string, kind: ReleaseActionKind, versionNumber?: number | null): Promise<ReleaseEntity> {
    assertId('item', itemId);
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, releaseId);
      this.assertEditable(r, 'add items to');
      const item = await m.findOne(ItemEntity, { where: { id: itemId }, lock: { mode: 'pessimistic_write' } });
      if (!item) throw new NotFoundError('item', itemId);
      item.state = await this.states.of(m, item.id);
      if (item.state === 'retired') {
        throw new DomainError(
          'ILLEGAL_TRANSITION',
          `"${item.title}" is retired and cannot be added to a release. Edit it to start a new draft, get that approved, then add it.`,
          {
            state: item.state,
            allowed: ['edit'],
          },
        );
      }
      if (await m.findOne(ReleaseActionEntity, { where: { releaseId, itemId } })) {
        throw new ConflictError(`"${item.title}" is already in this release. Remove it first to change what the release does with it.`);
      }
      let version: ItemVersionEntity | null = null;
      if (kind === 'publish') {
        if (versionNumber !== undefined && versionNumber !== null) {
          version = await m.findOne(ItemVersionEntity, { where: { itemId, number: versionNumber } });
          if (!version)
            throw new NotFoundError('version', `${item.slug} v${versionNumber}`, `This item has versions 1 to ${item.latestVersionNumber}.`, 'reference');
          const status = (await this.reviews.statusOf([version.id], m)).get(version.id);
          if (status?.decision !== 'approved') {
            throw new DomainError(
              'ILLEGAL_TRANSITION',
              `v${version.number} of "${item.title}" is not approved (${status ? status.decision : 'never submitted'}). Only approved versions can be published: submit it for review first.`,
              {
                state: item.state,
              },
            );
          }
        } else {
          version = await this.reviews.latestApproved(itemId, m);
          if (!version)
            throw new DomainError('ILLEGAL_TRANSITION', `"${item.title}" has no approved version yet. Submit it for review and have it approved first.`, {
              state: item.state,
            });
        }
      } else if (!item.liveVersionId) {
        throw new DomainError('ILLEGAL_TRANSITION', `"${item.title}" is not live, so it cannot be unpublished.`, { state: item.state });
      }
      await m.insert(ReleaseActionEntity, { releaseId, itemId, kind, versionId: version?.id ?? null, versionNumber: version?.number ?? null });
      await this.states.refresh(m, [itemId]);
      await this.audit.record(m, actor, {
        action: 'release.item_added',
        entityType: 'release',
        entityId: releaseId,
        after: { itemId, kind, version: version?.number ?? null },
        summary: `Added ${kind} of "${item.title}"${version ? ` v${version.number}` : ''} to "${r.name}"`,
      });
      return r;
    });
  }

  async removeItem(actor: Actor, releaseId: string, itemId: string): Promise<ReleaseEntity> {
    assertId('item', itemId);
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, releaseId);
      this.assertEditable(r, 'remove items from');
      const action = await m.findOne(ReleaseActionEntity, { where: { releaseId, itemId } });
      if (!action) throw new NotFoundError('item in this release', itemId);
      await m.delete(ReleaseActionEntity, { id: action.id });
      await this.states.refresh(m, [action.itemId]);
      await this.audit.record(m, actor, {
        action: 'release.item_removed',
        entityType: 'release',
        entityId: releaseId,
        before: { itemId, kind: action.kind },
        summary: `Removed an item from "${r.name}"`,
      });
      return r;
    });
  }

  /** Blocking problems and warnings, computed now from current content; `ok` when nothing blocks. */
  async validate(releaseId: string): Promise<ValidationReport & { ok: boolean }> {
    const r = await this.get(releaseId);
    const report = await this.validator.validate(this.db.manager, r);
    return { ...report, ok: report.blocking.length === 0 };
  }

  async schedule(actor: Actor, releaseId: string, input: ScheduleInput): Promise<ReleaseEntity> {
    const resolution = resolveLocalTime(input.localDateTime, input.timeZone);
    if (resolution.kind === 'invalid') throw new InputError(resolution.message, [{ field: resolution.field, message: resolution.message }]);
    if (resolution.kind === 'gap') throw new InputError(resolution.message, [{ field: 'localDateTime', message: 'falls in a daylight-saving gap' }]);
    // Stored and shown in one spelling, whatever casing or separator was typed (both resolved above, so not null).
    input = { ...input, timeZone: canonicalTimeZone(input.timeZone)!, localDateTime: canonicalLocalTime(input.localDateTime)! };
    if (resolution.kind === 'ok' && input.offsetMinutes !== null && input.offsetMinutes !== undefined && input.offsetMinutes !== resolution.offsetMinutes) {
      // An offset is only needed where the time happens twice; one that contradicts the only reading is a mistake.
      throw new InputError(
        `${input.localDateTime} in ${input.timeZone} happens once, at ${formatOffset(resolution.offsetMinutes)}; offsetMinutes ${input.offsetMinutes} does not match it. Leave offsetMinutes out, or send ${resolution.offsetMinutes}.`,
        [{ field: 'offsetMinutes', message: `does not match the zone's offset at that time (${resolution.offsetMinutes})` }],
      );
    }
    let instant: Date;
    if (resolution.kind === 'ambiguous') {
      const chosen = resolution.options.find((o) => o.offsetMinutes === input.offsetMinutes);
      if (!chosen) {
        throw new DomainError('BAD_USER_INPUT', resolution.message, {
          problems: [{ field: 'offsetMinutes', message: 'choose one of the two offsets' }],
          options: resolution.options.map((o) => ({ offsetMinutes: o.offsetMinutes, instant: o.instant.toISOString(), label: o.label })),
        });
      }
      instant = chosen.instant;
    } else instant = resolution.instant;
    const now = this.clock.now();
    if (instant.getTime() < now.getTime() + MIN_LEAD_MS) {
      throw new InputError(
        `${input.localDateTime} in ${input.timeZone} (${instant.toISOString()}) is ${instant < now ? 'in the past' : 'less than 5 seconds away'}. Choose a later time, or use "Launch now".`,
        [{ field: 'localDateTime', message: 'is in the past' }],
      );
    }
    let unchanged = false;
    let superseded: Date | null = null;
    const r = await this.db.transaction(async (m) => {
      const r = await this.lock(m, releaseId);
      this.assertEditable(r, 'schedule');
      const report = await this.validator.validate(m, r);
      if (report.blocking.length) throw this.blocked(r, report);
      // The same instant in the same zone again (a double click, a retried request): nothing to change, so no new
      // revision, no audit entry and no new job. Decided under the row lock, so parallel repeats agree too.
      if (r.status === 'scheduled' && r.scheduledAt?.getTime() === instant.getTime() && r.timeZone === input.timeZone) {
        unchanged = true;
        return r;
      }
      const before = { status: r.status, scheduledAt: r.scheduledAt, timeZone: r.timeZone };
      superseded = r.status === 'scheduled' ? r.scheduledAt : null;
      r.status = 'scheduled';
      r.scheduledAt = instant;
      r.timeZone = input.timeZone;
      r.localTime = input.localDateTime;
      r.scheduleRevision += 1;
      r.scheduledBy = isUuid(actor.id) ? actor.id : null;
      r.failureReasons = null;
      await m.save(ReleaseEntity, r);
      await this.refreshItemsOf(m, releaseId);
      const when = `${formatInZone(instant, input.timeZone)} (${instant.toISOString()})`;
      await this.audit.record(m, actor, {
        action: before.status === 'scheduled' ? 'release.rescheduled' : 'release.scheduled',
        entityType: 'release',
        entityId: r.id,
        before,
        after: { scheduledAt: instant, timeZone: input.timeZone, localTime: input.localDateTime },
        summary: `Scheduled "${r.name}" for ${when}`,
      });
      await this.event(m, r.id, before.status === 'scheduled' ? 'rescheduled' : 'scheduled', `Scheduled for ${when} by ${actor.label}.`, {
        revision: r.scheduleRevision,
      });
      return r;
    });
    if (!unchanged) {
      await this.jobs.enqueue(r);
      this.jobs.discard(r.id, r.scheduleRevision - 1, superseded);
    }
    return r;
  }

  async unschedule(actor: Actor, releaseId: string): Promise<ReleaseEntity> {
    let superseded: Date | null = null;
    const released = await this.db.transaction(async (m) => {
      const r = await this.lock(m, releaseId);
      if (r.status !== 'scheduled') throw this.illegal(r, 'unschedule', ['scheduled']);
      const before = { status: r.status, scheduledAt: r.scheduledAt };
      superseded = r.scheduledAt;
      r.status = 'draft';
      r.scheduledAt = null;
      r.scheduleRevision += 1; // the queued job is now for an old revision and will do nothing
      await m.save(ReleaseEntity, r);
      await this.refreshItemsOf(m, releaseId);
      await this.audit.record(m, actor, {
        action: 'release.unscheduled',
        entityType: 'release',
        entityId: r.id,
        before,
        after: { status: 'draft' },
        summary: `Unscheduled "${r.name}"`,
      });
      await this.event(m, r.id, 'unscheduled', `Unscheduled by ${actor.label}; it is a draft again.`);
      return r;
    });
    this.jobs.discard(released.id, released.scheduleRevision - 1, superseded);
    return released;
  }

  async launchNow(actor: Actor, releaseId: string): Promise<ReleaseEntity> {
    let superseded: Date | null = null;
    const r = await this.db.transaction(async (m) => {
      const r = await this.lock(m, releaseId);
      this.assertEditable(r, 'launch');
      superseded = r.status === 'scheduled' ? r.scheduledAt : null;
      const report = await this.validator.validate(m, r);
      if (report.blocking.length) throw this.blocked(r, report);
      const now = this.clock.now();
      r.status = 'scheduled';
      r.scheduledAt = now;
      r.timeZone = 'UTC';
      r.localTime = now.toISOString().slice(0, 16);
      r.scheduleRevision += 1;
      r.scheduledBy = isUuid(actor.id) ? actor.id : null;
      r.failureReasons = null;
      await m.save(ReleaseEntity, r);
      await this.refreshItemsOf(m, releaseId);
      await this.audit.record(m, actor, {
        action: 'release.launch_requested',
        entityType: 'release',
        entityId: r.id,
        summary: `Asked to launch "${r.name}" now`,
      });
      await this.event(m, r.id, 'launch_requested', `${actor.label} asked to launch now.`, { revision: r.scheduleRevision });
      return r;
    });
    await this.jobs.enqueue(r);
    this.jobs.discard(r.id, r.scheduleRevision - 1, superseded);
    return r;
  }

  async setRollout(actor: Actor, releaseId: string, percent: number, audience?: Partial<Audience> | null): Promise<ReleaseEntity> {
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
      throw new InputError('The rollout percentage must be a whole number from 1 to 100.', [{ field: 'percent', message: 'must be 1 to 100' }]);
    }
    const next = audience ? this.checkAudience(audience) : null;
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, releaseId);
      if (r.status === 'launched') {
        if (percent < r.rolloutPercent) {
          throw new DomainError(
            'ILLEGAL_TRANSITION',
            `"${r.name}" is live to ${r.rolloutPercent}% of users; a launched release's share can only be raised. Roll it back to withdraw it.`,
            { state: r.status },
          );
        }
        if (next && JSON.stringify(next) !== JSON.stringify(r.audience)) {
          throw new DomainError(
            'ILLEGAL_TRANSITION',
            `The audience of a launched release cannot change. Roll it back and launch a new release for a different audience.`,
            { state: r.status },
          );
        }
      } else if (!EDITABLE.includes(r.status)) throw this.illegal(r, 'change the rollout of', [...EDITABLE, 'launched']);
      const before = { rolloutPercent: r.rolloutPercent, audience: r.audience };
      r.rolloutPercent = percent;
      if (next) r.audience = next;
      await m.save(ReleaseEntity, r);
      await this.audit.record(m, actor, {
        action: 'release.rollout_changed',
        entityType: 'release',
        entityId: r.id,
        before,
        after: { rolloutPercent: percent, audience: r.audience },
        summary: `Set "${r.name}" to ${percent}% of users`,
      });
      await this.event(m, r.id, 'rollout', `Rollout set to ${percent}%${next ? ` for ${describeAudience(next)}` : ''} by ${actor.label}.`);
      return r;
    });
  }

  async cancel(actor: Actor, releaseId: string): Promise<ReleaseEntity> {
    let superseded: Date | null = null;
    const cancelled = await this.db.transaction(async (m) => {
      const r = await this.lock(m, releaseId);
      if (!['draft', 'failed', 'scheduled'].includes(r.status)) throw this.illegal(r, 'cancel', ['draft', 'scheduled', 'failed']);
      const before = r.status;
      superseded = before === 'scheduled' ? r.scheduledAt : null;
      r.status = 'cancelled';
      r.scheduleRevision += 1;
      await m.save(ReleaseEntity, r);
      await this.refreshItemsOf(m, releaseId);
      await this.audit.record(m, actor, {
        action: 'release.cancelled',
        entityType: 'release',
        entityId: r.id,
        before: { status: before },
        after: { status: 'cancelled' },
        summary: `Cancelled "${r.name}"`,
      });
      await this.event(m, r.id, 'cancelled', `Cancelled by ${actor.label}.`);
      return r;
    });
    this.jobs.discard(cancelled.id, cancelled.scheduleRevision - 1, superseded);
    return cancelled;
  }

  async get(id: string): Promise<ReleaseEntity> {
    assertId('release', id);
    const r = await this.db.getRepository(ReleaseEntity).findOne({ where: { id } });
    if (!r) throw new NotFoundError('release', id);
    return r;
  }

  async list(filter: { statuses?: ReleaseStatus[] | null; from?: Date | null; to?: Date | null } = {}): Promise<ReleaseEntity[]> {
    const qb = this.db.getRepository(ReleaseEntity).createQueryBuilder('r');
    if (filter.statuses?.length) qb.andWhere('r.status IN (:...s)', { s: filter.statuses });
    if (filter.from) qb.andWhere('(r.scheduled_at >= :from OR r.launched_at >= :from)', { from: filter.from });
    if (filter.to) qb.andWhere('(r.scheduled_at < :to OR r.launched_at < :to)', { to: filter.to });
    return qb.orderBy('COALESCE(r.scheduled_at, r.launched_at, r.created_at)', 'DESC').limit(500).getMany();
  }

  actions(releaseId: string): Promise<ReleaseActionEntity[]> {
    return this.db.getRepository(ReleaseActionEntity).find({ where: { releaseId }, order: { appliedOrder: 'ASC', addedAt: 'ASC' } });
  }

  /** The actions of each release, in launch order: one query for a whole level of a GraphQL response (`Release.actions`). */
  async actionsOfReleases(releaseIds: readonly string[]): Promise<ReleaseActionEntity[][]> {
    const ids = [...new Set(releaseIds)];
    const rows = ids.length
      ? await this.db.getRepository(ReleaseActionEntity).find({ where: { releaseId: In(ids) }, order: { appliedOrder: 'ASC', addedAt: 'ASC' } })
      : [];
    return groupRows(releaseIds, rows, (a) => a.releaseId);
  }

  /** The releases that include each item, newest first: two queries for a whole level (`Item.releases`). */
  async releasesOfItems(itemIds: readonly string[]): Promise<ReleaseEntity[][]> {
    const ids = [...new Set(itemIds)];
    const links = ids.length
      ? await this.db.getRepository(ReleaseActionEntity).find({ where: { itemId: In(ids) }, select: { itemId: true, releaseId: true } })
      : [];
    const releaseIds = [...new Set(links.map((l) => l.releaseId))];
    const releases = releaseIds.length ? await this.db.getRepository(ReleaseEntity).find({ where: { id: In(releaseIds) }, order: { createdAt: 'DESC' } }) : [];
    const rank = new Map(releases.map((r, i) => [r.id, i]));
    return groupRows(itemIds, links, (l) => l.itemId).map((ls) =>
      ls
        .filter((l) => rank.has(l.releaseId))
        .sort((a, b) => rank.get(a.releaseId)! - rank.get(b.releaseId)!)
        .map((l) => releases[rank.get(l.releaseId)!]),
    );
  }

  events(releaseId: string): Promise<ReleaseEventEntity[]> {
    return this.db.getRepository(ReleaseEventEntity).find({ where: { releaseId }, order: { at: 'ASC', id: 'ASC' } });
  }

  /** A release's status decides whether its pinned versions count as `scheduled`; see ItemStates. */
  private async refreshItemsOf(m: EntityManager, releaseId: string): Promise<void> {
    const actions = await m.find(ReleaseActionEntity, { where: { releaseId } });
    await this.states.refresh(
      m,
      actions.map((a) => a.itemId),
    );
  }

  private async lock(m: EntityManager, id: string): Promise<ReleaseEntity> {
    assertId('release', id);
    const r = await m.findOne(ReleaseEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!r) throw new NotFoundError('release', id);
    return r;
  }

  private assertEditable(r: ReleaseEntity, verb: string): void {
    if (!EDITABLE.includes(r.status)) throw this.illegal(r, verb, EDITABLE);
  }

  private illegal(r: ReleaseEntity, verb: string, allowed: string[]): DomainError {
    // What to do next, by where the release ended up. A cancel that won a race with "launch now" answers the launch this
    // way, so the editor learns both what happened and how to launch these items after all.
    const hint =
      r.status === 'launched'
        ? ' To undo it, roll it back.'
        : r.status === 'rolled_back'
          ? ' Create a new release instead.'
          : r.status === 'cancelled'
            ? ' A cancelled release stays cancelled: create a new release with these items to launch them.'
            : '';
    return new DomainError(
      'ILLEGAL_TRANSITION',
      `Cannot ${verb} "${r.name}": it is ${r.status.replace('_', ' ')}. That is possible only when it is ${allowed.join(' or ')}.${hint}`,
      { state: r.status, allowed },
    );
  }

  private blocked(r: ReleaseEntity, report: ValidationReport): DomainError {
    return new DomainError(
      'VALIDATION_FAILED',
      `"${r.name}" cannot launch yet: ${report.blocking
        .map((b) => b.message)
        .slice(0, 3)
        .join(' ')}${report.blocking.length > 3 ? ` (and ${report.blocking.length - 3} more)` : ''}`,
      {
        blocking: report.blocking,
        warnings: report.warnings,
      },
    );
  }

  private checkName(raw: string): string {
    const name = (raw ?? '').trim();
    const problem = releaseNameProblem(name);
    if (problem)
      throw new InputError(
        `A release name must be one line of 1 to ${RELEASE_LIMITS.nameChars} characters without control or bidi characters; this one ${problem}. Shorten or retype it and save again.`,
        [{ field: 'name', message: problem }],
      );
    return name;
  }

  private checkDescription(raw: string | null | undefined): string | null {
    const description = raw?.trim() || null;
    const problem = description === null ? null : releaseDescriptionProblem(description);
    if (problem)
      throw new InputError(
        `A release description can be at most ${RELEASE_LIMITS.descriptionChars} characters; this one ${problem}. Shorten it (link to a longer document if needed) and save again.`,
        [{ field: 'description', message: problem }],
      );
    return description;
  }

  private checkAudience(a: Partial<Audience>): Audience {
    const { audience, problems } = checkAudience(a, canonicalLocale);
    if (problems.length)
      throw new InputError(
        `The audience is not valid, nothing was changed: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}. Each list takes at most ${RELEASE_LIMITS.audienceEntries} entries of at most ${RELEASE_LIMITS.audienceEntryChars} characters; correct it and save again.`,
        problems,
      );
    return audience;
  }

  private async event(m: EntityManager, releaseId: string, kind: string, message: string, details: Record<string, unknown> | null = null): Promise<void> {
    await m.insert(ReleaseEventEntity, { releaseId, kind, message, details: details as never });
  }
}

function describeAudience(a: Audience): string {
  const parts = [
    a.locales.length ? `locales ${a.locales.join(', ')}` : '',
    a.platforms.length ? `platforms ${a.platforms.join(', ')}` : '',
    a.tiers.length ? `tiers ${a.tiers.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'everyone';
}
