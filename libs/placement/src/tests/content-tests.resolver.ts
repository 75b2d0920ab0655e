import { Args, Context, Field, Float, ID, Int, ObjectType, Parent, Query, ResolveField, Resolver, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar, requestLoader } from '@marquee/platform-api';
import { Allow, Who } from '@marquee/platform-auth';
import { NotFoundError } from '@marquee/platform-core';
import { ItemEntity, ItemGql } from '@marquee/catalog';
import { ContentTestEntity } from './content-test.entity';
import { ContentTestsService } from './content-tests.service';

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
  @Field(() => Float, { description: 'Lower end of the always-valid confidence sequence on δ (1 − α, valid at every look).' }) lower: number;
  @Field(() => Float, { description: 'Upper end of the always-valid confidence sequence on δ.' }) upper: number;
  @Field(() => Float, { description: 'The always-valid p-value: the running minimum of 1/Λ of the mSPRT. The test decides when it reaches α.' })
  alwaysValidP: number;
  @Field(() => Int, { description: "Impressions of the test's own control: established items on floor slots at positions ≥ 2 since the test started." })
  controlImpressions: number;
  @Field(() => Float) controlExposure: number;
  @Field(() => Int) controlSuccesses: number;
  @Field(() => Int, {
    nullable: true,
    description:
      'Control impressions behind probBeatsControl: the same control, reaching back before the test started to at least 2,000 impressions (or 6 × the quota), at most 7 days. Null on decisions made before this lookback existed.',
  })
  comparisonControlImpressions: number | null;
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
  @Field(() => ContentTestEvidenceGql, { description: 'The sequential evidence: at the decision once decided, else at the latest fold.' })
  evidence: ContentTestEvidenceGql;
  @Field({ description: 'The decision rule and its parameters (alpha, mixing τ, minimum sample).' }) rule: string;
  @Field(() => Int, { nullable: true, description: 'Place in the test-slot queue (oldest first): 0 to 3 are served now, later ones wait. Null once decided.' })
  queuePosition: number | null;
}

@Resolver(() => ContentTestGql)
@Allow(...Who.staff)
export class ContentTestsResolver {
  constructor(private readonly tests: ContentTestsService) {}

  @Query(() => [ContentTestGql], { description: 'Content tests, running first, with live statistics against the control.' })
  @Allow(...Who.staff)
  contentTests(
    @Args('surface', { nullable: true, description: 'A surface key, to list only that surface (an empty or unknown key is refused); left out, every surface.' })
    surface?: string,
    @Args('status', { type: () => ContentTestStatusGql, nullable: true }) status?: ContentTestStatusGql | null,
  ): Promise<ContentTestGql[]> {
    return this.tests.list({ surface, status }) as Promise<ContentTestGql[]>;
  }

  @ResolveField(() => ItemGql)
  async item(@Parent() t: ContentTestEntity, @Context() ctx: object): Promise<ItemGql> {
    const item = await requestLoader<string, ItemEntity | null>(ctx, 'contentTests.item', (ids) => this.tests.itemsInOrder(ids)).load(t.itemId);
    if (!item) throw new NotFoundError('item', t.itemId);
    return item as ItemGql;
  }
}
