import { Args, Field, Float, ID, Int, ObjectType, Parent, Query, ResolveField, Resolver, registerEnumType } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DateTimeScalar } from '@marquee/platform-api';
import { Allow, Who } from '@marquee/platform-auth';
import { ItemEntity, ItemGql } from '@marquee/catalog';
import { compareToControl } from '../engine';
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
    return tests.map((t) => {
      const live = compareToControl(t, controls.get(t.surfaceKey)!);
      const d = t.decision;
      return {
        ...t,
        status: t.status as ContentTestStatusGql,
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
