import { Args, ArgsType, Context, Field, Float, ID, InputType, Int, ObjectType, Query, Resolver, registerEnumType } from '@nestjs/graphql';
import type { Request } from 'express';
import { DateTimeScalar } from '@marquee/platform-api';
import { CatalogSourceGql, LiveSource } from '@marquee/launch';
import { Allow, Caller, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { FeedPreviewService } from './feed-preview.service';
import { ReplayService } from './replay.service';
import { FeedService } from './feed.service';

export enum FeedReasonGql {
  PERSONALIZED = 'PERSONALIZED',
  CONTENT_TEST = 'CONTENT_TEST',
  EXPLORATION = 'EXPLORATION',
  PINNED = 'PINNED',
  FALLBACK = 'FALLBACK',
}
registerEnumType(FeedReasonGql, { name: 'FeedReason', description: 'Why an item is at its position.' });

@InputType()
class FeedContextInput {
  @Field(() => String, { nullable: true }) locale?: string | null;
  @Field(() => String, { nullable: true, description: 'ios, android or web' }) platform?: string | null;
  @Field(() => String, { nullable: true }) appVersion?: string | null;
  @Field(() => String, { nullable: true, description: 'free or premium; premium items need premium' }) tier?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: "The device's local time, with its offset." }) localTime?: Date | null;
}

@ObjectType('FeedItemContent')
export class FeedItemContentGql {
  @Field(() => ID) id: string;
  @Field() slug: string;
  @Field() kind: string;
  @Field({ description: 'In the context locale, falling back to the default locale.' }) title: string;
  @Field(() => String, { nullable: true }) subtitle: string | null;
  @Field(() => Int, { nullable: true }) durationSeconds: number | null;
  @Field(() => String, { nullable: true }) artworkUrl: string | null;
  @Field() availability: string;
  @Field(() => [String]) topics: string[];
}

@ObjectType('FeedItem')
export class FeedItemGql {
  @Field(() => Int, { description: 'From 1.' }) position: number;
  @Field({ description: 'Send it back with every event about this item.' }) trackingToken: string;
  @Field(() => Float, { description: 'Probability that the policy put this item at this position.' }) propensity: number;
  @Field(() => Float, { description: 'Standard error of the propensity (0 when exact).' }) propensityError: number;
  @Field(() => FeedReasonGql) reason: FeedReasonGql;
  @Field(() => FeedItemContentGql) item: FeedItemContentGql;
}

@ObjectType('Feed')
export class FeedGql {
  @Field(() => ID) requestId: string;
  @Field() policyVersion: string;
  @Field() surface: string;
  @Field(() => DateTimeScalar) servedAt: Date;
  @Field(() => Int, { nullable: true, description: 'Engine state revision that ranked it (null for the fallback).' }) stateRevision: number | null;
  @Field(() => [FeedItemGql]) items: FeedItemGql[];
}

@InputType()
export class PreviewPersonaInput {
  @Field(() => ID, {
    description:
      'The person, in your own ids: 1 to 128 characters of visible text; a line break, control, bidi or zero-width character is refused with BAD_USER_INPUT.',
  })
  userId: string;
  @Field(() => String, { nullable: true }) locale?: string | null;
  @Field(() => String, { nullable: true }) platform?: string | null;
  @Field(() => String, { nullable: true }) appVersion?: string | null;
  @Field(() => String, { nullable: true }) tier?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) localTime?: Date | null;
}

@ObjectType('PreviewEntry')
export class PreviewEntryGql {
  @Field(() => Int) position: number;
  @Field(() => FeedReasonGql) reason: FeedReasonGql;
  @Field(() => Float) propensity: number;
  @Field(() => Float) propensityError: number;
  @Field(() => ID) itemId: string;
  @Field() slug: string;
  @Field() kind: string;
  @Field() title: string;
  @Field(() => CatalogSourceGql) source: LiveSource;
  @Field() inContentTest: boolean;
}

@ObjectType('NearestTitle')
export class NearestTitleGql {
  @Field(() => ID) itemId: string;
  @Field() slug: string;
  @Field() title: string;
  @Field(() => Float, {
    description:
      "How much the person's learned taste lifts this title in their slate (probit units, collaborative model, after the surface's taste gain: 0 while learnt tastes have not yet predicted what people do).",
  })
  affinity: number;
  @Field({ description: 'Whether this previewed slate shows it.' }) inSlate: boolean;
}

@ObjectType('FeedPreview')
export class FeedPreviewGql {
  @Field() surface: string;
  @Field(() => DateTimeScalar) instant: Date;
  @Field() policyVersion: string;
  @Field(() => Int) stateRevision: number;
  @Field(() => Int) candidates: number;
  @Field(() => Int) eligible: number;
  @Field(() => Float) seed: number;
  @Field(() => [PreviewEntryGql]) entries: PreviewEntryGql[];
  @Field(() => Int, { description: "Events the person's collaborative taste was learned from on this surface (0: the shared model plus context)." })
  personEvents: number;
  @Field(() => [NearestTitleGql], { description: "The titles the person's learned taste points at most, best first (empty without history)." })
  nearestTitles: NearestTitleGql[];
}

@ObjectType('ReplayedEntry')
export class ReplayedEntryGql {
  @Field(() => Int) position: number;
  @Field(() => ID) itemId: string;
  @Field(() => FeedReasonGql) reason: string;
  @Field(() => Float) propensity: number;
}

@ObjectType('FeedReplay')
export class FeedReplayGql {
  @Field(() => ID) requestId: string;
  @Field({ description: 'The replay produced exactly the logged slate (items, positions, reasons, propensities).' }) identical: boolean;
  @Field(() => [ReplayedEntryGql]) logged: ReplayedEntryGql[];
  @Field(() => [ReplayedEntryGql]) replayed: ReplayedEntryGql[];
}

/** The arguments of `feed` and `editorialFeed`: a client asks for either with the same four. */
@ArgsType()
class FeedArgs {
  @Field() surface: string;
  @Field(() => ID, {
    description:
      'The person, in your own ids: 1 to 128 characters of visible text; a line break, control, bidi or zero-width character is refused with BAD_USER_INPUT.',
  })
  userId: string;
  @Field(() => Int, { nullable: true }) limit?: number;
  @Field(() => FeedContextInput, { nullable: true }) context?: FeedContextInput;
}

function callerOf(p: Principal, ctx?: { req: Request }): Caller {
  return { apiKeyId: p.kind === 'client' ? p.apiKeyId : null, address: ctx?.req.ip ?? 'unknown' };
}

@Resolver()
export class FeedResolver {
  constructor(
    private readonly feeds: FeedService,
    private readonly previews: FeedPreviewService,
    private readonly replays: ReplayService,
  ) {}

  @Query(() => FeedReplayGql, { description: 'Rebuilds a served slate from its log and compares it with what was served.' })
  @Allow(...Who.staff)
  replayFeed(@Args('requestId', { type: () => ID }) requestId: string): Promise<FeedReplayGql> {
    return this.replays.replay(requestId);
  }

  @Query(() => FeedGql, {
    description: 'A personalized, ordered feed for one surface and user. Never fails and is never empty for a surface with live content.',
  })
  @Allow(...Who.clients)
  feed(@CurrentPrincipal() p: Principal, @Args() args: FeedArgs, @Context() ctx?: { req: Request }): Promise<FeedGql> {
    return this.feeds.feed(args, callerOf(p, ctx)) as Promise<FeedGql>;
  }

  @Query(() => FeedGql, {
    description: "The surface's editorial order for this viewer, without personalization (every item has reason FALLBACK and propensity 1).",
  })
  @Allow(...Who.clients)
  editorialFeed(@CurrentPrincipal() p: Principal, @Args() args: FeedArgs, @Context() ctx?: { req: Request }): Promise<FeedGql> {
    return this.feeds.editorial(args, callerOf(p, ctx)) as Promise<FeedGql>;
  }

  @Query(() => FeedPreviewGql, {
    description: "A persona's slate now or at a future instant (scheduled releases applied), with reasons and propensities. Logs nothing.",
  })
  @Allow(...Who.staff)
  feedPreview(
    @Args('surface') surface: string,
    @Args('persona') persona: PreviewPersonaInput,
    @Args('instant', { type: () => DateTimeScalar, nullable: true }) instant?: Date,
    @Args('seed', { type: () => Int, nullable: true, description: 'Fix the random draw to compare instants or personas.' }) seed?: number,
  ): Promise<FeedPreviewGql> {
    const { userId, ...context } = persona;
    return this.previews.preview({ surface, userId, context, instant, seed }) as Promise<FeedPreviewGql>;
  }
}
