import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DateTimeScalar, requestLoader } from '@marquee/platform-api';
import {
  CatalogService,
  ItemEntity,
  ItemGql,
  ItemVersionGql,
  UserSummary,
  UserSummaryService,
  actorOf,
  fieldsToGql,
  loadItem,
  loadUserSummary,
  loadVersion,
  versionToGql,
} from '@marquee/catalog';
import { Allow, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { describeLocalTime } from '../domain/time';
import { ReleaseActionEntity } from '../entities/release-action.entity';
import { ReleaseEntity, ReleaseStatus } from '../entities/release.entity';
import { LiveContentService } from '../services/live-content.service';
import { ReleaseService } from '../services/release.service';
import { ReviewService } from '../services/review.service';
import { RollbackService } from '../services/rollback.service';
import { SchedulerHealthService } from '../services/scheduler-health.service';
import {
  AudienceInput,
  CatalogEntryGql,
  PersonaInput,
  ReleaseActionGql,
  ReleaseActionKindGql,
  ReleaseEventGql,
  ReleaseGql,
  ReleaseInput,
  ReleaseStateGql,
  ReleaseStatusGql,
  ReleaseUpdate,
  ReleaseValidationGql,
  ReviewQueueEntryGql,
  ReviewRecordGql,
  ScheduleInputGql,
  ScheduleResolutionGql,
  SchedulerHealthGql,
} from './launch.types';

@Resolver(() => ReleaseGql)
@Allow(...Who.staff)
export class ReleaseResolver {
  constructor(
    // Not `releases`: an instance property of that name would shadow the `releases` query method.
    private readonly releaseService: ReleaseService,
    private readonly rollbacks: RollbackService,
    private readonly health: SchedulerHealthService,
    private readonly live: LiveContentService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UserSummaryService,
  ) {}

  @Query(() => [ReleaseGql], { description: 'Releases, newest first; filter by state and by a window (for the calendar).' })
  @Allow(...Who.staff)
  releases(
    @Args('states', { type: () => [ReleaseStateGql], nullable: true, description: 'Only releases in one of these states.' }) states?: ReleaseStatus[],
    @Args('statuses', {
      type: () => [ReleaseStatusGql],
      nullable: true,
      deprecationReason: 'The 0.1 lowercase names, kept for deployed clients until 1.0. Send `states` (UPPER_CASE) instead; given both, either matches.',
    })
    statuses?: ReleaseStatus[],
    @Args('from', { type: () => DateTimeScalar, nullable: true }) from?: Date,
    @Args('to', { type: () => DateTimeScalar, nullable: true }) to?: Date,
  ): Promise<ReleaseGql[]> {
    const wanted = states || statuses ? [...new Set([...(states ?? []), ...(statuses ?? [])])] : null;
    return this.releaseService.list({ statuses: wanted, from, to }) as Promise<ReleaseGql[]>;
  }

  @Query(() => ReleaseGql)
  @Allow(...Who.staff)
  release(@Args('id', { type: () => ID }) id: string): Promise<ReleaseGql> {
    return this.releaseService.get(id) as Promise<ReleaseGql>;
  }

  @Query(() => ReleaseValidationGql, { description: 'Blocking problems and warnings, computed now from current content. Never cached.' })
  @Allow(...Who.staff)
  releaseValidation(@Args('id', { type: () => ID }) id: string): Promise<ReleaseValidationGql> {
    return this.releaseService.validate(id);
  }

  @Query(() => ScheduleResolutionGql, { description: 'What a local time in a zone means: one instant, a DST gap, or two instants to choose from.' })
  @Allow(...Who.staff)
  resolveScheduleTime(@Args('localDateTime') localDateTime: string, @Args('timeZone') timeZone: string): ScheduleResolutionGql {
    return describeLocalTime(localDateTime, timeZone);
  }

  @Query(() => [String], { description: 'Every IANA time zone this server knows.' })
  @Allow(...Who.staff)
  timeZones(): string[] {
    return Intl.supportedValuesOf('timeZone');
  }

  @Query(() => SchedulerHealthGql, { description: 'Upcoming launches, late ones, failures, and how late recent launches were.' })
  @Allow(...Who.staff)
  schedulerHealth(): Promise<SchedulerHealthGql> {
    return this.health.health(this.config.reconcileIntervalMs) as Promise<SchedulerHealthGql>;
  }

  @Query(() => [CatalogEntryGql], {
    description: 'What will be live at a future instant once scheduled releases apply; with a persona, staged rollouts apply too.',
  })
  @Allow(...Who.staff)
  async catalogAt(
    @Args('instant', { type: () => DateTimeScalar, nullable: true }) instant?: Date,
    @Args('persona', { type: () => PersonaInput, nullable: true }) persona?: PersonaInput,
  ): Promise<CatalogEntryGql[]> {
    const entries = await this.live.at(instant ?? null, persona ?? null);
    return entries.map((e) => ({ ...e, fields: fieldsToGql(e.fields) }));
  }

  @Mutation(() => ReleaseGql)
  @Allow(...Who.editors)
  createRelease(@CurrentPrincipal() p: Principal, @Args('input') input: ReleaseInput): Promise<ReleaseGql> {
    return this.releaseService.create(actorOf(p), input) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql, {
    description:
      'Renames a release or changes its description (while it is draft, scheduled or failed). Sending the name and description it already has changes nothing: no write, no audit entry.',
  })
  @Allow(...Who.editors)
  updateRelease(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: ReleaseUpdate): Promise<ReleaseGql> {
    return this.releaseService.update(actorOf(p), id, input) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql, { description: 'Adds an item. Publishing pins an approved version (the latest approved one unless versionNumber is given).' })
  @Allow(...Who.editors)
  addToRelease(
    @CurrentPrincipal() p: Principal,
    @Args('releaseId', { type: () => ID }) releaseId: string,
    @Args('itemId', { type: () => ID }) itemId: string,
    @Args('action', { type: () => ReleaseActionKindGql }) action: ReleaseActionKindGql,
    @Args('versionNumber', { type: () => Int, nullable: true }) versionNumber?: number,
  ): Promise<ReleaseGql> {
    return this.releaseService.addItem(actorOf(p), releaseId, itemId, action, versionNumber) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql)
  @Allow(...Who.editors)
  removeFromRelease(
    @CurrentPrincipal() p: Principal,
    @Args('releaseId', { type: () => ID }) releaseId: string,
    @Args('itemId', { type: () => ID }) itemId: string,
  ): Promise<ReleaseGql> {
    return this.releaseService.removeItem(actorOf(p), releaseId, itemId) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql, {
    description:
      'Schedules (or reschedules) at a wall-clock time in an IANA zone. Refuses DST gaps, the past, and blocked releases. Scheduling a scheduled release again for the same instant in the same zone changes nothing and returns it as it is.',
  })
  @Allow(...Who.editors)
  scheduleRelease(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: ScheduleInputGql): Promise<ReleaseGql> {
    return this.releaseService.schedule(actorOf(p), id, input) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql)
  @Allow(...Who.editors)
  unscheduleRelease(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<ReleaseGql> {
    return this.releaseService.unschedule(actorOf(p), id) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql, {
    description:
      'Queues the launch and answers with the release SCHEDULED for now; the release becomes LAUNCHED when the worker carries it out (normally within seconds), through the same validated, all-or-nothing path as a scheduled launch. Watch `state` and `events`: if the release is cancelled or unscheduled before the worker runs, the launch is not carried out and a `launch_dropped` event says so.',
  })
  @Allow(...Who.editors)
  launchReleaseNow(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<ReleaseGql> {
    return this.releaseService.launchNow(actorOf(p), id) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql, {
    description:
      'Sets the share of users (1-100) and the audience (see AudienceInput for its limits: at most 20 entries of at most 64 characters per list). After launch the share can only go up.',
  })
  @Allow(...Who.editors)
  setReleaseRollout(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('percent', { type: () => Int }) percent: number,
    @Args('audience', { type: () => AudienceInput, nullable: true }) audience?: AudienceInput,
  ): Promise<ReleaseGql> {
    return this.releaseService.setRollout(actorOf(p), id, percent, audience) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql)
  @Allow(...Who.editors)
  cancelRelease(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<ReleaseGql> {
    return this.releaseService.cancel(actorOf(p), id) as Promise<ReleaseGql>;
  }

  @Mutation(() => ReleaseGql, { description: 'Returns every item of a launched release to its exact state before the launch.' })
  @Allow(...Who.editors)
  rollbackRelease(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<ReleaseGql> {
    return this.rollbacks.rollback(actorOf(p), id) as Promise<ReleaseGql>;
  }

  @ResolveField(() => ReleaseStateGql, { description: 'Where the release is in its life.' })
  state(@Parent() r: ReleaseEntity): ReleaseStatus {
    return r.status;
  }

  @ResolveField(() => [ReleaseActionGql])
  actions(@Parent() r: ReleaseEntity, @Context() ctx: object): Promise<ReleaseActionGql[]> {
    return requestLoader(ctx, 'release.actions', (ids: readonly string[]) => this.releaseService.actionsOfReleases(ids)).load(r.id) as Promise<
      ReleaseActionGql[]
    >;
  }

  @ResolveField(() => ReleaseValidationGql, { description: 'Computed now; see releaseValidation.' })
  validation(@Parent() r: ReleaseEntity): Promise<ReleaseValidationGql> {
    return this.releaseService.validate(r.id);
  }

  @ResolveField(() => [ReleaseEventGql], { description: 'The execution log.' })
  events(@Parent() r: ReleaseEntity): Promise<ReleaseEventGql[]> {
    return this.releaseService.events(r.id);
  }

  @ResolveField(() => UserSummary, { nullable: true })
  createdBy(@Parent() r: ReleaseEntity, @Context() ctx: object): Promise<UserSummary | null> {
    return loadUserSummary(ctx, this.users, r.createdBy);
  }

  @ResolveField(() => UserSummary, { nullable: true, description: 'Who scheduled it last (or asked to launch it now).' })
  scheduledBy(@Parent() r: ReleaseEntity, @Context() ctx: object): Promise<UserSummary | null> {
    return loadUserSummary(ctx, this.users, r.scheduledBy);
  }

  @ResolveField(() => UserSummary, { nullable: true })
  rolledBackBy(@Parent() r: ReleaseEntity, @Context() ctx: object): Promise<UserSummary | null> {
    return loadUserSummary(ctx, this.users, r.rolledBackBy);
  }

  @ResolveField(() => [ID], { description: 'Items a later release has changed since this one launched; non-empty means rollback is refused.' })
  rollbackBlockers(@Parent() r: ReleaseEntity): Promise<string[]> {
    return r.status === 'launched' ? this.rollbacks.conflictsFor(r.id) : Promise.resolve([]);
  }
}

@Resolver(() => ReleaseActionGql)
@Allow(...Who.staff)
export class ReleaseActionResolver {
  constructor(private readonly catalog: CatalogService) {}

  @ResolveField(() => ItemGql)
  async item(@Parent() a: ReleaseActionEntity, @Context() ctx: object): Promise<ItemGql> {
    return (await loadItem(ctx, this.catalog, a.itemId)) as ItemGql;
  }

  @ResolveField(() => Int, { nullable: true, description: 'The version that was live before this release launched (what rollback restores).' })
  async priorLiveVersionNumber(@Parent() a: ReleaseActionEntity, @Context() ctx: object): Promise<number | null> {
    if (!a.priorLiveVersionId) return null;
    return (await loadVersion(ctx, this.catalog, a.priorLiveVersionId))?.number ?? null;
  }
}

@Resolver(() => ReviewQueueEntryGql)
@Allow(...Who.staff)
export class ReviewQueueEntryResolver {
  constructor(private readonly users: UserSummaryService) {}

  @ResolveField(() => UserSummary, { nullable: true })
  submitter(@Parent() e: ReviewQueueEntryGql, @Context() ctx: object): Promise<UserSummary | null> {
    return loadUserSummary(ctx, this.users, e.submittedBy);
  }
}

@Resolver(() => ReviewRecordGql)
@Allow(...Who.staff)
export class ReviewRecordResolver {
  constructor(private readonly users: UserSummaryService) {}

  @ResolveField(() => UserSummary, { nullable: true })
  actor(@Parent() r: ReviewRecordGql, @Context() ctx: object): Promise<UserSummary | null> {
    return loadUserSummary(ctx, this.users, r.actorId);
  }
}

@Resolver(() => ItemGql)
@Allow(...Who.staff)
export class ItemReviewResolver {
  // Named reviewService, not reviews: an instance property would shadow the `reviews` field resolver below.
  constructor(
    private readonly reviewService: ReviewService,
    private readonly releaseService: ReleaseService,
  ) {}

  @Query(() => [ReviewQueueEntryGql], { description: 'Versions waiting for review, oldest first, with their changes against the live version.' })
  @Allow(...Who.staff)
  async reviewQueue(): Promise<ReviewQueueEntryGql[]> {
    const q = await this.reviewService.queue();
    return q.map((e) => ({ ...e, item: e.item as ItemGql, version: versionToGql(e.version) }));
  }

  @Mutation(() => ItemGql, { description: 'Submits the latest version for review. It must be complete for its target locales.' })
  @Allow(...Who.editors)
  async submitForReview(
    @CurrentPrincipal() p: Principal,
    @Args('itemId', { type: () => ID }) itemId: string,
    @Args('versionNumber', { type: () => Int, nullable: true }) versionNumber?: number,
  ): Promise<ItemGql> {
    return (await this.reviewService.submit(actorOf(p), itemId, versionNumber)) as ItemGql;
  }

  @Mutation(() => ItemGql, { description: 'Approves exactly this version. Only the approved version can launch.' })
  @Allow(...Who.reviewers)
  async approveVersion(
    @CurrentPrincipal() p: Principal,
    @Args('itemId', { type: () => ID }) itemId: string,
    @Args('versionNumber', { type: () => Int }) versionNumber: number,
    @Args('comment', { type: () => String, nullable: true }) comment?: string,
  ): Promise<ItemGql> {
    return (await this.reviewService.approve(actorOf(p), itemId, versionNumber, comment)) as ItemGql;
  }

  @Mutation(() => ItemGql, { description: 'Sends the version back to draft, with a comment saying why.' })
  @Allow(...Who.reviewers)
  async rejectVersion(
    @CurrentPrincipal() p: Principal,
    @Args('itemId', { type: () => ID }) itemId: string,
    @Args('versionNumber', { type: () => Int }) versionNumber: number,
    @Args('comment') comment: string,
  ): Promise<ItemGql> {
    return (await this.reviewService.reject(actorOf(p), itemId, versionNumber, comment)) as ItemGql;
  }

  @ResolveField(() => [ReviewRecordGql], { description: 'Review history, newest first.' })
  reviews(@Parent() item: ItemEntity): Promise<ReviewRecordGql[]> {
    return this.reviewService.history(item.id);
  }

  @ResolveField(() => ItemVersionGql, { nullable: true, description: 'The newest approved version, if any.' })
  async approvedVersion(@Parent() item: ItemEntity): Promise<ItemVersionGql | null> {
    const v = await this.reviewService.latestApproved(item.id);
    return v ? versionToGql(v) : null;
  }

  @ResolveField(() => [ReleaseGql], { description: 'Releases that include this item.' })
  releases(@Parent() item: ItemEntity, @Context() ctx: object): Promise<ReleaseGql[]> {
    return requestLoader(ctx, 'item.releases', (ids: readonly string[]) => this.releaseService.releasesOfItems(ids)).load(item.id) as Promise<ReleaseGql[]>;
  }
}
