import { Args, Context, Field, Float, ID, InputType, Int, Mutation, ObjectType, Resolver, registerEnumType } from '@nestjs/graphql';
import type { Request } from 'express';
import { DateTimeScalar } from '@marquee/platform-api';
import { Allow, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { EngagementType, EventsService } from './events.service';

export enum EngagementTypeGql {
  IMPRESSION = 'IMPRESSION',
  OPEN = 'OPEN',
  PLAY_START = 'PLAY_START',
  COMPLETE = 'COMPLETE',
  SKIP = 'SKIP',
  DISMISS = 'DISMISS',
}
registerEnumType(EngagementTypeGql, { name: 'EngagementType' });

@InputType()
export class EngagementEventInput {
  @Field(() => ID, { description: 'Unique per event, chosen by the client (a UUID); sending it again is a no-op.' }) eventId: string;
  @Field(() => EngagementTypeGql) type: EngagementTypeGql;
  @Field({ description: 'Exactly as the feed returned it for the item.' }) trackingToken: string;
  @Field(() => DateTimeScalar) occurredAt: Date;
  @Field(() => Float, { nullable: true, description: 'Optional measure, e.g. seconds played.' }) value?: number | null;
}

@ObjectType()
export class RejectedEventGql {
  @Field(() => Int, { description: 'Position of the event in the batch, from 0.' }) index: number;
  @Field() code: string;
  @Field() message: string;
}

@ObjectType('TrackResult')
export class TrackResultGql {
  @Field(() => Int) accepted: number;
  @Field(() => Int, { description: 'Events already stored earlier (same eventId); not stored again.' }) duplicates: number;
  @Field(() => [RejectedEventGql]) rejected: RejectedEventGql[];
}

@Resolver()
export class EventsResolver {
  constructor(private readonly events: EventsService) {}

  @Mutation(() => TrackResultGql, { description: 'Reports up to 500 engagement events. Idempotent per eventId; invalid events are rejected one by one.' })
  @Allow(...Who.clients)
  trackEvents(
    @CurrentPrincipal() p: Principal,
    @Args('events', { type: () => [EngagementEventInput] }) events: EngagementEventInput[],
    @Context() ctx: { req: Request },
  ): Promise<TrackResultGql> {
    return this.events.track(
      events.map((e) => ({ ...e, type: e.type as EngagementType })),
      { apiKeyId: p.kind === 'client' ? p.apiKeyId : null, address: ctx.req.ip ?? 'unknown' },
    );
  }
}
