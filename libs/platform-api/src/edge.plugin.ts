import { Logger } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { currentRequestId } from '@marquee/platform-observability';
import { InputCheckOptions, inputProblemsError, inspectInputs } from './inputs';
import { QueryLimits, limitError, operationCost } from './limits';

export interface GraphqlEdgeOptions {
  limits: QueryLimits;
  inputs: InputCheckOptions;
}

const logger = new Logger('GraphQL edge');

/**
 * The checks that need the operation and its variables, run in Apollo once the operation is resolved and before it
 * executes: text, nesting and ids are checked (inputs.ts), and the cost is priced with the real page sizes
 * (limits.ts). Both read the variables as sent and never throw on a wrong type: execution coerces the variables and
 * answers a wrong type with BAD_USER_INPUT (HTTP 400; formatError adds `problems` naming the variable), for every
 * operation, `login` included. The document-only limits ran earlier, in graphqlLimitsMiddleware.
 *
 * Every refusal is a typed GraphQLError with HTTP 400. An unexpected fault inside a check is logged and still answers
 * a typed 400 (BAD_REQUEST), never a 500: nothing has run yet, so refusing is safe.
 */
export function graphqlEdgePlugin(options: GraphqlEdgeOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          const { operation, document, schema } = ctx;
          if (!operation) return;
          checkOperation(schema, document, operation, ctx.request.variables ?? {}, options);
        },
      };
    },
  };
}

/**
 * The checks of one resolved operation with its variables as sent (inputs, then cost). Throws the typed refusal;
 * returns when the operation may run. Apollo runs it from graphqlEdgePlugin, the client fast path directly.
 */
export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  options: GraphqlEdgeOptions,
): void {
  const problems = guarded('inputs', () => inspectInputs(schema, document, operation, variables, options.inputs));
  if (problems.length) throw inputProblemsError(problems);
  const cost = guarded('cost', () => operationCost(schema, document, operation, variables, { listSize: options.limits.listSize }));
  if (cost > options.limits.maxCost) throw limitError({ rule: 'cost', value: cost, max: options.limits.maxCost });
}

function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GraphQLError) throw e;
    const requestId = currentRequestId();
    logger.error(`The ${what} check failed on request ${requestId ?? 'unknown'}, so the request was refused: ${(e as Error)?.stack ?? String(e)}`);
    throw new GraphQLError(
      `This request could not be checked before running, so nothing was run (request id ${requestId ?? 'unknown'}). Simplify it, or quote the id if it keeps happening.`,
      {
        extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
      },
    );
  }
}
