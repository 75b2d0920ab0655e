import { Args, Field, Float, ID, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar, GraphQLJSON, registerStoredValuesEnum } from '@marquee/platform-api';
import { Allow, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { actorOf } from '@marquee/catalog';
import { AnalyticsService } from '../dashboards/analytics.service';
import { EvaluationRunService } from '../models/evaluation-run.service';
import { ModelLifecycleService } from '../models/model-lifecycle.service';
import { ModelTrainingService } from '../models/model-training.service';
import { MODEL_STATUSES, ModelStatus, OPE_RUN_STATUSES, OpeRunStatus } from '../models/entities';

export enum OpeTargetGql {
  CURRENT = 'CURRENT',
  MODEL = 'MODEL',
  UNIFORM = 'UNIFORM',
  CONFIG = 'CONFIG',
}
/** GraphQL names are UPPER_CASE; the values are what the analytics service takes. */
export enum GranularityGql {
  DAY = 'day',
  HOUR = 'hour',
}
registerEnumType(GranularityGql, { name: 'Granularity', description: 'The width of one bucket of a time series (UTC).' });

registerEnumType(OpeTargetGql, {
  name: 'OpeTarget',
  description: 'CURRENT: the live policy; MODEL: a model version; UNIFORM: random order; CONFIG: the live policy with other settings.',
});

const ModelStatusGql = registerStoredValuesEnum(MODEL_STATUSES, {
  name: 'ModelStatus',
  description:
    'TRAINING (FAILED if training did not finish), CANDIDATE while the offline gate evaluates it, GATE_FAILED or GATE_PASSED, CANARY on a ' +
    'share of users, LIVE; ROLLED_BACK when taken off traffic, RETIRED when a newer model replaced it.',
});

const OpeRunStatusGql = registerStoredValuesEnum(OPE_RUN_STATUSES, { name: 'OpeRunStatus', description: 'QUEUED, RUNNING, then DONE or FAILED.' });

@ObjectType('ModelVersion')
export class ModelVersionGql {
  @Field(() => ID) id: string;
  @Field() surfaceKey: string;
  @Field() version: string;
  @Field(() => ModelStatusGql) status: ModelStatus;
  @Field(() => Float) progress: number;
  @Field(() => String, { nullable: true }) progressMessage: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) dataFrom: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) dataTo: Date | null;
  @Field(() => Int) rows: number;
  @Field(() => GraphQLJSON, { nullable: true, description: 'holdoutAuc, holdoutLogLoss, baselineLogLoss, trainLogLoss, backend' }) metrics: unknown;
  @Field(() => Int, { nullable: true }) trainingMs: number | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The offline gate: live and candidate SNIPS, the lower bound, the threshold, passed.' })
  gate: unknown;
  @Field(() => Float, { nullable: true }) canaryShare: number | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Canary against live: impressions, successes, P(canary worse).' }) canaryStats: unknown;
  @Field(() => DateTimeScalar, { nullable: true }) canaryStartedAt: Date | null;
  @Field(() => String, { nullable: true }) statusReason: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) decidedAt: Date | null;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType('OpeRun')
export class OpeRunGql {
  @Field(() => ID) id: string;
  @Field() surfaceKey: string;
  @Field(() => OpeTargetGql) target: OpeTargetGql;
  @Field(() => ID, { nullable: true }) modelId: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) config: unknown;
  @Field() label: string;
  @Field(() => OpeRunStatusGql) status: OpeRunStatus;
  @Field(() => Float) progress: number;
  @Field(() => DateTimeScalar) windowFrom: Date;
  @Field(() => DateTimeScalar) windowTo: Date;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'n, onPolicy, results [{estimator, value, ci {lower upper level}, ess, n, perPosition}], bootstrap, requests, draws',
  })
  estimates: unknown;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt: Date | null;
}

@ObjectType('ExplorationSpend')
export class ExplorationSpendGql {
  @Field(() => DateTimeScalar) bucket: Date;
  @Field(() => Int) servedSlots: number;
  @Field(() => Int) testSlots: number;
  @Field(() => Int) randomSlots: number;
  @Field(() => Float, { description: 'Share of served slots used by tests and the random floor.' }) share: number;
  @Field(() => Float) budget: number;
}

@ObjectType('SurfaceSuccess')
export class SurfaceSuccessGql {
  @Field(() => DateTimeScalar) day: Date;
  @Field() policyVersion: string;
  @Field(() => Int) impressions: number;
  @Field(() => Int) successes: number;
  @Field(() => Float) rate: number;
  @Field(() => Float) lower: number;
  @Field(() => Float) upper: number;
}

@ObjectType('ContentTestDay')
export class ContentTestDayGql {
  @Field(() => DateTimeScalar) day: Date;
  @Field(() => Int, { description: 'Every impression of the item on the surface that day.' }) impressions: number;
  @Field(() => Int) successes: number;
  @Field(() => Int, { description: 'Only impressions in content-test slots: what the test counts.' }) testImpressions: number;
  @Field(() => Int) testSuccesses: number;
}

@Resolver()
export class AnalysisResolver {
  constructor(
    private readonly models: ModelLifecycleService,
    private readonly training: ModelTrainingService,
    private readonly evaluations: EvaluationRunService,
    private readonly analytics: AnalyticsService,
  ) {}

  @Query(() => [ModelVersionGql], { description: 'Model versions, newest first, with training progress, gate and canary status.' })
  @Allow(...Who.staff)
  modelVersions(
    @Args('surface', { nullable: true, description: 'A surface key, to list only that surface (an empty or unknown key is refused); left out, every surface.' })
    surface?: string,
  ): Promise<ModelVersionGql[]> {
    return this.models.list(surface);
  }

  @Query(() => ModelVersionGql)
  @Allow(...Who.staff)
  modelVersion(@Args('id', { type: () => ID }) id: string): Promise<ModelVersionGql> {
    return this.models.get(id);
  }

  @Query(() => [OpeRunGql], { description: "Offline policy evaluations on Marquee's own logs, newest first." })
  @Allow(...Who.staff)
  opeRuns(
    @Args('surface', { nullable: true, description: 'A surface key, to list only that surface (an empty or unknown key is refused); left out, every surface.' })
    surface?: string,
  ): Promise<OpeRunGql[]> {
    return this.evaluations.listOpeRuns(surface) as Promise<OpeRunGql[]>;
  }

  @Query(() => [ExplorationSpendGql], { description: 'Exploration spend against the budget, per day or hour.' })
  @Allow(...Who.staff)
  explorationSpend(
    @Args('surface') surface: string,
    @Args('days', { type: () => Int, nullable: true }) days?: number,
    @Args('granularity', { type: () => GranularityGql, nullable: true, description: 'DAY (the default) or HOUR' }) granularity?: GranularityGql | null,
  ): Promise<ExplorationSpendGql[]> {
    return this.analytics.explorationSpend(surface, days ?? 14, granularity ?? GranularityGql.DAY);
  }

  @Query(() => [SurfaceSuccessGql], { description: 'Success per impression by day and policy version, with 95% intervals.' })
  @Allow(...Who.staff)
  surfaceSuccess(@Args('surface') surface: string, @Args('days', { type: () => Int, nullable: true }) days?: number): Promise<SurfaceSuccessGql[]> {
    return this.analytics.surfaceSuccess(surface, days ?? 14);
  }

  @Query(() => [ContentTestDayGql], { description: 'Impressions and successes per day of one content test.' })
  @Allow(...Who.staff)
  contentTestTimeline(@Args('testId', { type: () => ID }) testId: string): Promise<ContentTestDayGql[]> {
    return this.analytics.testTimeline(testId);
  }

  @Mutation(() => ModelVersionGql, {
    description:
      "Queues a training run on the surface's recent logs; the gate and canary follow automatically. One run per surface at a time: while one is queued or training, another call answers CONFLICT (extensions.modelId names the run to follow) and queues nothing. A window with no logged feeds is refused up front (BAD_USER_INPUT), as evaluatePolicy refuses it.",
  })
  @Allow(...Who.admins)
  trainModel(
    @CurrentPrincipal() p: Principal,
    @Args('surface') surface: string,
    @Args('days', { type: () => Int, nullable: true }) days?: number,
    @Args('epochs', { type: () => Int, nullable: true }) epochs?: number,
  ): Promise<ModelVersionGql> {
    return this.training.requestTraining(actorOf(p), { surfaceKey: surface, days, epochs });
  }

  @Mutation(() => OpeRunGql, { description: "Queues an offline evaluation of a policy on the surface's recent logs." })
  @Allow(...Who.admins)
  evaluatePolicy(
    @CurrentPrincipal() p: Principal,
    @Args('surface') surface: string,
    @Args('target', { type: () => OpeTargetGql }) target: OpeTargetGql,
    @Args('modelId', { type: () => ID, nullable: true }) modelId?: string,
    @Args('config', { type: () => GraphQLJSON, nullable: true }) config?: Record<string, unknown>,
    @Args('days', { type: () => Int, nullable: true }) days?: number,
  ): Promise<OpeRunGql> {
    return this.evaluations.requestOpe(actorOf(p), { surfaceKey: surface, target, modelId, config, days }) as Promise<OpeRunGql>;
  }

  @Mutation(() => ModelVersionGql, { description: 'Puts a model that passed the offline gate on a canary share (default CANARY_PERCENT).' })
  @Allow(...Who.admins)
  startCanary(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('share', { type: () => Float, nullable: true }) share?: number,
  ): Promise<ModelVersionGql> {
    return this.models.startCanary(actorOf(p), id, share);
  }

  @Mutation(() => ModelVersionGql, { description: 'Makes a canary model live now. Only a model on canary (which passed the gate) can be promoted.' })
  @Allow(...Who.admins)
  promoteModel(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<ModelVersionGql> {
    return this.models.promote(actorOf(p), id);
  }

  @Mutation(() => ModelVersionGql, { description: 'Takes a canary model off traffic.' })
  @Allow(...Who.admins)
  rollbackModel(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<ModelVersionGql> {
    return this.models.rollback(actorOf(p), id);
  }
}
