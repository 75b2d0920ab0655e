import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IntrospectionQuery, buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { diff } from 'jest-diff';
import { ApiHandle, ROOT, gql, startApi } from '../support/stack';

/**
 * The committed schema.graphql is printed from the resolver classes without starting the API (apps/api/src/schema.ts);
 * this proves the running API serves that very schema, so clients generated from the file match the server.
 */
describe('the committed schema', () => {
  let api: ApiHandle;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('is the schema the running API serves (by introspection)', async () => {
    const r = await gql<IntrospectionQuery>(api.url, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(r.errors).toBeUndefined();
    const served = `${printSchema(lexicographicSortSchema(buildClientSchema(r.data!))).trimEnd()}\n`;
    const committed = readFileSync(resolve(ROOT, 'schema.graphql'), 'utf8');
    if (served !== committed) throw new Error(`The API serves a schema other than schema.graphql; run \`npm run schema\`:\n${diff(committed, served, { aAnnotation: 'schema.graphql', bAnnotation: 'served', expand: false })}`);
  });
});
