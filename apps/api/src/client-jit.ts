import type { LoggerService } from '@nestjs/common';
import type { DocumentNode, ExecutionResult, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/**
 * One client document compiled to a JavaScript function by graphql-jit (what Mercurius runs): the same schema and so
 * the same resolvers, with the walk over the selection (20 feed items, their fields, enum and scalar serialisation)
 * generated once instead of interpreted on every request. A document graphql-jit cannot compile stays on graphql-js.
 */
export class JitExecutor {
  private constructor(private readonly compiled: CompiledQuery) {}

  static compile(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, logger: LoggerService): JitExecutor | null {
    try {
      const compiled = compileQuery(schema, document, operation.name?.value, { disablingCapturingStackErrors: true });
      if (isCompiledQuery(compiled)) return new JitExecutor(compiled);
      logger.warn(`A client document could not be compiled (${compiled.errors?.map((e) => e.message).join('; ')}); it keeps running on graphql-js.`);
    } catch (e) {
      logger.warn(`A client document could not be compiled (${(e as Error).message}); it keeps running on graphql-js.`);
    }
    return null;
  }

  async run(contextValue: object, variables: Record<string, unknown>): Promise<ExecutionResult> {
    return this.compiled.query(undefined, contextValue, variables) as Promise<ExecutionResult>;
  }
}
