import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlacementCoreModule } from '@marquee/placement';
import { AnalyticsService } from './dashboards/analytics.service';
import { AnalysisResolver } from './graphql/analysis.resolver';
import { ANALYSIS_ENTITIES } from './models/entities';
import { EvaluationRunService } from './models/evaluation-run.service';
import { ModelLifecycleService } from './models/model-lifecycle.service';
import { ModelTrainingService } from './models/model-training.service';
import { TrainingProcessor } from './models/training.processor';

/** Training, evaluation runs and the lifecycle are three services; training uses the other two, evaluation the lifecycle. */
const MODEL_SERVICES = [ModelLifecycleService, EvaluationRunService, ModelTrainingService, AnalyticsService];

@Module({ imports: [TypeOrmModule.forFeature(ANALYSIS_ENTITIES), PlacementCoreModule], providers: MODEL_SERVICES, exports: MODEL_SERVICES })
class AnalysisCoreModule {}

@Module({ imports: [AnalysisCoreModule], providers: [AnalysisResolver] })
export class AnalysisApiModule {}

@Module({ imports: [AnalysisCoreModule], providers: [TrainingProcessor] })
export class AnalysisWorkerModule {}
