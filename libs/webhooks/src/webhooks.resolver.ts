import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSON, DateTimeScalar, pageSize, registerStoredValuesEnum } from '@marquee/platform-api';
import { Allow, CurrentPrincipal, Principal, Who } from '@marquee/platform-auth';
import { actorOf } from '@marquee/audit';
import { DELIVERY_STATUSES, DeliveryStatus, WEBHOOK_EVENTS } from './entities';
import { WebhookService } from './webhook.service';

const WebhookDeliveryStatusGql = registerStoredValuesEnum(DELIVERY_STATUSES, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING: waiting for an attempt (also after a redelivery); RETRYING: an attempt failed, another follows; DELIVERED; FAILED: no attempts left.',
});

@ObjectType('WebhookEndpoint')
export class WebhookEndpointGql {
  @Field(() => ID) id: string;
  @Field() url: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => [String], { description: 'Event types it receives; empty means all.' }) events: string[];
  @Field() enabled: boolean;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType()
export class CreatedWebhookEndpoint {
  @Field(() => WebhookEndpointGql) endpoint: WebhookEndpointGql;
  @Field({ description: 'The signing secret. Shown only now; keep it in your receiver.' }) secret: string;
}

@ObjectType('WebhookAttempt')
export class WebhookAttemptGql {
  @Field() at: string;
  @Field(() => Int, { nullable: true }) statusCode: number | null;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => Int) durationMs: number;
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryGql {
  @Field(() => ID) id: string;
  @Field(() => ID) endpointId: string;
  @Field(() => ID) eventId: string;
  @Field() eventType: string;
  @Field(() => GraphQLJSON) payload: object;
  @Field(() => WebhookDeliveryStatusGql) status: DeliveryStatus;
  @Field(() => Int) attempts: number;
  @Field(() => [WebhookAttemptGql]) attemptLog: WebhookAttemptGql[];
  @Field(() => Int, { nullable: true }) lastStatusCode: number | null;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) deliveredAt: Date | null;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@InputType()
export class WebhookEndpointInput {
  @Field() url: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) events?: string[] | null;
}

@InputType()
export class WebhookEndpointUpdate {
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) events?: string[] | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
}

@Resolver()
export class WebhooksResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Query(() => [WebhookEndpointGql])
  @Allow(...Who.admins)
  webhookEndpoints(): Promise<WebhookEndpointGql[]> {
    return this.webhooks.listEndpoints();
  }

  @Query(() => [String], { description: 'Event types an endpoint can subscribe to.' })
  @Allow(...Who.admins)
  webhookEventTypes(): string[] {
    return [...WEBHOOK_EVENTS];
  }

  @Mutation(() => CreatedWebhookEndpoint)
  @Allow(...Who.admins)
  async createWebhookEndpoint(@CurrentPrincipal() p: Principal, @Args('input') input: WebhookEndpointInput): Promise<CreatedWebhookEndpoint> {
    const ep = await this.webhooks.createEndpoint(actorOf(p), input);
    return { endpoint: ep, secret: ep.secret };
  }

  @Mutation(() => WebhookEndpointGql)
  @Allow(...Who.admins)
  updateWebhookEndpoint(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: WebhookEndpointUpdate,
  ): Promise<WebhookEndpointGql> {
    return this.webhooks.updateEndpoint(actorOf(p), id, input);
  }

  @Mutation(() => Boolean)
  @Allow(...Who.admins)
  deleteWebhookEndpoint(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.webhooks.deleteEndpoint(actorOf(p), id);
  }

  @Query(() => [WebhookDeliveryGql], { description: 'The delivery log, newest first.' })
  @Allow(...Who.admins)
  webhookDeliveries(
    @Args('endpointId', { type: () => ID, nullable: true }) endpointId?: string,
    @Args('limit', { type: () => Int, nullable: true, description: 'How many, from 1 to 200 (default 50); anything else is BAD_USER_INPUT.' }) limit?: number,
  ): Promise<WebhookDeliveryGql[]> {
    return this.webhooks.deliveries(endpointId, pageSize(limit, 50, 200, 'limit'));
  }

  @Mutation(() => WebhookDeliveryGql, { description: 'Sends a delivery again (same event id, so receivers can deduplicate).' })
  @Allow(...Who.admins)
  redeliverWebhook(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<WebhookDeliveryGql> {
    return this.webhooks.redeliver(actorOf(p), id);
  }
}
