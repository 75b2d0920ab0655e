import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, AuditService } from '@marquee/audit';
import { ItemEntity, ItemVersionEntity, diffFields, launchReadiness } from '@marquee/catalog';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { ConflictError, DomainError, InputError, NotFoundError, assertId, isUuid } from '@marquee/platform-core';
import { assertTransition } from '../domain/states';
import { ReviewDecision, VersionReviewEntity } from '../entities/version-review.entity';
import { ItemStates } from './item-states';

export interface ReviewQueueEntry {
  item: ItemEntity;
  version: ItemVersionEntity;
  submittedAt: Date;
  submittedBy: string | null;
  changesFromLive: ReturnType<typeof diffFields>;
}

/** Review works on exact versions: what a reviewer approves is byte for byte what a release can launch. */
@Injectable()
export class ReviewService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly states: ItemStates,
  ) {}

  async submit(actor: Actor, itemId: string, versionNumber?: number | null): Promise<ItemEntity> {
    return this.db.transaction(async (tx) => {
      const { item, version } = await this.lockLatest(tx, itemId, versionNumber, 'submit');
      assertTransition(item.state, 'submit', item.title);
      const problems = launchReadiness(version.fields);
      if (problems.length) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `"${item.title}" v${version.number} cannot go to review yet: ${problems.map((p) => p.message).join('; ')}. Fix these and save, then submit again.`,
          {
            problems: problems.map((p) => ({ field: p.field, message: p.message })),
          },
        );
      }
      await this.decide(tx, actor, item, version, 'submitted', null, `Submitted "${item.title}" v${version.number} for review`);
      return tx.findOneOrFail(ItemEntity, { where: { id: itemId } });
    });
  }

  async approve(actor: Actor, itemId: string, versionNumber: number, comment?: string | null): Promise<ItemEntity> {
    return this.db.transaction(async (tx) => {
      const { item, version } = await this.lockLatest(tx, itemId, versionNumber, 'approve');
      assertTransition(item.state, 'approve', item.title);
      if (!this.config.allowSelfApproval && isUuid(actor.id)) {
        const wrote = (await this.contributions(tx, itemId, version.number)).get(actor.id);
        if (wrote) {
          const which = wrote.length === 1 ? `v${wrote[0]}` : `v${wrote.slice(0, -1).join(', v')} and v${wrote[wrote.length - 1]}`;
          throw new DomainError(
            'FORBIDDEN',
            wrote.length === 1 && wrote[0] === version.number
              ? `You wrote v${version.number} of "${item.title}", so someone else must approve it. (An admin can allow self-approval with ALLOW_SELF_APPROVAL=true.)`
              : `You contributed to v${version.number} of "${item.title}" (you wrote ${which}, which it builds on since the last approval), so someone else must approve it. (An admin can allow self-approval with ALLOW_SELF_APPROVAL=true.)`,
            { versions: wrote },
          );
        }
      }
      await this.decide(tx, actor, item, version, 'approved', comment ?? null, `Approved "${item.title}" v${version.number}`);
      return tx.findOneOrFail(ItemEntity, { where: { id: itemId } });
    });
  }

  async reject(actor: Actor, itemId: string, versionNumber: number, comment: string): Promise<ItemEntity> {
    if (!comment?.trim())
      throw new InputError('Say why you reject this version, so the editor knows what to change.', [
        { field: 'comment', message: 'is required when rejecting' },
      ]);
    return this.db.transaction(async (tx) => {
      const { item, version } = await this.lockLatest(tx, itemId, versionNumber, 'reject');
      assertTransition(item.state, 'reject', item.title);
      await this.decide(tx, actor, item, version, 'rejected', comment.trim(), `Rejected "${item.title}" v${version.number}: ${comment.trim()}`);
      return tx.findOneOrFail(ItemEntity, { where: { id: itemId } });
    });
  }

  /**
   * Who contributed to a version, and which versions each wrote: the authors of every version since the item's last
   * approved one before it (versions are immutable and each records its author, so the history is the record of who
   * edited what; content before an approval was reviewed by someone else already). A restored version also carries
   * the contributors of the version it restores, unless that one was approved. Two indexed reads of one item's
   * history: no new column, and nothing to keep in step on save.
   */
  private async contributions(m: EntityManager, itemId: string, number: number): Promise<Map<string, number[]>> {
    const versions: { id: string; number: number; author_id: string | null; restored_from: number | null }[] = await m.query(
      `SELECT id, number, author_id, restored_from FROM item_versions WHERE item_id = $1 AND number <= $2 ORDER BY number`,
      [itemId, number],
    );
    const approved = new Set<number>(
      (
        await m.query(`SELECT DISTINCT version_number FROM version_reviews WHERE item_id = $1 AND decision = 'approved' AND version_number <= $2`, [
          itemId,
          number,
        ])
      ).map((r: { version_number: number }) => r.version_number),
    );
    const byNumber = new Map(versions.map((v) => [v.number, v]));
    const out = new Map<string, Set<number>>();
    const seen = new Set<number>();
    const walk = (upTo: number): void => {
      for (let n = upTo; n >= 1 && !seen.has(n); n--) {
        // The version under review is always its authors' own; an earlier approved one ends the walk.
        if (n !== number && approved.has(n)) return;
        seen.add(n);
        const v = byNumber.get(n);
        if (!v) continue;
        if (v.author_id) out.set(v.author_id, (out.get(v.author_id) ?? new Set()).add(n));
        if (v.restored_from !== null && !approved.has(v.restored_from)) walk(v.restored_from);
      }
    };
    walk(number);
    return new Map([...out].map(([who, ns]) => [who, [...ns].sort((a, b) => a - b)]));
  }

  /** The latest decision for each version id: 'submitted', 'approved' or 'rejected' (absent = never submitted). */
  async statusOf(versionIds: string[], m: EntityManager = this.db.manager): Promise<Map<string, VersionReviewEntity>> {
    if (!versionIds.length) return new Map();
    const rows = await m.query(`SELECT DISTINCT ON (version_id) * FROM version_reviews WHERE version_id = ANY($1) ORDER BY version_id, at DESC, id`, [
      versionIds,
    ]);
    return new Map(
      rows.map((r: Record<string, unknown>) => [
        r.version_id as string,
        {
          id: r.id,
          itemId: r.item_id,
          versionId: r.version_id,
          versionNumber: r.version_number,
          decision: r.decision,
          comment: r.comment,
          actorId: r.actor_id,
          at: r.at,
        } as VersionReviewEntity,
      ]),
    );
  }

  async history(itemId: string): Promise<VersionReviewEntity[]> {
    assertId('item', itemId);
    return this.db.getRepository(VersionReviewEntity).find({ where: { itemId }, order: { at: 'DESC' } });
  }

  /** Latest approved version of an item, or null. */
  async latestApproved(itemId: string, m: EntityManager = this.db.manager): Promise<ItemVersionEntity | null> {
    const versions = await m.find(ItemVersionEntity, { where: { itemId }, order: { number: 'DESC' } });
    const status = await this.statusOf(
      versions.map((v) => v.id),
      m,
    );
    return versions.find((v) => status.get(v.id)?.decision === 'approved') ?? null;
  }

  async queue(): Promise<ReviewQueueEntry[]> {
    const items = await this.db.getRepository(ItemEntity).find({ where: { state: 'in_review' }, order: { updatedAt: 'ASC' } });
    if (!items.length) return [];
    const versions = await this.db.getRepository(ItemVersionEntity).find({ where: { id: In(items.map((i) => i.latestVersionId)) } });
    const live = await this.db.getRepository(ItemVersionEntity).find({ where: { id: In(items.map((i) => i.liveVersionId).filter(isUuid)) } });
    const status = await this.statusOf(versions.map((v) => v.id));
    return items.map((item) => {
      const version = versions.find((v) => v.id === item.latestVersionId)!;
      const liveVersion = live.find((v) => v.id === item.liveVersionId);
      const s = status.get(version.id);
      return {
        item,
        version,
        submittedAt: s?.at ?? item.updatedAt,
        submittedBy: s?.actorId ?? null,
        changesFromLive: liveVersion ? diffFields(liveVersion.fields, version.fields) : diffFields({}, version.fields),
      };
    });
  }

  private async lockLatest(tx: EntityManager, itemId: string, versionNumber: number | null | undefined, verb: string) {
    assertId('item', itemId);
    const item = await tx.findOne(ItemEntity, { where: { id: itemId }, lock: { mode: 'pessimistic_write' } });
    if (!item) throw new NotFoundError('item', itemId);
    // The transition is checked against the state derived now from the versions, never against a stored value alone.
    item.state = await this.states.of(tx, item.id);
    const number = versionNumber ?? item.latestVersionNumber;
    const version = await tx.findOne(ItemVersionEntity, { where: { itemId, number } });
    if (!version) throw new NotFoundError('version', `${item.slug} v${number}`, `This item has versions 1 to ${item.latestVersionNumber}.`, 'reference');
    if (version.number !== item.latestVersionNumber) {
      throw new ConflictError(
        `v${version.number} of "${item.title}" is outdated: v${item.latestVersionNumber} was saved since. ${verb === 'submit' ? 'Submit' : 'Review'} v${item.latestVersionNumber} instead.`,
        {
          latestVersion: item.latestVersionNumber,
        },
      );
    }
    return { item, version };
  }

  private async decide(
    tx: EntityManager,
    actor: Actor,
    item: ItemEntity,
    version: ItemVersionEntity,
    decision: ReviewDecision,
    comment: string | null,
    summary: string,
  ) {
    await tx.insert(VersionReviewEntity, {
      itemId: item.id,
      versionId: version.id,
      versionNumber: version.number,
      decision,
      comment,
      actorId: isUuid(actor.id) ? actor.id : null,
    });
    const state = await this.states.of(tx, item.id);
    await this.audit.record(tx, actor, {
      action: `item.${decision === 'submitted' ? 'submitted' : decision}`,
      entityType: 'item',
      entityId: item.id,
      before: { state: item.state, version: version.number },
      after: { state, version: version.number, comment },
      summary,
    });
  }
}
