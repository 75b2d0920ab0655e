/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Feed($surface: String!, $userId: ID!, $limit: Int, $context: FeedContextInput) {\n    feed(surface: $surface, userId: $userId, limit: $limit, context: $context) {\n      requestId\n      policyVersion\n      items {\n        position\n        trackingToken\n        propensity\n        reason\n        item {\n          id\n          slug\n          kind\n          title\n          durationSeconds\n        }\n      }\n    }\n  }\n": typeof types.FeedDocument,
    "\n  mutation Track($events: [EngagementEventInput!]!) {\n    trackEvents(events: $events) {\n      accepted\n      duplicates\n      rejected {\n        index\n        code\n        message\n      }\n    }\n  }\n": typeof types.TrackDocument,
};
const documents: Documents = {
    "\n  query Feed($surface: String!, $userId: ID!, $limit: Int, $context: FeedContextInput) {\n    feed(surface: $surface, userId: $userId, limit: $limit, context: $context) {\n      requestId\n      policyVersion\n      items {\n        position\n        trackingToken\n        propensity\n        reason\n        item {\n          id\n          slug\n          kind\n          title\n          durationSeconds\n        }\n      }\n    }\n  }\n": types.FeedDocument,
    "\n  mutation Track($events: [EngagementEventInput!]!) {\n    trackEvents(events: $events) {\n      accepted\n      duplicates\n      rejected {\n        index\n        code\n        message\n      }\n    }\n  }\n": types.TrackDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Feed($surface: String!, $userId: ID!, $limit: Int, $context: FeedContextInput) {\n    feed(surface: $surface, userId: $userId, limit: $limit, context: $context) {\n      requestId\n      policyVersion\n      items {\n        position\n        trackingToken\n        propensity\n        reason\n        item {\n          id\n          slug\n          kind\n          title\n          durationSeconds\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').FeedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Track($events: [EngagementEventInput!]!) {\n    trackEvents(events: $events) {\n      accepted\n      duplicates\n      rejected {\n        index\n        code\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').TrackDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
