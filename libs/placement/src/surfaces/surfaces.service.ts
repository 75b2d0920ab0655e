import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, AuditService } from '@marquee/audit';
import { ItemEntity, KIND_KEYS } from '@marquee/catalog';
import { Clock, ConflictError, FieldProblem, InputError, NotFoundError, assertId, echoList, isUuid, uniqueViolation } from '@marquee/platform-core';
import { DEFAULT_TEST_MAX_POSITION } from '../engine/content-test';
import { CandidateRule, SurfaceDiversityRule, SUCCESS_EVENTS, SuccessEvent, SurfaceEntity, SurfacePinEntity } from './surface.entity';
import { surfaceNotFound } from './surface-lookup';
import { explorationProblems, slotsProblem } from './surface-settings';

export interface SurfaceInput {
  key?: string;
  name?: string | null;
  description?: string | null;
  slots?: number | null;
  candidateRule?: Partial<CandidateRule> | null;
  successEvent?: string | null;
  explorationBudget?: number | null;
  randomFloor?: number | null;
  testQuota?: number | null;
  clearTestQuota?: boolean | null;
  testMaxDays?: number | null;
  /** Content tests go to positions 2..testMaxPosition (see SurfaceEntity.testMaxPosition). */
  testMaxPosition?: number | null;
  /** The baseline choice (see SurfaceEntity.testsLaunchedAfter). */
  testsLaunchedAfter?: Date | null;
  diversity?: Partial<SurfaceDiversityRule> | null;
  enabled?: boolean | null;
}

const KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const keyTaken = (key: string) => new ConflictError(`A surface with key "${key}" already exists.`, { problems: [{ field: 'key', message: 'is taken' }] });
const TAG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;

@Injectable()
export class SurfacesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  list(): Promise<SurfaceEntity[]> {
    return this.db.getRepository(SurfaceEntity).find({ order: { key: 'ASC' } });
  }

  async byKey(key: string): Promise<SurfaceEntity> {
    const s = await this.db.getRepository(SurfaceEntity).findOne({ where: { key } });
    if (!s) throw surfaceNotFound(key);
    return s;
  }

  /**
   * The surface, its row locked until the transaction ends: changes to one surface (settings, fallback, pins) run one
   * at a time, each checked against what the one before it saved.
   */
  private async locked(m: EntityManager, key: string): Promise<SurfaceEntity> {
    const s = await m.findOne(SurfaceEntity, { where: { key }, lock: { mode: 'pessimistic_write' } });
    if (!s) throw surfaceNotFound(key);
    return s;
  }

  async create(actor: Actor, input: SurfaceInput & { key: string; name: string; slots: number }): Promise<SurfaceEntity> {
    const problems: FieldProblem[] = [];
    if (!KEY.test(input.key ?? '')) problems.push({ field: 'key', message: 'must be 1 to 40 lowercase letters, digits, "-" or "_", like "home" or "sleep"' });
    const s = this.db.getRepository(SurfaceEntity).create({
      key: input.key,
      name: '',
      slots: 20,
      candidateRule: { kinds: [], topics: [], collections: [] },
      successEvent: 'PLAY_START',
      explorationBudget: 0.1,
      randomFloor: 0.02,
      testQuota: null,
      testMaxDays: 14,
      // The default, within the slots the surface is created with (2 at least: position 1 never holds a test).
      testMaxPosition: Math.min(DEFAULT_TEST_MAX_POSITION, Math.max(2, Number.isInteger(input.slots) ? input.slots : DEFAULT_TEST_MAX_POSITION)),
      testsLaunchedAfter: null,
      diversity: { firstN: 5, maxPerKind: null, maxPerTopic: null },
      fallbackOrder: [],
      enabled: true,
    });
    this.apply(s, input, problems);
    if (problems.length) throw new InputError(`The surface was not saved: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
    return this.db
      .transaction(async (m) => {
        if (await m.findOne(SurfaceEntity, { where: { key: input.key } })) throw keyTaken(input.key);
        const saved = await m.save(SurfaceEntity, s);
        await this.audit.record(m, actor, {
          action: 'surface.created',
          entityType: 'surface',
          entityId: saved.id,
          after: saved,
          summary: `Created surface "${saved.key}"`,
        });
        return saved;
      })
      .catch((e: unknown) => {
        // Two creates of one key both pass the check above; the unique index decides, and the loser is told the same.
        if (uniqueViolation(e) === 'uq_surfaces_key') throw keyTaken(input.key);
        throw e;
      });
  }

  async update(actor: Actor, key: string, input: SurfaceInput): Promise<SurfaceEntity> {
    return this.db.transaction(async (m) => {
      // Checked against the settings as they are now: two updates in parallel (one lowering the budget, one raising
      // the floor) must not save a pair that breaks floor ≤ budget.
      const s = await this.locked(m, key);
      const before = { ...s };
      const problems: FieldProblem[] = [];
      this.apply(s, input, problems);
      if (problems.length) throw new InputError(`The surface was not saved: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
      const saved = await m.save(SurfaceEntity, s);
      await this.audit.record(m, actor, {
        action: 'surface.updated',
        entityType: 'surface',
        entityId: s.id,
        before,
        after: saved,
        summary: `Updated surface "${key}"`,
      });
      return saved;
    });
  }

  async setFallbackOrder(actor: Actor, key: string, itemIds: string[]): Promise<SurfaceEntity> {
    await this.byKey(key);
    const unique = [...new Set(itemIds)];
    // Counted before anything is looked up: 20,000 unknown ids were each looked up and all named in a 760 kB answer.
    if (unique.length > 200)
      throw new InputError(`The fallback order holds at most 200 items (this one has ${unique.length}). Choose the items to serve first.`, [
        { field: 'itemIds', message: 'has more than 200 items' },
      ]);
    const bad = unique.filter((id) => !isUuid(id));
    const found = unique.length ? await this.db.getRepository(ItemEntity).find({ where: { id: In(unique.filter(isUuid)) }, select: { id: true } }) : [];
    const foundIds = new Set(found.map((f) => f.id));
    const missing = unique.filter((id) => isUuid(id) && !foundIds.has(id));
    if (bad.length || missing.length)
      throw new InputError(`Unknown item(s) in the fallback order: ${echoList([...bad, ...missing])}. Remove them, or pick items from the catalogue.`, [
        { field: 'itemIds', message: 'has unknown items' },
      ]);
    return this.db.transaction(async (m) => {
      const s = await this.locked(m, key);
      const before = s.fallbackOrder;
      s.fallbackOrder = unique;
      const saved = await m.save(SurfaceEntity, s);
      await this.audit.record(m, actor, {
        action: 'surface.fallback_changed',
        entityType: 'surface',
        entityId: s.id,
        before,
        after: unique,
        summary: `Set the editorial fallback of "${key}" (${unique.length} items)`,
      });
      return saved;
    });
  }

  pins(surfaceId: string): Promise<SurfacePinEntity[]> {
    return this.db.getRepository(SurfacePinEntity).find({ where: { surfaceId }, order: { position: 'ASC', startsAt: 'ASC' } });
  }

  async pin(actor: Actor, key: string, input: { itemId: string; position: number; startsAt?: Date | null; endsAt?: Date | null }): Promise<SurfacePinEntity> {
    const s = await this.byKey(key);
    assertId('item', input.itemId);
    const item = await this.db.getRepository(ItemEntity).findOne({ where: { id: input.itemId } });
    if (!item) throw new NotFoundError('item', input.itemId);
    const problems: FieldProblem[] = [];
    if (!Number.isInteger(input.position) || input.position < 1 || input.position > s.slots)
      problems.push({ field: 'position', message: `must be from 1 to ${s.slots} (the surface's slots)` });
    const startsAt = input.startsAt ?? this.clock.now();
    // Without a startsAt the pin starts now: say so, instead of naming a startsAt the caller never sent.
    if (input.endsAt && input.endsAt <= startsAt)
      problems.push({
        field: 'endsAt',
        message: input.startsAt
          ? 'must be after startsAt'
          : 'is in the past; it must be after now, the start of a pin sent without startsAt. Give a later endsAt, or none to pin until unpinned',
      });
    if (problems.length) throw new InputError(`The pin was not saved: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
    return this.db.transaction(async (m) => {
      // Pins of one surface are checked and saved one at a time: without the lock, parallel pins all saw a free
      // position and all were saved, overlapping.
      const current = await this.locked(m, key);
      if (input.position > current.slots)
        throw new InputError(`The pin was not saved: position must be from 1 to ${current.slots} (the surface's slots).`, [
          { field: 'position', message: `must be from 1 to ${current.slots} (the surface's slots)` },
        ]);
      const overlapping = await m.query(
        `SELECT 1 FROM surface_pins WHERE surface_id = $1 AND position = $2 AND tstzrange(starts_at, ends_at) && tstzrange($3::timestamptz, $4::timestamptz) LIMIT 1`,
        [s.id, input.position, startsAt, input.endsAt ?? null],
      );
      if (overlapping.length)
        throw new ConflictError(`Position ${input.position} of "${key}" is already pinned in that window. Remove that pin or choose another window.`);
      const pin = await m.save(
        SurfacePinEntity,
        m.create(SurfacePinEntity, {
          surfaceId: s.id,
          itemId: item.id,
          position: input.position,
          startsAt,
          endsAt: input.endsAt ?? null,
          createdBy: isUuid(actor.id) ? actor.id : null,
        }),
      );
      await this.audit.record(m, actor, {
        action: 'surface.pinned',
        entityType: 'surface',
        entityId: s.id,
        after: pin,
        summary: `Pinned "${item.title}" at position ${input.position} of "${key}"`,
      });
      return pin;
    });
  }

  async unpin(actor: Actor, pinId: string): Promise<boolean> {
    assertId('pin', pinId);
    await this.db.transaction(async (m) => {
      // Locked, so of parallel removals one deletes it (and writes the audit entry) and the others find it gone.
      const pin = await m.findOne(SurfacePinEntity, { where: { id: pinId }, lock: { mode: 'pessimistic_write' } });
      if (!pin) throw new NotFoundError('pin', pinId);
      await m.delete(SurfacePinEntity, { id: pinId });
      await this.audit.record(m, actor, {
        action: 'surface.unpinned',
        entityType: 'surface',
        entityId: pin.surfaceId,
        before: pin,
        summary: `Removed a pin at position ${pin.position}`,
      });
    });
    return true;
  }

  private apply(s: SurfaceEntity, input: SurfaceInput, p: FieldProblem[]): void {
    const before = { slots: s.slots, testMaxPosition: s.testMaxPosition };
    if (input.name !== undefined && input.name !== null) {
      const name = input.name.trim();
      if (!name || name.length > 80) p.push({ field: 'name', message: 'must be 1 to 80 characters' });
      else s.name = name;
    }
    if (!s.name) p.push({ field: 'name', message: 'is required' });
    if (input.description !== undefined) s.description = input.description?.trim() || null;
    if (input.slots !== undefined && input.slots !== null) {
      const bad = slotsProblem(input.slots);
      if (bad) p.push(bad);
      else s.slots = input.slots;
    }
    if (input.candidateRule) {
      const r = input.candidateRule;
      const kinds = r.kinds ?? s.candidateRule?.kinds ?? [];
      const bad = kinds.filter((k) => !KIND_KEYS.includes(k as never));
      if (bad.length) p.push({ field: 'candidateRule.kinds', message: `has unknown kind(s) ${bad.join(', ')}` });
      const topics = (r.topics ?? s.candidateRule?.topics ?? []).map((t) => t.toLowerCase());
      const collections = (r.collections ?? s.candidateRule?.collections ?? []).map((t) => t.toLowerCase());
      if ([...topics, ...collections].some((t) => !TAG.test(t))) p.push({ field: 'candidateRule', message: 'topics and collections must be lowercase slugs' });
      s.candidateRule = { kinds, topics, collections };
    }
    if (input.successEvent) {
      if (!SUCCESS_EVENTS.includes(input.successEvent as SuccessEvent))
        p.push({ field: 'successEvent', message: `must be one of ${SUCCESS_EVENTS.join(', ')}` });
      else s.successEvent = input.successEvent as SuccessEvent;
    }
    if (input.explorationBudget !== undefined && input.explorationBudget !== null) s.explorationBudget = input.explorationBudget;
    if (input.randomFloor !== undefined && input.randomFloor !== null) s.randomFloor = input.randomFloor;
    p.push(...explorationProblems(s.explorationBudget, s.randomFloor));
    if (input.clearTestQuota) s.testQuota = null;
    else if (input.testQuota !== undefined && input.testQuota !== null) {
      if (!Number.isInteger(input.testQuota) || input.testQuota < 10 || input.testQuota > 1_000_000)
        p.push({ field: 'testQuota', message: 'must be from 10 to 1,000,000 impressions' });
      else s.testQuota = input.testQuota;
    }
    if (input.testsLaunchedAfter !== undefined && input.testsLaunchedAfter !== null) {
      const t = input.testsLaunchedAfter instanceof Date ? input.testsLaunchedAfter.getTime() : NaN;
      if (!Number.isFinite(t) || t > this.clock.nowMs() + 366 * 86_400_000)
        p.push({ field: 'testsLaunchedAfter', message: 'must be a date and time no more than a year ahead (items live at or before it are the baseline)' });
      else s.testsLaunchedAfter = new Date(t);
    }
    if (input.testMaxDays !== undefined && input.testMaxDays !== null) {
      if (!Number.isInteger(input.testMaxDays) || input.testMaxDays < 1 || input.testMaxDays > 90)
        p.push({ field: 'testMaxDays', message: 'must be from 1 to 90 days' });
      else s.testMaxDays = input.testMaxDays;
    }
    if (input.testMaxPosition !== undefined && input.testMaxPosition !== null) {
      if (!Number.isInteger(input.testMaxPosition) || input.testMaxPosition < 2 || input.testMaxPosition > 100)
        p.push({ field: 'testMaxPosition', message: 'must be a position from 2 to 100 (position 1 never holds a test; 5 is the default)' });
      else s.testMaxPosition = input.testMaxPosition;
    }
    p.push(...this.testPositionProblems(s, input, before));
    if (input.enabled !== undefined && input.enabled !== null) s.enabled = input.enabled;
    if (input.diversity) {
      const d = { ...(s.diversity ?? { firstN: 5, maxPerKind: null, maxPerTopic: null }), ...input.diversity };
      const okLimit = (v: number | null) => v === null || (Number.isInteger(v) && v >= 1 && v <= 100);
      if (!Number.isInteger(d.firstN) || d.firstN < 1 || d.firstN > 100) p.push({ field: 'diversity.firstN', message: 'must be from 1 to 100' });
      if (!okLimit(d.maxPerKind) || !okLimit(d.maxPerTopic))
        p.push({ field: 'diversity', message: 'limits must be whole numbers from 1 (or empty for no limit)' });
      s.diversity = d;
    }
  }

  /**
   * Content tests go to positions 2..testMaxPosition, so testMaxPosition is at most the surface's slots (or 2 on a
   * one-slot surface, which holds no test). Only a change is checked (a new testMaxPosition, or fewer slots), so a
   * form sent back as it was loaded is never refused for a value it did not change.
   */
  private testPositionProblems(s: SurfaceEntity, input: SurfaceInput, before: { slots: number; testMaxPosition: number }): FieldProblem[] {
    const last = Math.max(2, s.slots);
    if (s.testMaxPosition <= last) return [];
    if (s.testMaxPosition !== before.testMaxPosition || (input.testMaxPosition !== undefined && input.testMaxPosition !== null && s.slots !== before.slots))
      return [
        {
          field: 'testMaxPosition',
          message: `must be at most ${last}, the surface's slots: content tests go to positions 2 to testMaxPosition of a ${s.slots}-slot feed`,
        },
      ];
    if (s.slots < before.slots)
      return [
        {
          field: 'slots',
          message: `cannot go below testMaxPosition (${s.testMaxPosition}) alone: send testMaxPosition from 2 to ${last} in the same update, or keep at least ${s.testMaxPosition} slots`,
        },
      ];
    return [];
  }
}
