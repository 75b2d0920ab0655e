import { gql } from './client';
import { graphql } from './generated';
import type { WebhookDelivery, WebhookEndpoint } from './types';

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const WebhookEndpointFields = graphql(`
  fragment WebhookEndpointFields on WebhookEndpoint {
    id
    url
    description
    events
    enabled
    createdAt
  }
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const WebhookDeliveryFields = graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    id
    endpointId
    eventId
    eventType
    payload
    status
    attempts
    attemptLog {
      at
      statusCode
      error
      durationMs
    }
    lastStatusCode
    lastError
    deliveredAt
    createdAt
  }
`);

const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints {
    webhookEndpoints {
      ...WebhookEndpointFields
    }
  }
`);

const WebhookEventTypesQuery = graphql(`
  query WebhookEventTypes {
    webhookEventTypes
  }
`);

const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      secret
      endpoint {
        ...WebhookEndpointFields
      }
    }
  }
`);

const UpdateWebhookEndpointMutation = graphql(`
  mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointUpdate!) {
    updateWebhookEndpoint(id: $id, input: $input) {
      ...WebhookEndpointFields
    }
  }
`);

const DeleteWebhookEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID, $limit: Int) {
    webhookDeliveries(endpointId: $endpointId, limit: $limit) {
      ...WebhookDeliveryFields
    }
  }
`);

const RedeliverWebhookMutation = graphql(`
  mutation RedeliverWebhook($id: ID!) {
    redeliverWebhook(id: $id) {
      ...WebhookDeliveryFields
    }
  }
`);

export async function fetchWebhookEndpoints(): Promise<WebhookEndpoint[]> {
  return (await gql(WebhookEndpointsQuery)).webhookEndpoints;
}

export async function fetchWebhookEventTypes(): Promise<string[]> {
  return (await gql(WebhookEventTypesQuery)).webhookEventTypes;
}

export async function createWebhookEndpoint(input: {
  url: string;
  description: string | null;
  events: string[];
}): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  return (await gql(CreateWebhookEndpointMutation, { input })).createWebhookEndpoint;
}

export async function updateWebhookEndpoint(
  id: string,
  input: { url?: string; description?: string | null; events?: string[]; enabled?: boolean },
): Promise<WebhookEndpoint> {
  return (await gql(UpdateWebhookEndpointMutation, { id, input })).updateWebhookEndpoint;
}

export async function deleteWebhookEndpoint(id: string): Promise<void> {
  await gql(DeleteWebhookEndpointMutation, { id });
}

export async function fetchWebhookDeliveries(endpointId: string | null, limit = 50): Promise<WebhookDelivery[]> {
  return (await gql(WebhookDeliveriesQuery, { endpointId, limit })).webhookDeliveries;
}

export async function redeliverWebhook(id: string): Promise<WebhookDelivery> {
  return (await gql(RedeliverWebhookMutation, { id })).redeliverWebhook;
}
