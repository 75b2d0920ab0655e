import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogCoreModule } from '@marquee/catalog';
import { WebhooksCoreModule } from '@marquee/webhooks';
import { LAUNCH_ENTITIES } from './entities';
import { ItemReviewResolver, ReleaseActionResolver, ReleaseResolver, ReviewQueueEntryResolver, ReviewRecordResolver } from './graphql/launch.resolver';
import { ItemStates } from './services/item-states';
import { LaunchExecutor } from './services/launch-executor';
import { LaunchJobs } from './services/launch-jobs';
import { LiveContentService } from './services/live-content.service';
import { ReleaseValidator } from './services/release-validator';
import { ReleaseService } from './services/release.service';
import { ReviewService } from './services/review.service';
import { RollbackService } from './services/rollback.service';
import { SchedulerHealthService } from './services/scheduler-health.service';
import { LaunchProcessor } from './worker/launch.processor';

const SERVICES = [
  ItemStates,
  ReviewService,
  ReleaseValidator,
  ReleaseService,
  LaunchJobs,
  LaunchExecutor,
  RollbackService,
  LiveContentService,
  SchedulerHealthService,
];

@Module({
  imports: [TypeOrmModule.forFeature(LAUNCH_ENTITIES), WebhooksCoreModule],
  providers: SERVICES,
  exports: SERVICES,
})
export class LaunchCoreModule {}

@Module({
  imports: [LaunchCoreModule, CatalogCoreModule],
  providers: [ReleaseResolver, ReleaseActionResolver, ItemReviewResolver, ReviewQueueEntryResolver, ReviewRecordResolver],
})
export class LaunchApiModule {}

@Module({ imports: [LaunchCoreModule], providers: [LaunchProcessor] })
export class LaunchWorkerModule {}
