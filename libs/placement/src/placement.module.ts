import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsCoreModule } from '@marquee/events';
import { LaunchCoreModule } from '@marquee/launch';
import { PLACEMENT_ENTITIES } from './entities';
import { FeedLogWriter } from './feed/feed-log.writer';
import { FeedPreviewService } from './feed/feed-preview.service';
import { FeedResolver } from './feed/feed.resolver';
import { FeedService } from './feed/feed.service';
import { ReplayService } from './feed/replay.service';
import { LearnerService } from './learning/learner.service';
import { LearningLagResolver, LearningLagService, SchedulerLearningResolver } from './learning/learning-lag';
import { LearningProcessor } from './learning/learning.processor';
import { EngineRuntime } from './runtime/engine-runtime';
import { EngineStore } from './runtime/engine-store';
import { LiveItemsReader } from './runtime/live-items';
import { UserStateCache } from './runtime/user-state';
import { SurfacesResolver } from './surfaces/surfaces.resolver';
import { SurfacesService } from './surfaces/surfaces.service';
import { SurfaceStatsService } from './surfaces/surface-stats.service';
import { ContentTestsResolver } from './tests/content-tests.resolver';
import { ContentTestsService } from './tests/content-tests.service';

@Module({
  imports: [TypeOrmModule.forFeature(PLACEMENT_ENTITIES), EventsCoreModule, LaunchCoreModule],
  providers: [EngineStore, LiveItemsReader, SurfacesService],
  exports: [EngineStore, LiveItemsReader, SurfacesService, EventsCoreModule, LaunchCoreModule],
})
export class PlacementCoreModule {}

@Module({
  imports: [PlacementCoreModule],
  providers: [
    EngineRuntime,
    UserStateCache,
    FeedService,
    FeedPreviewService,
    ReplayService,
    FeedLogWriter,
    FeedResolver,
    SurfaceStatsService,
    SurfacesResolver,
    ContentTestsService,
    ContentTestsResolver,
    LearningLagService,
    LearningLagResolver,
    SchedulerLearningResolver,
  ],
  exports: [EngineRuntime, FeedService, UserStateCache],
})
export class PlacementApiModule {}

@Module({ imports: [PlacementCoreModule], providers: [LearnerService, LearningProcessor], exports: [LearnerService] })
export class PlacementWorkerModule {}
