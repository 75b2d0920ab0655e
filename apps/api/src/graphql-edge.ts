import type { GraphqlEdgeOptions } from '@marquee/platform-api';
import type { AppConfig } from '@marquee/platform-config';

/**
 * ID positions that hold the client's own identifiers rather than our UUIDs. Every other `ID` argument or input field
 * must be a UUID, and a malformed one answers BAD_USER_INPUT before anything runs (graphqlEdgePlugin). Schema
 * coordinates: `Type.field(argument:)` for arguments, `InputType.field` for input fields.
 */
export const OPAQUE_IDS: ReadonlySet<string> = new Set([
  'Query.feed(userId:)', // the client app's user id, any string
  'Query.editorialFeed(userId:)',
  'PersonaInput.userId',
  'PreviewPersonaInput.userId',
  // Chosen by the client; a malformed one is rejected per event (INVALID_EVENT_ID) so the rest of the batch is kept.
  'EngagementEventInput.eventId',
]);

export function edgeOptions(cfg: AppConfig): GraphqlEdgeOptions {
  return {
    limits: {
      maxDepth: cfg.graphqlMaxDepth,
      maxCost: cfg.graphqlMaxComplexity,
      maxAliases: cfg.graphqlMaxAliases,
      maxDirectives: cfg.graphqlMaxDirectives,
      maxTokens: cfg.graphqlMaxTokens,
      maxFragments: cfg.graphqlMaxFragments,
      maxFields: cfg.graphqlMaxFields,
      listSize: cfg.graphqlListSize,
    },
    inputs: { opaqueIds: OPAQUE_IDS },
  };
}
