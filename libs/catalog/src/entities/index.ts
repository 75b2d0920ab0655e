import { AssetCheckEntity } from './asset-check.entity';
import { ImportJobEntity } from './import-job.entity';
import { ItemVersionEntity } from './item-version.entity';
import { ItemEntity } from './item.entity';

export * from './item.entity';
export * from './item-version.entity';
export * from './asset-check.entity';
export * from './import-job.entity';

export const CATALOG_ENTITIES = [ItemEntity, ItemVersionEntity, AssetCheckEntity, ImportJobEntity];
