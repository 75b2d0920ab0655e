/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type EngagementEventInput = {
  /** Unique per event, chosen by the client (a UUID); sending it again is a no-op. */
  eventId: string | number;
  occurredAt: string;
  /** Exactly as the feed returned it for the item. */
  trackingToken: string;
  type: EngagementType;
  /** Optional measure, e.g. seconds played. */
  value?: number | null | undefined;
};

export type EngagementType =
  | 'COMPLETE'
  | 'DISMISS'
  | 'IMPRESSION'
  | 'OPEN'
  | 'PLAY_START'
  | 'SKIP';

export type FeedContextInput = {
  appVersion?: string | null | undefined;
  /** The device's local time, with its offset. */
  localTime?: string | null | undefined;
  locale?: string | null | undefined;
  /** ios, android or web */
  platform?: string | null | undefined;
  /** free or premium; premium items need premium */
  tier?: string | null | undefined;
};

/** Why an item is at its position. */
export type FeedReason =
  | 'CONTENT_TEST'
  | 'EXPLORATION'
  | 'FALLBACK'
  | 'PERSONALIZED'
  | 'PINNED';

export type FeedQueryVariables = Exact<{
  surface: string;
  userId: string | number;
  limit?: number | null | undefined;
  context?: FeedContextInput | null | undefined;
}>;


export type FeedQuery = { feed: { requestId: string, policyVersion: string, items: Array<{ position: number, trackingToken: string, propensity: number, reason: FeedReason, item: { id: string, slug: string, kind: string, title: string, durationSeconds: number | null } }> } };

export type TrackMutationVariables = Exact<{
  events: Array<EngagementEventInput> | EngagementEventInput;
}>;


export type TrackMutation = { trackEvents: { accepted: number, duplicates: number, rejected: Array<{ index: number, code: string, message: string }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const FeedDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<FeedQuery, FeedQueryVariables>;
export const TrackDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<TrackMutation, TrackMutationVariables>;