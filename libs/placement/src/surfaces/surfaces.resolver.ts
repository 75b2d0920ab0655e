import { Args, Field, Float, ID, InputType, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DateTimeScalar } from '@marquee/platform-api';
import { actorOf } from '@marquee/catalog';
import { Allow, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { SurfaceEntity } from './surface.entity';
import { SurfacesService } from './surfaces.service';
import { SurfaceStatsService } from './surface-stats.service';

@ObjectType('CandidateRule')
export class CandidateRuleGql {
  @Field(() => [String]) kinds: string[];
  @Field(() => [String]) topics: string[];
  @Field(() => [String]) collections: string[];
}

@ObjectType('DiversityRule')
export class DiversityRuleGql {
  @Field(() => Int, { nullable: true }) maxPerKind: number | null;
  @Field(() => Int, { nullable: true }) maxPerTopic: number | null;
  @Field(() => Int) firstN: number;
}

@ObjectType('SurfacePin')
export class SurfacePinGql {
  @Field(() => ID) id: string;
  @Field(() => ID) itemId: string;
  @Field(() => Int) position: number;
  @Field(() => DateTimeScalar) startsAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) endsAt: Date | null;
}

@ObjectType('Surface')
export class SurfaceGql {
  @Field(() => ID) id: string;
  @Field() key: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => Int) slots: number;
  @Field(() => CandidateRuleGql) candidateRule: CandidateRuleGql;
  @Field() successEvent: string;
  @Field(() => Float, { description: 'Share of impressions content tests and random exploration may use.' }) explorationBudget: number;
  @Field(() => Float, { description: 'Share of impressions placed uniformly at random, for offline evaluation.' }) randomFloor: number;
  @Field(() => Int, { nullable: true, description: 'Impressions per content test; null = sized automatically (see effectiveTestQuota).' }) testQuota:
    number | null;
  @Field(() => Int) testMaxDays: number;
  @Field(() => Int, {
    description:
      "Content-test slots go to positions 2..testMaxPosition (never position 1); a test's control counts random floor slots at the same positions. Default 5: a test learns from how often its item is looked at, and lower positions are seldom looked at.",
  })
  testMaxPosition: number;
  @Field(() => DiversityRuleGql) diversity: DiversityRuleGql;
  @Field(() => [ID], { description: 'Editorial order served when the engine cannot answer.' }) fallbackOrder: string[];
  @Field() enabled: boolean;
  @Field(() => DateTimeScalar) updatedAt: Date;
}

@InputType()
export class CandidateRuleInput {
  @Field(() => [String], { nullable: true }) kinds?: string[];
  @Field(() => [String], { nullable: true }) topics?: string[];
  @Field(() => [String], { nullable: true }) collections?: string[];
}

@InputType()
export class DiversityRuleInput {
  @Field(() => Int, { nullable: true }) maxPerKind?: number | null;
  @Field(() => Int, { nullable: true }) maxPerTopic?: number | null;
  @Field(() => Int, { nullable: true }) firstN?: number;
}

@InputType()
export class SurfaceInputGql {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Int, { nullable: true }) slots?: number | null;
  @Field(() => CandidateRuleInput, { nullable: true }) candidateRule?: CandidateRuleInput | null;
  @Field(() => String, { nullable: true, description: 'OPEN, PLAY_START or COMPLETE' }) successEvent?: string | null;
  @Field(() => Float, { nullable: true }) explorationBudget?: number | null;
  @Field(() => Float, { nullable: true }) randomFloor?: number | null;
  @Field(() => Int, { nullable: true }) testQuota?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Go back to the automatic quota.' }) clearTestQuota?: boolean | null;
  @Field(() => Int, { nullable: true }) testMaxDays?: number | null;
  @Field(() => Int, {
    nullable: true,
    description:
      "The last position content tests may use, from 2 to the surface's slots (default 5, or the slots when fewer). Lowering slots below it needs a new testMaxPosition in the same update.",
  })
  testMaxPosition?: number | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "The baseline choice: items live at or before this moment are the surface's established catalogue, items that go live after it enter content tests. Default on create: the creation time. A past date puts recently launched items into tests too (launches of the last 90 days).",
  })
  testsLaunchedAfter?: Date | null;
  @Field(() => DiversityRuleInput, { nullable: true }) diversity?: DiversityRuleInput | null;
  @Field(() => Boolean, { nullable: true, description: 'A disabled surface serves nothing: feeds for it answer NOT_FOUND.' }) enabled?: boolean | null;
}

@InputType()
export class PinInput {
  @Field(() => ID) itemId: string;
  @Field(() => Int) position: number;
  @Field(() => DateTimeScalar, { nullable: true }) startsAt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) endsAt?: Date | null;
}

@Resolver(() => SurfaceGql)
@Allow(...Who.staff)
export class SurfacesResolver {
  constructor(
    private readonly surfaceService: SurfacesService,
    private readonly stats: SurfaceStatsService,
  ) {}

  @Query(() => [SurfaceGql])
  @Allow(...Who.staff)
  surfaces(): Promise<SurfaceGql[]> {
    return this.surfaceService.list();
  }

  @Query(() => SurfaceGql)
  @Allow(...Who.staff)
  surface(@Args('key') key: string): Promise<SurfaceGql> {
    return this.surfaceService.byKey(key);
  }

  @Mutation(() => SurfaceGql)
  @Allow(...Who.admins)
  createSurface(
    @CurrentPrincipal() p: Principal,
    @Args('key') key: string,
    @Args('name') name: string,
    @Args('slots', { type: () => Int }) slots: number,
    @Args('input', { type: () => SurfaceInputGql, nullable: true }) input?: SurfaceInputGql,
  ): Promise<SurfaceGql> {
    return this.surfaceService.create(actorOf(p), { ...(input ?? {}), key, name, slots });
  }

  @Mutation(() => SurfaceGql, {
    description:
      'Changes the given settings of a surface; omitted fields keep their value. Every API process serves feeds with the new settings after its next engine refresh (ENGINE_REFRESH_MS, 5 s by default).',
  })
  @Allow(...Who.admins)
  updateSurface(@CurrentPrincipal() p: Principal, @Args('key') key: string, @Args('input') input: SurfaceInputGql): Promise<SurfaceGql> {
    return this.surfaceService.update(actorOf(p), key, input);
  }

  @Mutation(() => SurfaceGql, { description: 'Sets the editorial fallback order (item ids, first to last).' })
  @Allow(...Who.admins)
  setSurfaceFallback(
    @CurrentPrincipal() p: Principal,
    @Args('key') key: string,
    @Args('itemIds', { type: () => [ID] }) itemIds: string[],
  ): Promise<SurfaceGql> {
    return this.surfaceService.setFallbackOrder(actorOf(p), key, itemIds);
  }

  @Mutation(() => SurfacePinGql, { description: 'Holds an item at a position for a time window (open-ended without endsAt).' })
  @Allow(...Who.admins)
  pinItem(@CurrentPrincipal() p: Principal, @Args('key') key: string, @Args('input') input: PinInput): Promise<SurfacePinGql> {
    return this.surfaceService.pin(actorOf(p), key, input);
  }

  @Mutation(() => Boolean)
  @Allow(...Who.admins)
  unpinItem(@CurrentPrincipal() p: Principal, @Args('pinId', { type: () => ID }) pinId: string): Promise<boolean> {
    return this.surfaceService.unpin(actorOf(p), pinId);
  }

  @ResolveField(() => [SurfacePinGql])
  pins(@Parent() s: SurfaceEntity): Promise<SurfacePinGql[]> {
    return this.surfaceService.pins(s.id);
  }

  @ResolveField(() => DateTimeScalar, {
    description:
      'The baseline: items live at or before this moment are established here; items launched after it enter content tests (default: when the surface was created).',
  })
  testsLaunchedAfter(@Parent() s: SurfaceEntity): Date {
    return s.testsLaunchedAfter ?? s.createdAt;
  }

  @ResolveField(() => Float, {
    nullable: true,
    description: "The control's success rate per examined impression (randomised slots), once it has 100 exposures.",
  })
  successRate(@Parent() s: SurfaceEntity): Promise<number | null> {
    return this.stats.successRate(s);
  }

  @ResolveField(() => Int, { description: 'The quota new content tests get: testQuota, or sized for ±30% precision at successRate (10% while unknown).' })
  effectiveTestQuota(@Parent() s: SurfaceEntity): Promise<number> {
    return this.stats.effectiveTestQuota(s);
  }
}
