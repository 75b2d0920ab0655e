import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlacementCoreModule } from '@marquee/placement';
import { AnalyticsService } from './dashboards/analytics.service';
import { AnalysisResolver } from './graphql/analysis.resolver';
import { ANALYSIS_ENTITIES } from './models/entities';
import { ModelsService } from './models/models.service';
import { TrainingProcessor } from './models/training.processor';

@Module({ imports: [TypeOrmModule.forFeature(ANALYSIS_ENTITIES), PlacementCoreModule], providers: [ModelsService, AnalyticsService], exports: [ModelsService, AnalyticsService] })
export class AnalysisCoreModule {}

@Module({ imports: [AnalysisCoreModule], providers: [AnalysisResolver] })
export class AnalysisApiModule {}

@Module({ imports: [AnalysisCoreModule], providers: [TrainingProcessor] })
export class AnalysisWorkerModule {}
