import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboundModule } from '@marquee/platform-outbound';
import { AssetRecheckService } from './assets/asset-recheck.service';
import { AssetService } from './assets/asset.service';
import { CATALOG_ENTITIES } from './entities';
import { CatalogResolver, ItemVersionResolver } from './graphql/catalog.resolver';
import { ImportResolver } from './graphql/import.resolver';
import { ImportController } from './import/import.controller';
import { ImportService } from './import/import.service';
import { CatalogJobs } from './services/catalog-jobs';
import { CatalogService } from './services/catalog.service';
import { CATALOG_HOOKS } from './services/item-events';
import { ItemSearchService } from './services/search.service';
import { UserSummaryService } from './services/user-summaries.service';
import { AssetsProcessor } from './worker/assets.processor';
import { ImportsProcessor } from './worker/imports.processor';

/** Services shared by every process. */
@Module({
  imports: [TypeOrmModule.forFeature(CATALOG_ENTITIES), OutboundModule],
  providers: [
    CatalogService,
    ItemSearchService,
    AssetService,
    ImportService,
    CatalogJobs,
    UserSummaryService,
    { provide: CATALOG_HOOKS, useExisting: CatalogJobs },
  ],
  // CATALOG_HOOKS too: AssetRecheckService (CatalogApiModule) injects it optionally, so without the export it got nothing
  // and recheckAssets answered the current statuses without ever queuing a check.
  exports: [CatalogService, ItemSearchService, AssetService, ImportService, CatalogJobs, UserSummaryService, CATALOG_HOOKS],
})
export class CatalogCoreModule {}

/** GraphQL and HTTP surface, for the API process. */
@Module({
  imports: [CatalogCoreModule],
  providers: [AssetRecheckService, CatalogResolver, ItemVersionResolver, ImportResolver],
  controllers: [ImportController],
})
export class CatalogApiModule {}

/** Queue processors, for the worker process. */
@Module({
  imports: [CatalogCoreModule],
  providers: [AssetsProcessor, ImportsProcessor],
})
export class CatalogWorkerModule {}
