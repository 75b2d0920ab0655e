import { GraphQLError, OperationTypeNode, ValidationRule } from 'graphql';

/**
 * Refuses an operation whose root type the schema does not have (Marquee has no `Subscription`): graphql-js 16
 * validates such a document and only fails when executing it ("Schema is not configured to execute subscription
 * operation"), which Apollo answers as an INTERNAL_SERVER_ERROR. As a validation rule it is refused before anything
 * runs, as GRAPHQL_VALIDATION_FAILED (HTTP 400), on the general path (Apollo's validationRules) and the client fast path.
 */
export const KnownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (context.getSchema().getRootType(node.operation)) return;
    const offered = [OperationTypeNode.QUERY, OperationTypeNode.MUTATION, OperationTypeNode.SUBSCRIPTION].filter((t) => context.getSchema().getRootType(t));
    context.reportError(
      new GraphQLError(
        `This API does not support ${node.operation} operations; it answers ${offered.join(' and ')} operations. Send the document as one of those.`,
        { nodes: node },
      ),
    );
  },
});
