import type { CodegenConfig } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Typed GraphQL documents, generated from the committed schema.graphql (never from a running server, so it needs no
 * network): `npm run codegen` writes them, and `npm test` fails when they are stale (`npm run codegen:check`).
 * The generated files are committed, so a clean clone typechecks before anything is built.
 */
const shared = {
  preset: 'client' as const,
  presetConfig: { fragmentMasking: false },
  config: {
    // Documents are plain strings with their types attached: no graphql-js parser in the Studio's bundle.
    documentMode: 'string' as const,
    enumsAsTypes: true,
    useTypeImports: true,
    skipTypename: true,
    avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
    scalars: { DateTime: 'string', JSON: 'unknown' },
  },
};

/**
 * The schema the clients are typed from: schema.graphql without its deprecated enum values (Role's lowercase 0.1
 * names, which the API still accepts on input but never answers with), so typed clients only send and expect the
 * current names. Deprecated fields stay (an enum value's line has no `:` before its directive).
 */
const clientSchema = readFileSync(join(__dirname, 'schema.graphql'), 'utf8')
  .split('\n')
  .filter((line) => !/^ {2}[A-Za-z_]\w* @deprecated\b/.test(line))
  .join('\n');

const config: CodegenConfig = {
  schema: clientSchema,
  ignoreNoDocuments: false,
  generates: {
    'apps/studio/src/api/generated/': { ...shared, documents: ['apps/studio/src/api/*.ts'] },
    // Every enum of the schema, used by an operation or not: ErrorCode is the server's list of error codes.
    'apps/studio/src/api/generated/schema-enums.ts': { plugins: ['typescript'], config: { onlyEnums: true, enumsAsTypes: true } },
    'examples/client/src/generated/': { ...shared, documents: ['examples/client/src/*.ts'] },
  },
};

export default config;
