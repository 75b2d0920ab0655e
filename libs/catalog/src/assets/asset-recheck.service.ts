import { Inject, Injectable, Optional } from '@nestjs/common';
import { CatalogService } from '../services/catalog.service';
import { CATALOG_HOOKS, CatalogHooks } from '../services/item-events';
import { AssetService, ItemAsset } from './asset.service';

/** The `recheckAssets` use case: queue a fresh check of an item's latest media and answer what is known now. */
@Injectable()
export class AssetRecheckService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly assets: AssetService,
    @Optional() @Inject(CATALOG_HOOKS) private readonly hooks?: CatalogHooks,
  ) {}

  async recheck(itemId: string): Promise<ItemAsset[]> {
    const item = await this.catalog.getItem(itemId);
    const version = await this.catalog.getVersion(itemId, item.latestVersionNumber);
    await this.hooks?.afterVersionSaved(item.id, version.id, version.fields);
    return this.assets.statusOf(version.fields);
  }
}
