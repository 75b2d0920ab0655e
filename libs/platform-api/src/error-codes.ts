import { BuildSchemaOptions, registerEnumType } from '@nestjs/graphql';
import { DOMAIN_ERROR_CODES } from '@marquee/platform-core';

/**
 * Every code an error's `extensions.code` can carry: the domain's own, and those of the GraphQL edge. The schema
 * publishes them as the enum `ErrorCode`, so clients (the Studio, generated clients) take them from schema.graphql
 * instead of copying them by hand.
 */
/** The codes of GraphQL's own errors (parse, validation, request limits): formatError passes them through as they are. */
export const GRAPHQL_ERROR_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
] as const;
const API_ERROR_CODES = [...DOMAIN_ERROR_CODES, ...GRAPHQL_ERROR_CODES, 'INTERNAL_SERVER_ERROR'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

const ErrorCodeGql = Object.fromEntries(API_ERROR_CODES.map((c) => [c, c])) as { [K in ApiErrorCode]: K };
registerEnumType(ErrorCodeGql, {
  name: 'ErrorCode',
  description: 'The codes an error carries in `extensions.code` (see the README for what each means and what to do).',
});

/** Types no field refers to that the schema still publishes; the API and the schema printer both pass these. */
// Nest types orphanedTypes as classes, but it looks enums up by the same reference (OrphanedTypesFactory).
export const ORPHANED_GRAPHQL_TYPES = [ErrorCodeGql] as unknown as NonNullable<BuildSchemaOptions['orphanedTypes']>;
