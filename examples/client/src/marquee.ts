import { graphql } from './generated';
import type { EngagementEventInput, FeedQuery, FeedQueryVariables, TrackMutation, TypedDocumentString } from './generated/graphql';

/**
 * A minimal Marquee client for an app's backend: the README's feed and trackEvents, with types generated from
 * schema.graphql (`npm run codegen`). A changed schema that breaks these documents fails `npm test` at compile time.
 */

export const FeedDocument = graphql(`
  query Feed($surface: String!, $userId: ID!, $limit: Int, $context: FeedContextInput) {
    feed(surface: $surface, userId: $userId, limit: $limit, context: $context) {
      requestId
      policyVersion
      items {
        position
        trackingToken
        propensity
        reason
        item {
          id
          slug
          kind
          title
          durationSeconds
        }
      }
    }
  }
`);

export const TrackDocument = graphql(`
  mutation Track($events: [EngagementEventInput!]!) {
    trackEvents(events: $events) {
      accepted
      duplicates
      rejected {
        index
        code
        message
      }
    }
  }
`);

export type Feed = FeedQuery['feed'];
export type TrackResult = TrackMutation['trackEvents'];

export class MarqueeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = 'MarqueeError';
  }
}

export class MarqueeClient {
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  async request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await res.json()) as { data?: R | null; errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[] };
    const e = body.errors?.[0];
    if (e) throw new MarqueeError(e.extensions?.code ?? `HTTP_${res.status}`, e.message, e.extensions?.retryAfter ?? null);
    if (!body.data) throw new MarqueeError(`HTTP_${res.status}`, `Marquee answered ${res.status} without data.`, null);
    return body.data;
  }

  async feed(variables: FeedQueryVariables): Promise<Feed> {
    return (await this.request(FeedDocument, variables)).feed;
  }

  async track(events: EngagementEventInput[]): Promise<TrackResult> {
    return (await this.request(TrackDocument, { events })).trackEvents;
  }
}
