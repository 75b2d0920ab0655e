import { Args, Field, Float, ID, Int, ObjectType, Parent, Query, ResolveField, Resolver, registerEnumType } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DateTimeScalar } from '@marquee/platform-api';
import { Allow, Who } from '@marquee/platform-auth';
import { ItemEntity, ItemGql } from '@marquee/catalog';
import { compareToControl, describeRule, sequentialEvidence, testQueue, toSequentialInput, windowControl } from '../engine';
import { toContentTest } from '../runtime/engine-runtime';
import { EngineStore } from '../runtime/engine-store';
import { ContentTestEntity } from './content-test.entity';

/** The names are the values the database stores. */
export enum ContentTestStatusGql {
  RUNNING = 'RUNNING',
  GRADUATED = 'GRADUATED',
  UNDERPERFORMING = 'UNDERPERFORMING',
  INCONCLUSIVE = 'INCONCLUSIVE',
}
registerEnumType(ContentTestStatusGql, { name: 'ContentTestStatus', description: 'RUNNING until decided; then GRADUATED, UNDERPERFORMING or INCONCLUSIVE.' });

@ObjectType('RateEstimate')
export class RateEstimateGql {
  @Field(() => Float) mean: number;
  @Field(() => Float, { description: 'Lower end of the 90% interval.' }) lower: number;
  @Field(() => Float, { description: 'Upper end of the 90% interval.' }) upper: number;
}

@ObjectType('ContentTestEvidence')
export class ContentTestEvidenceGql {
  @Field(() => Float, { description: 'δ̂: the position-debiased success rate of the item minus that of its control.' }) estimate: number;
  @Field(() => Float, { description: "Lower end of the always-valid confidence sequence on δ (1 − α, valid at every look)." }) lower: number;
  @Field(() => Float, { description: 'Upper end of the always-valid confidence sequence on δ.' }) upper: number;
  @Field(() => Float, { description: 'The always-valid p-value: the running minimum of 1/Λ of the mSPRT. The test decides when it reaches α.' }) alwaysValidP: number;
  @Field(() => Int, { description: "Impressions of the test's own control: established items on floor slots at positions ≥ 2 since the test started." }) controlImpressions: number;
  @Field(() => Float) controlExposure: number;
  @Field(() => Int) controlSuccesses: number;
}

@ObjectType('ContentTest')
export class ContentTestGql {
  @Field(() => ID) id: string;
  @Field() surfaceKey: string;
  @Field(() => ID) itemId: string;
  @Field(() => ContentTestStatusGql) status: ContentTestStatusGql;
  @Field(() => Int) quota: number;
  @Field(() => Int) maxDays: number;
  @Field(() => DateTimeScalar) startedAt: Date;
  @Field(() => DateTimeScalar, { description: 'When it ends at the latest (max days).' }) endsBy: Date;
  @Field(() => Int) impressions: number;
  @Field(() => Float, { description: 'Position-debiased exposure: Σ θ over impressions.' }) exposure: number;
  @Field(() => Int) successes: number;
  @Field(() => Float, { description: 'P(success rate beats the control), position-debiased.' }) probBeatsControl: number;
  @Field(() => RateEstimateGql, { description: 'Success rate when examined, with its 90% interval.' }) rate: RateEstimateGql;
  @Field(() => RateEstimateGql) controlRate: RateEstimateGql;
  @Field(() => String, { nullable: true, description: 'QUOTA_REACHED, MAX_DAYS or EARLY_STOP' }) decisionReason: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) decidedAt: Date | null;
  @Field(() => ContentTestEvidenceGql, { description: 'The sequential evidence: at the decision once decided, else at the latest fold.' }) evidence: ContentTestEvidenceGql;
  @Field({ description: 'The decision rule and its parameters (alpha, mixing τ, minimum sample).' }) rule: string;
  @Field(() => Int, { nullable: true, description: 'Place in the test-slot queue (oldest first): 0 to 3 are served now, later ones wait. Null once decided.' }) queuePosition: number | null;
}

@Resolver(() => ContentTestGql)
@Allow(...Who.staff)
export class ContentTestsResolver {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: EngineStore,
  ) {}

  @Query(() => [ContentTestGql], { description: 'Content tests, running first, with live statistics against the control.' })
  @Allow(...Who.staff)
  async contentTests(@Args('surface', { nullable: true }) surface?: string, @Args('status', { type: () => ContentTestStatusGql, nullable: true }) status?: ContentTestStatusGql | null,
  ): Promise<ContentTestGql[]> {
    const qb = this.db.getRepository(ContentTestEntity).createQueryBuilder('t');
    if (surface) qb.andWhere('t.surface_key = :surface', { surface });
    if (status) qb.andWhere('t.status = :status', { status });
    const tests = await qb.orderBy(`CASE WHEN t.status = 'RUNNING' THEN 0 ELSE 1 END`).addOrderBy('t.started_at', 'DESC').limit(500).getMany();
    const controls = new Map<string, { impressions: number; exposure: number; successes: number }>();
    for (const key of new Set(tests.map((t) => t.surfaceKey))) controls.set(key, (await this.store.load(key)).control);
    // The queue is over all running tests of a surface, not only the ones this query returns.
    const running = await this.db.getRepository(ContentTestEntity).find({ where: { status: 'RUNNING' }, select: { itemId: true, surfaceKey: true, startedAt: true, status: true } });
    const queues = new Map<string, Map<string, number>>();
    for (const key of new Set(running.map((t) => t.surfaceKey))) queues.set(key, testQueue(running.filter((t) => t.surfaceKey === key).map((t) => ({ itemId: t.itemId, startedAt: t.startedAt.getTime(), status: 'RUNNING' as const }))));
    return tests.map((t) => {
      const control = windowControl(controls.get(t.surfaceKey)!, t.controlAtStart ?? undefined);
      const live = compareToControl(t, control);
      const d = t.decision;
      const seq = d?.sequential ?? sequentialEvidence(toSequentialInput(toContentTest(t)), control);
      const c = d?.control ?? control;
      return {
        ...t,
        status: t.status as ContentTestStatusGql,
        evidence: { estimate: seq.estimate, lower: seq.lower, upper: seq.upper, alwaysValidP: seq.alwaysValidP, controlImpressions: c.impressions, controlExposure: c.exposure, controlSuccesses: c.successes },
        rule: d?.rule ?? describeRule(),
        queuePosition: t.status === 'RUNNING' ? (queues.get(t.surfaceKey)?.get(t.itemId) ?? null) : null,
        endsBy: new Date(t.startedAt.getTime() + t.maxDays * 86_400_000),
        probBeatsControl: d?.probBeatsControl ?? live.probBeatsControl,
        rate: d?.testRate ?? live.testRate,
        controlRate: d?.controlRate ?? live.controlRate,
        decisionReason: d?.reason ?? null,
      };
    });
  }

  @ResolveField(() => ItemGql)
  async item(@Parent() t: ContentTestEntity): Promise<ItemGql> {
    return (await this.db.getRepository(ItemEntity).findOneOrFail({ where: { id: t.itemId } })) as ItemGql;
  }
}
