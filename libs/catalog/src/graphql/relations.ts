import { requestLoader } from '@marquee/platform-api';
import { NotFoundError, isUuid } from '@marquee/platform-core';
import { ItemEntity } from '../entities/item.entity';
import { ItemVersionEntity } from '../entities/item-version.entity';
import { CatalogService } from '../services/catalog.service';
import { UserSummaryService } from '../services/user-summaries.service';
import type { UserSummary } from './item.types';

/**
 * Relations batched per request (see requestLoader): each resolves a whole level of a response with one query, so
 * a list of 25 items with their live versions and authors costs three queries, not fifty-one.
 */

export async function loadUserSummary(ctx: object, users: UserSummaryService, id: string | null | undefined): Promise<UserSummary | null> {
  if (!id || !isUuid(id)) return null;
  return requestLoader<string, UserSummary | null>(ctx, 'users.summary', (ids) => users.summariesInOrder(ids)).load(id);
}

export function loadVersion(ctx: object, catalog: CatalogService, id: string): Promise<ItemVersionEntity | null> {
  return requestLoader<string, ItemVersionEntity | null>(ctx, 'catalog.versionById', (ids) => catalog.versionsInOrder(ids)).load(id);
}

/** The latest version of an item (it always exists: an item is created with its version 1). */
export async function loadLatestVersion(ctx: object, catalog: CatalogService, item: ItemEntity): Promise<ItemVersionEntity> {
  const v = await loadVersion(ctx, catalog, item.latestVersionId);
  if (!v) throw new NotFoundError('version', `${item.slug} v${item.latestVersionNumber}`, '', 'reference');
  return v;
}

export async function loadItem(ctx: object, catalog: CatalogService, id: string): Promise<ItemEntity> {
  const item = await requestLoader<string, ItemEntity | null>(ctx, 'catalog.itemById', (ids) => catalog.itemsByIds(ids)).load(id);
  if (!item) throw new NotFoundError('item', id);
  return item;
}
