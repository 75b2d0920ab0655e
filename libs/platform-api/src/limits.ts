import { GraphQLError, ValidationContext, ASTVisitor, FragmentDefinitionNode, SelectionSetNode, Kind, OperationDefinitionNode } from 'graphql';
import { getComplexity, ComplexityEstimator, simpleEstimator } from 'graphql-query-complexity';
import type { ApolloServerPlugin } from '@apollo/server';

/** Rejects selections nested deeper than `max` before anything executes. Fragments count at their use site. */
export function depthLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const depthOf = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): number => {
      if (!set) return depth;
      let deepest = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue; // introspection is bounded by the schema itself
          deepest = Math.max(deepest, depthOf(sel.selectionSet, depth + 1, seen));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(sel.selectionSet, depth, seen));
        } else {
          const name = sel.name.value;
          if (seen.has(name)) continue;
          const frag = fragments.get(name);
          deepest = Math.max(deepest, depthOf(frag?.selectionSet, depth, new Set([...seen, name])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const depth = depthOf(node.selectionSet, 0, new Set());
        if (depth > max) {
          context.reportError(
            new GraphQLError(`This query nests ${depth} levels deep; the limit is ${max}. Split it into smaller queries.`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_DEEP', depth, limit: max },
            }),
          );
        }
      },
    };
  };
}

/** A list field costs its children times its page size (`first`, `limit`), so big pages of big objects add up. */
const pagedEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const n = Number(args?.first ?? args?.limit ?? args?.last ?? NaN);
  if (Number.isFinite(n) && n > 0) return 1 + childComplexity * n;
  return undefined;
};

/**
 * Runs after the operation is parsed and validated but before it executes, when the variables are known,
 * so `first: $n` is priced with the real n.
 */
export function complexityPlugin(max: number): ApolloServerPlugin {
  // The cost depends only on the document and the page-size variables; everything else (500 events in a
  // trackEvents batch) would be coerced again for nothing on every request, so costs are cached.
  const cache = new Map<string, number>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const vars = request.variables ?? {};
          const paging = Object.entries(vars).filter(([k]) => /^(first|last|limit|l|n)$/i.test(k) || typeof vars[k] === 'number');
          const key = `${request.operationName ?? ''}|${request.query ?? ''}|${JSON.stringify(paging)}`;
          let cost = request.query ? cache.get(key) : undefined;
          if (cost === undefined) {
            cost = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: vars,
              estimators: [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
            if (request.query) {
              if (cache.size >= 1000) cache.clear();
              cache.set(key, cost);
            }
          }
          if (cost > max) {
            throw new GraphQLError(`This query would cost ${cost}; the limit is ${max}. Ask for smaller pages or fewer fields.`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', cost, limit: max, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
