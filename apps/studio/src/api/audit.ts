import { gql } from './client';
import { graphql } from './generated';
import type { AuditEntry, Connection } from './types';

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  /** Exact action, or a prefix ending in "." such as "release.". */
  action?: string;
  from?: string;
  to?: string;
  text?: string;
}

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const AuditEntryFields = graphql(`
  fragment AuditEntryFields on AuditEntry {
    id
    at
    actorId
    actorLabel
    action
    entityType
    entityId
    before
    after
    requestId
    summary
  }
`);

const AuditLogQuery = graphql(`
  query AuditLog($filter: AuditFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          ...AuditEntryFields
        }
      }
    }
  }
`);

export async function fetchAuditLog(filter: AuditFilter, first: number, after: string | null, signal?: AbortSignal): Promise<Connection<AuditEntry>> {
  return (await gql(AuditLogQuery, { filter, first, after }, { signal })).auditLog;
}

/**
 * Who did what to an item, by version: the review records carry only an actor id, the audit log carries the label.
 * Keyed by `${itemId}:${decision}:${version}` (decision: submitted, approved, rejected).
 */
export async function fetchReviewActors(filter: { entityId?: string; action?: string }, first = 200): Promise<Record<string, string>> {
  const d = await fetchAuditLog({ entityType: 'item', action: 'item.', ...filter }, first, null);
  const out: Record<string, string> = {};
  for (const { node } of d.edges) {
    const decision = node.action.replace(/^item\./, '');
    const version = (node.after as { version?: number } | null)?.version;
    const key = `${node.entityId}:${decision}:${version}`;
    if (version !== undefined && !(key in out)) out[key] = node.actorLabel;
  }
  return out;
}
