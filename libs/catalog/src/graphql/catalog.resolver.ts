import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { KINDS } from '../domain/kinds';
import { launchReadiness, localeCompleteness } from '../domain/validation';
import { ItemEntity } from '../entities/item.entity';
import { AssetRecheckService } from '../assets/asset-recheck.service';
import { AssetService } from '../assets/asset.service';
import { CatalogService } from '../services/catalog.service';
import { ItemSearchService } from '../services/search.service';
import { UserSummaryService } from '../services/user-summaries.service';
import {
  AssetStatusGql,
  ContentKindGql,
  FieldChangeGql,
  ItemConnection,
  ItemFilterInput,
  ItemGql,
  ItemInput,
  ItemSortGql,
  ItemVersionGql,
  LocaleCompletenessGql,
  ReadinessProblemGql,
  UserSummary,
} from './item.types';
import { actorOf, inputToLike, versionToGql } from './mappers';
import { loadLatestVersion, loadUserSummary, loadVersion } from './relations';

@Resolver(() => ItemGql)
@Allow(...Who.staff)
export class CatalogResolver {
  constructor(
    private readonly catalog: CatalogService,
    private readonly search: ItemSearchService,
    private readonly assetService: AssetService,
    private readonly assetRecheck: AssetRecheckService,
  ) {}

  @Query(() => ItemConnection, { description: 'Search and filter the catalogue, newest change first by default.' })
  @Allow(...Who.staff)
  async items(
    @Args('filter', { type: () => ItemFilterInput, nullable: true }) filter?: ItemFilterInput,
    @Args('sort', { type: () => ItemSortGql, nullable: true }) sort?: ItemSortGql,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<ItemConnection> {
    const page = await this.search.search(filter ?? {}, sort ?? 'UPDATED_DESC', first, after);
    return {
      edges: page.items.map((node, i) => ({ node: node as ItemGql, cursor: page.cursors[i] })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null },
      totalCount: page.totalCount,
    };
  }

  @Query(() => ItemGql)
  @Allow(...Who.staff)
  async item(@Args('id', { type: () => ID }) id: string): Promise<ItemGql> {
    return (await this.catalog.getItem(id)) as ItemGql;
  }

  @Query(() => ItemGql, { nullable: true, description: 'The item with this slug, or null.' })
  @Allow(...Who.staff)
  async itemBySlug(@Args('slug') slug: string): Promise<ItemGql | null> {
    return (await this.catalog.findBySlug(slug)) as ItemGql | null;
  }

  @Query(() => [ItemVersionGql], { description: 'Every version of an item, newest first.' })
  @Allow(...Who.staff)
  async itemVersions(@Args('itemId', { type: () => ID }) itemId: string): Promise<ItemVersionGql[]> {
    return (await this.catalog.listVersions(itemId)).map(versionToGql);
  }

  @Query(() => ItemVersionGql)
  @Allow(...Who.staff)
  async itemVersion(@Args('itemId', { type: () => ID }) itemId: string, @Args('number', { type: () => Int }) number: number): Promise<ItemVersionGql> {
    return versionToGql(await this.catalog.getVersion(itemId, number));
  }

  @Query(() => [FieldChangeGql], { description: 'Field-by-field changes from one version to another.' })
  @Allow(...Who.staff)
  versionDiff(
    @Args('itemId', { type: () => ID }) itemId: string,
    @Args('from', { type: () => Int }) from: number,
    @Args('to', { type: () => Int }) to: number,
  ): Promise<FieldChangeGql[]> {
    return this.catalog.diff(itemId, from, to);
  }

  @Query(() => [ContentKindGql], { description: 'The content kinds and what each one requires.' })
  @Allow(...Who.staff)
  contentKinds(): ContentKindGql[] {
    return KINDS.map((k) => ({ ...k, hasSessions: !!k.sessions, attributes: k.attributes.map((a) => ({ ...a })) }));
  }

  @Mutation(() => ItemGql, { description: 'Creates an item and its version 1, as a draft.' })
  @Allow(...Who.editors)
  async createItem(@CurrentPrincipal() p: Principal, @Args('input') input: ItemInput): Promise<ItemGql> {
    return (await this.catalog.createItem(actorOf(p), inputToLike(input))).item as ItemGql;
  }

  @Mutation(() => ItemGql, {
    description:
      'Saves a new version. Pass baseVersion to refuse the save if someone saved in between. When the latest version already has exactly that content, nothing is written (no new version, no audit entry, approval and schedule untouched) and the item is returned as it is.',
  })
  @Allow(...Who.editors)
  async updateItem(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: ItemInput,
    @Args('baseVersion', { type: () => Int, nullable: true }) baseVersion?: number,
  ): Promise<ItemGql> {
    return (await this.catalog.updateItem(actorOf(p), id, inputToLike(input), baseVersion)).item as ItemGql;
  }

  @Mutation(() => ItemGql, {
    description:
      'Copies an old version into a new draft. Never publishes anything. When the latest version already has exactly that content, nothing is written (no new version, no audit entry) and the item is returned as it is.',
  })
  @Allow(...Who.editors)
  async restoreItemVersion(
    @CurrentPrincipal() p: Principal,
    @Args('itemId', { type: () => ID }) itemId: string,
    @Args('number', { type: () => Int }) number: number,
  ): Promise<ItemGql> {
    return (await this.catalog.restoreVersion(actorOf(p), itemId, number)).item as ItemGql;
  }

  @Mutation(() => [AssetStatusGql], { description: "Queues a fresh check of the latest version's media; returns the current statuses." })
  @Allow(...Who.editors)
  recheckAssets(@Args('itemId', { type: () => ID }) itemId: string): Promise<AssetStatusGql[]> {
    return this.assetRecheck.recheck(itemId);
  }

  @ResolveField(() => ItemVersionGql)
  async latestVersion(@Parent() item: ItemEntity, @Context() ctx: object): Promise<ItemVersionGql> {
    return versionToGql(await loadLatestVersion(ctx, this.catalog, item));
  }

  @ResolveField(() => ItemVersionGql, { nullable: true })
  async liveVersion(@Parent() item: ItemEntity, @Context() ctx: object): Promise<ItemVersionGql | null> {
    if (!item.liveVersionId) return null;
    const v = await loadVersion(ctx, this.catalog, item.liveVersionId);
    return v ? versionToGql(v) : null;
  }

  @ResolveField(() => [LocaleCompletenessGql], { description: 'Per target locale of the latest version: what is still missing.' })
  async completeness(@Parent() item: ItemEntity, @Context() ctx: object): Promise<LocaleCompletenessGql[]> {
    return localeCompleteness((await loadLatestVersion(ctx, this.catalog, item)).fields);
  }

  @ResolveField(() => [ReadinessProblemGql], { description: 'What must be fixed in the latest version before it can be submitted or launched.' })
  async readiness(@Parent() item: ItemEntity, @Context() ctx: object): Promise<ReadinessProblemGql[]> {
    return launchReadiness((await loadLatestVersion(ctx, this.catalog, item)).fields).map((r) => ({ ...r, locale: r.locale ?? null }));
  }

  @ResolveField(() => [AssetStatusGql], { description: 'Media of the latest version and the result of its last check.' })
  async assets(@Parent() item: ItemEntity, @Context() ctx: object): Promise<AssetStatusGql[]> {
    return this.assetService.statusOf((await loadLatestVersion(ctx, this.catalog, item)).fields);
  }
}

@Resolver(() => ItemVersionGql)
@Allow(...Who.staff)
export class ItemVersionResolver {
  constructor(private readonly users: UserSummaryService) {}

  @ResolveField(() => UserSummary, { nullable: true })
  author(@Parent() v: ItemVersionGql, @Context() ctx: object): Promise<UserSummary | null> {
    return loadUserSummary(ctx, this.users, v.authorId);
  }
}
