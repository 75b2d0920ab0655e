import { Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

/**
 * The contract's two rules (README, "The GraphQL contract"):
 * - `schema.graphql` is exactly what the code produces;
 * - every breaking change since the last release's schema (`schema.released.graphql`) is named in CHANGELOG.md's
 *   `## [Unreleased]` section, so no client learns of a break from a failed request.
 */

export interface BreakingChange {
  /** Schema coordinate, e.g. `ItemState.draft` or `Query.explorationSpend.granularity`. */
  path: string;
  message: string;
}

export async function breakingChanges(releasedSdl: string, currentSdl: string): Promise<BreakingChange[]> {
  const changes: Change[] = await diff(buildSchema(releasedSdl), buildSchema(currentSdl));
  return changes
    .filter((c) => c.criticality.level === CriticalityLevel.Breaking)
    .map((c) => ({ path: c.path ?? '(schema)', message: c.message }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message));
}

/** The text of the `## [Unreleased]` section, up to the next `## ` heading; empty when there is none. */
export function unreleasedSection(changelog: string): string {
  const start = changelog.search(/^## \[Unreleased\]/im);
  if (start < 0) return '';
  const rest = changelog.slice(start + 1);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * The coordinates that would cover a change, most specific first: `ItemState.draft` is covered by `ItemState.draft`
 * or `ItemState`; `Query.explorationSpend.granularity` by itself or `Query.explorationSpend`, never by `Query` alone.
 */
export function coveringCoordinates(path: string): string[] {
  const parts = path.split('.');
  const min = ROOTS.has(parts[0]) ? 2 : 1;
  const out: string[] = [];
  for (let n = parts.length; n >= min; n--) out.push(parts.slice(0, n).join('.'));
  return out;
}

/** Breaking changes whose coordinate (or an enclosing type or field) the Unreleased section does not name in backticks. */
export function undocumented(changes: BreakingChange[], changelog: string): BreakingChange[] {
  const section = unreleasedSection(changelog);
  const named = new Set([...section.matchAll(/`([A-Za-z_][\w.]*)`/g)].map((m) => m[1]));
  return changes.filter((c) => !coveringCoordinates(c.path).some((p) => named.has(p)));
}
