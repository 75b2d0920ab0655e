import type { ItemFields } from '../domain/item-fields';

/** Other domains (launch, placement) subscribe to catalogue changes through this port instead of being imported. */
export interface CatalogHooks {
  /** Runs after a save commits; used to queue the asset check. Must not throw. */
  afterVersionSaved(itemId: string, versionId: string, fields: ItemFields): Promise<void>;
}

export const CATALOG_HOOKS = Symbol('CATALOG_HOOKS');
