import { gql } from './client';
import type { WebhookDelivery, WebhookEndpoint } from './types';

const ENDPOINT = 'id url description events enabled createdAt';
const DELIVERY = 'id endpointId eventId eventType payload status attempts attemptLog { at statusCode error durationMs } lastStatusCode lastError deliveredAt createdAt';

export async function fetchWebhookEndpoints(): Promise<WebhookEndpoint[]> {
  return (await gql<{ webhookEndpoints: WebhookEndpoint[] }>(`query WebhookEndpoints { webhookEndpoints { ${ENDPOINT} } }`)).webhookEndpoints;
}

export async function fetchWebhookEventTypes(): Promise<string[]> {
  return (await gql<{ webhookEventTypes: string[] }>('query WebhookEventTypes { webhookEventTypes }')).webhookEventTypes;
}

export async function createWebhookEndpoint(input: { url: string; description: string | null; events: string[] }): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const d = await gql<{ createWebhookEndpoint: { endpoint: WebhookEndpoint; secret: string } }>(
    `mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT} } } }`,
    { input },
  );
  return d.createWebhookEndpoint;
}

export async function updateWebhookEndpoint(id: string, input: { url?: string; description?: string | null; events?: string[]; enabled?: boolean }): Promise<WebhookEndpoint> {
  const d = await gql<{ updateWebhookEndpoint: WebhookEndpoint }>(
    `mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointUpdate!) { updateWebhookEndpoint(id: $id, input: $input) { ${ENDPOINT} } }`,
    { id, input },
  );
  return d.updateWebhookEndpoint;
}

export async function deleteWebhookEndpoint(id: string): Promise<void> {
  await gql<{ deleteWebhookEndpoint: boolean }>('mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id });
}

export async function fetchWebhookDeliveries(endpointId: string | null, limit = 50): Promise<WebhookDelivery[]> {
  const d = await gql<{ webhookDeliveries: WebhookDelivery[] }>(
    `query WebhookDeliveries($endpointId: ID, $limit: Int) { webhookDeliveries(endpointId: $endpointId, limit: $limit) { ${DELIVERY} } }`,
    { endpointId, limit },
  );
  return d.webhookDeliveries;
}

export async function redeliverWebhook(id: string): Promise<WebhookDelivery> {
  return (await gql<{ redeliverWebhook: WebhookDelivery }>(`mutation RedeliverWebhook($id: ID!) { redeliverWebhook(id: $id) { ${DELIVERY} } }`, { id })).redeliverWebhook;
}
