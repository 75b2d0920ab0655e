import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, AuditService } from '@marquee/audit';
import { ConflictError, DomainError, InputError, NotFoundError, assertId, isUuid, uniqueViolation, unstorableText } from '@marquee/platform-core';
import { diffFields, FieldChange } from '../domain/diff';
import { ItemFields } from '../domain/item-fields';
import { kindDefinition } from '../domain/kinds';
import { ItemInputLike, localeCompleteness, validateItemInput } from '../domain/validation';
import { ItemEntity, ItemState } from '../entities/item.entity';
import { ItemVersionEntity } from '../entities/item-version.entity';
import { CATALOG_HOOKS, CatalogHooks } from './item-events';

export interface SaveResult {
  item: ItemEntity;
  version: ItemVersionEntity;
  created: boolean;
  /** Nothing was written: the save would not have changed the content. */
  unchanged?: boolean;
}

/** States from which an edit simply starts a new draft; the approved or live version is left as it was. */
const EDITABLE_FROM: ItemState[] = ['draft', 'in_review', 'approved', 'scheduled', 'live', 'retired'];

/** Two saves racing for one slug: the unique index decides, and the loser gets the same CONFLICT as a checked clash. */
function slugRace(e: unknown): never {
  if (uniqueViolation(e) === 'uq_items_slug') {
    throw new ConflictError('That slug was just taken by another item. Choose a different slug.', { problems: [{ field: 'slug', message: 'is taken' }] });
  }
  throw e;
}

@Injectable()
export class CatalogService {
  private readonly logger = new Logger('Catalog');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Optional() @Inject(CATALOG_HOOKS) private readonly hooks?: CatalogHooks,
  ) {}

  async createItem(actor: Actor, input: ItemInputLike): Promise<SaveResult> {
    const result = await this.db.transaction(async (tx) => this.createIn(tx, actor, input)).catch(slugRace);
    await this.afterSave(result);
    return result;
  }

  async updateItem(actor: Actor, itemId: string, input: ItemInputLike, baseVersion?: number | null, note?: string | null): Promise<SaveResult> {
    assertId('item', itemId);
    const result = await this.db.transaction(async (tx) => this.updateIn(tx, actor, itemId, input, baseVersion ?? null, note ?? null)).catch(slugRace);
    if (!result.unchanged) await this.afterSave(result);
    return result;
  }

  /**
   * Creates or updates by slug in one transaction: what a bulk import row does. A row with the content the item's
   * latest version already has writes nothing (answered `unchanged`), as updateItem does, so re-importing the same
   * file does not send approved or scheduled items back to draft.
   */
  async upsertBySlug(actor: Actor, input: ItemInputLike): Promise<SaveResult> {
    const result = await this.db
      .transaction(async (tx) => {
        const slug = typeof input.slug === 'string' ? input.slug.trim() : '';
        // A slug PostgreSQL cannot take (a NUL) is not looked up; createIn's validation names it.
        const existing = slug && !unstorableText(slug) ? await tx.findOne(ItemEntity, { where: { slug }, lock: { mode: 'pessimistic_write' } }) : null;
        return existing ? this.updateIn(tx, actor, existing.id, input, null, 'import') : this.createIn(tx, actor, input);
      })
      .catch(slugRace);
    if (!result.unchanged) await this.afterSave(result);
    return result;
  }

  /** Makes a new draft from an old version. It never publishes: the live version, if any, stays live. */
  async restoreVersion(actor: Actor, itemId: string, number: number): Promise<SaveResult> {
    assertId('item', itemId);
    const result = await this.db
      .transaction(async (tx) => {
        const item = await this.lockItem(tx, itemId);
        const old = await tx.findOne(ItemVersionEntity, { where: { itemId, number } });
        if (!old) {
          throw new NotFoundError('version', `${item.slug} v${number}`, `This item has versions 1 to ${item.latestVersionNumber}.`, 'reference');
        }
        // The latest version already has that content (restoring the current version, or a repeated restore).
        const same = await this.unchangedSave(tx, item, old.fields);
        if (same) return same;
        return this.writeVersion(tx, actor, item, old.fields, { restoredFrom: number, note: `Restored from version ${number}` });
      })
      .catch(slugRace);
    if (!result.unchanged) await this.afterSave(result);
    return result;
  }

  async getItem(id: string): Promise<ItemEntity> {
    assertId('item', id);
    const item = await this.db.getRepository(ItemEntity).findOne({ where: { id } });
    if (!item) throw new NotFoundError('item', id);
    return item;
  }

  async findBySlug(slug: string): Promise<ItemEntity | null> {
    return this.db.getRepository(ItemEntity).findOne({ where: { slug } });
  }

  async getVersion(itemId: string, number: number): Promise<ItemVersionEntity> {
    assertId('item', itemId);
    const v = await this.db.getRepository(ItemVersionEntity).findOne({ where: { itemId, number } });
    if (!v) throw new NotFoundError('version', `${itemId} v${number}`, '', 'reference');
    return v;
  }

  async getVersionById(id: string): Promise<ItemVersionEntity | null> {
    if (!isUuid(id)) return null;
    return this.db.getRepository(ItemVersionEntity).findOne({ where: { id } });
  }

  /** Items by id, in the order asked (null where none): one query for a whole level of a GraphQL response. */
  async itemsByIds(ids: readonly string[]): Promise<(ItemEntity | null)[]> {
    const wanted = [...new Set(ids.filter(isUuid))];
    const rows = wanted.length ? await this.db.getRepository(ItemEntity).find({ where: { id: In(wanted) } }) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Versions by id, in the order asked (null where none). */
  async versionsInOrder(ids: readonly string[]): Promise<(ItemVersionEntity | null)[]> {
    const rows = await this.versionsByIds([...new Set(ids.filter(isUuid))]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async versionsByIds(ids: string[]): Promise<ItemVersionEntity[]> {
    if (!ids.length) return [];
    return this.db.getRepository(ItemVersionEntity).find({ where: { id: In(ids) } });
  }

  async listVersions(itemId: string): Promise<ItemVersionEntity[]> {
    await this.getItem(itemId);
    return this.db.getRepository(ItemVersionEntity).find({ where: { itemId }, order: { number: 'DESC' } });
  }

  async diff(itemId: string, from: number, to: number): Promise<FieldChange[]> {
    const [a, b] = await Promise.all([this.getVersion(itemId, from), this.getVersion(itemId, to)]);
    return diffFields(a.fields, b.fields);
  }

  private async createIn(tx: EntityManager, actor: Actor, input: ItemInputLike): Promise<SaveResult> {
    const fields = await this.validate(tx, input, null);
    await this.assertSlugFree(tx, fields.slug, null);
    const itemId = randomUUID();
    const versionId = randomUUID();
    const item = tx.create(ItemEntity, {
      id: itemId,
      state: 'draft',
      ...this.projection(fields),
      latestVersionId: versionId,
      latestVersionNumber: 1,
      liveVersionId: null,
      createdBy: isUuid(actor.id) ? actor.id : null,
    });
    await tx.insert(ItemEntity, item);
    const version = tx.create(ItemVersionEntity, {
      id: versionId,
      itemId,
      number: 1,
      fields,
      authorId: isUuid(actor.id) ? actor.id : null,
      restoredFrom: null,
      note: null,
    });
    await tx.insert(ItemVersionEntity, version);
    await this.audit.record(tx, actor, {
      action: 'item.created',
      entityType: 'item',
      entityId: itemId,
      after: { version: 1, fields },
      summary: `Created ${fields.kind} "${fields.slug}" (v1)`,
    });
    const saved = await tx.findOneOrFail(ItemEntity, { where: { id: itemId } });
    const savedVersion = await tx.findOneOrFail(ItemVersionEntity, { where: { id: versionId } });
    return { item: saved, version: savedVersion, created: true };
  }

  private async updateIn(
    tx: EntityManager,
    actor: Actor,
    itemId: string,
    input: ItemInputLike,
    baseVersion: number | null,
    note: string | null,
  ): Promise<SaveResult> {
    const item = await this.lockItem(tx, itemId);
    // A version that was never saved is a wrong argument, not someone else's save: CONFLICT would send the editor to reload for nothing.
    if (baseVersion !== null && (!Number.isInteger(baseVersion) || baseVersion < 1 || baseVersion > item.latestVersionNumber)) {
      const versions = item.latestVersionNumber === 1 ? 'only version 1' : `versions 1 to ${item.latestVersionNumber}`;
      throw new InputError(
        `Version ${baseVersion} of "${item.slug}" does not exist; it has ${versions}. Pass the version you opened as baseVersion, or leave baseVersion out to save over the latest.`,
        [{ field: 'baseVersion', message: `must be a version of this item, from 1 to ${item.latestVersionNumber}` }],
      );
    }
    if (baseVersion !== null && baseVersion !== item.latestVersionNumber) {
      throw new ConflictError(
        `"${item.slug}" was saved as version ${item.latestVersionNumber} after you opened version ${baseVersion}. Reload it, reapply your change, and save again.`,
        { latestVersion: item.latestVersionNumber, baseVersion },
      );
    }
    if (!EDITABLE_FROM.includes(item.state)) throw new DomainError('ILLEGAL_TRANSITION', `An item in state ${item.state} cannot be edited.`);
    const fields = await this.validate(tx, input, item.id);
    if (fields.kind !== item.kind) {
      throw new InputError(`The kind of an item cannot change (it is ${item.kind}). Create a new item instead.`, [
        { field: 'kind', message: `must stay ${item.kind}` },
      ]);
    }
    // A save with nothing changed (the editor pressed Save twice, a client retried, a file re-imported) writes nothing.
    const same = await this.unchangedSave(tx, item, fields);
    if (same) return same;
    return this.writeVersion(tx, actor, item, fields, { restoredFrom: null, note });
  }

  /**
   * When the latest version already has exactly `fields`, the answer to a save that writes nothing: a new version
   * would change nothing but the number, queue asset checks again, and send an approved or scheduled item back to
   * draft. Null when the content differs.
   */
  private async unchangedSave(tx: EntityManager, item: ItemEntity, fields: ItemFields): Promise<SaveResult | null> {
    const latest = await tx.findOneOrFail(ItemVersionEntity, { where: { id: item.latestVersionId } });
    return diffFields(latest.fields, fields).length ? null : { item, version: latest, created: false, unchanged: true };
  }

  private async writeVersion(
    tx: EntityManager,
    actor: Actor,
    item: ItemEntity,
    fields: ItemFields,
    meta: { restoredFrom: number | null; note: string | null },
  ): Promise<SaveResult> {
    if (fields.slug !== item.slug) await this.assertSlugFree(tx, fields.slug, item.id);
    const previous = await tx.findOneOrFail(ItemVersionEntity, { where: { id: item.latestVersionId } });
    const number = item.latestVersionNumber + 1;
    const versionId = randomUUID();
    await tx.insert(ItemVersionEntity, {
      id: versionId,
      itemId: item.id,
      number,
      fields,
      authorId: isUuid(actor.id) ? actor.id : null,
      restoredFrom: meta.restoredFrom,
      note: meta.note,
    });
    const fromState = item.state;
    await tx.update(ItemEntity, { id: item.id }, { ...this.projection(fields), latestVersionId: versionId, latestVersionNumber: number });
    // The workflow state is derived from the versions (a new one is a draft), by the function every workflow step uses.
    const [{ state }]: { state: ItemState }[] = await tx.query(
      `WITH u AS (UPDATE items SET state = marquee_item_state(id) WHERE id = $1 RETURNING state) SELECT state FROM u`,
      [item.id],
    );
    const changes = diffFields(previous.fields, fields);
    await this.audit.record(tx, actor, {
      action: meta.restoredFrom ? 'item.version_restored' : 'item.updated',
      entityType: 'item',
      entityId: item.id,
      before: { version: previous.number, state: fromState },
      after: { version: number, state, changes },
      summary: meta.restoredFrom
        ? `Restored v${meta.restoredFrom} of "${fields.slug}" as draft v${number}`
        : `Saved "${fields.slug}" v${number} (${changes.length} field${changes.length === 1 ? '' : 's'} changed)`,
    });
    const saved = await tx.findOneOrFail(ItemEntity, { where: { id: item.id } });
    const version = await tx.findOneOrFail(ItemVersionEntity, { where: { id: versionId } });
    return { item: saved, version, created: false };
  }

  private async lockItem(tx: EntityManager, itemId: string): Promise<ItemEntity> {
    const item = await tx.findOne(ItemEntity, { where: { id: itemId }, lock: { mode: 'pessimistic_write' } });
    if (!item) throw new NotFoundError('item', itemId);
    return item;
  }

  private async validate(tx: EntityManager, input: ItemInputLike, selfId: string | null): Promise<ItemFields> {
    const { fields, problems } = validateItemInput(input);
    if (!problems.length && fields.sessions.length) {
      fields.sessions = await this.resolveSessions(tx, fields, selfId, problems);
    }
    if (problems.length) {
      throw new InputError(
        `The item was not saved: ${problems.length} field${problems.length === 1 ? ' needs' : 's need'} fixing (${problems
          .map((p) => `${p.field} ${p.message}`)
          .slice(0, 3)
          .join('; ')}${problems.length > 3 ? '; …' : ''}).`,
        problems,
      );
    }
    return fields;
  }

  /** Sessions may be given by id or slug; they are stored as ids so a later slug change does not break the course. */
  private async resolveSessions(
    tx: EntityManager,
    fields: ItemFields,
    selfId: string | null,
    problems: { field: string; message: string }[],
  ): Promise<string[]> {
    const def = kindDefinition(fields.kind)!;
    const refs = fields.sessions;
    const ids = refs.filter(isUuid);
    const slugs = refs.filter((r) => !isUuid(r));
    const found = await tx.find(ItemEntity, { where: [...(ids.length ? [{ id: In(ids) }] : []), ...(slugs.length ? [{ slug: In(slugs) }] : [])] });
    const out: string[] = [];
    refs.forEach((ref, i) => {
      const hit = found.find((f) => f.id === ref || f.slug === ref);
      if (!hit) problems.push({ field: `sessions[${i}]`, message: `no item "${ref}" exists; create the session first` });
      else if (hit.id === selfId) problems.push({ field: `sessions[${i}]`, message: 'a course cannot contain itself' });
      else if (!def.sessions!.kinds.includes(hit.kind as never))
        problems.push({ field: `sessions[${i}]`, message: `"${hit.slug}" is a ${hit.kind}; sessions must be ${def.sessions!.kinds.join(', ')}` });
      else if (out.includes(hit.id)) problems.push({ field: `sessions[${i}]`, message: `"${hit.slug}" is listed twice` });
      else out.push(hit.id);
    });
    return out;
  }

  private async assertSlugFree(tx: EntityManager, slug: string, selfId: string | null): Promise<void> {
    const other = await tx.findOne(ItemEntity, { where: { slug } });
    if (other && other.id !== selfId) {
      throw new ConflictError(`The slug "${slug}" is already used by another item ("${other.title}"). Choose a different slug.`, {
        problems: [{ field: 'slug', message: `"${slug}" is taken` }],
        conflictingItemId: other.id,
      });
    }
  }

  private projection(fields: ItemFields) {
    const texts = Object.values(fields.localized).flatMap((t) => [t.title, t.subtitle, t.description]);
    return {
      slug: fields.slug,
      kind: fields.kind,
      defaultLocale: fields.defaultLocale,
      locales: fields.locales,
      completeLocales: localeCompleteness(fields)
        .filter((c) => c.complete)
        .map((c) => c.locale),
      topics: fields.topics,
      collections: fields.collections,
      title: fields.localized[fields.defaultLocale]?.title ?? fields.slug,
      searchText: [fields.slug, ...texts, ...Object.values(fields.attributes).map(String)].filter(Boolean).join(' \n'),
    };
  }

  private async afterSave(result: SaveResult): Promise<void> {
    if (!this.hooks) return;
    try {
      await this.hooks.afterVersionSaved(result.item.id, result.version.id, result.version.fields);
    } catch (e) {
      this.logger.warn(
        `Saved "${result.item.slug}" v${result.version.number}, but could not queue its follow-up work: ${(e as Error).message}. The worker's sweep will pick it up.`,
      );
    }
  }
}
