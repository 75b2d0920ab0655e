import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { IntrospectionQuery, buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { diff } from 'jest-diff';
import { seedSurface } from '../support/seed-surface';
import { ApiHandle, ROOT, createApiKey, gql, startApi } from '../support/stack';

/**
 * The committed schema.graphql is printed from the resolver classes without starting the API (apps/api/src/schema.ts);
 * this proves the running API serves that very schema, so clients generated from the file match the server. Then the
 * example client (examples/client, typed documents generated from the file) runs against it.
 */
describe('the committed schema', () => {
  const surface = `ex${Date.now().toString(36)}`;
  let api: ApiHandle;
  let key: string;
  beforeAll(async () => {
    await seedSurface(surface, 6);
    key = (await createApiKey('example client')).key;
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
    if (served !== committed)
      throw new Error(
        `The API serves a schema other than schema.graphql; run \`npm run schema\`:\n${diff(committed, served, { aAnnotation: 'schema.graphql', bAnnotation: 'served', expand: false })}`,
      );
  });

  it('serves the example client: its generated feed and trackEvents documents work against the real API', async () => {
    const main = resolve(ROOT, 'examples/client/dist/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build:examples\` (npm run build does it).`);
    const { stdout } = await promisify(execFile)(process.execPath, [main, '--url', api.url, '--key', key, '--surface', surface, '--user', 'example-user'], {
      timeout: 30_000,
    });
    console.log(stdout);
    const slots = [...stdout.matchAll(/^ {2}(\d+)\. .+ \[(\w+)\] (PERSONALIZED|CONTENT_TEST|EXPLORATION|PINNED|FALLBACK) p=/gm)];
    // The seeded surface has 4 slots: the feed fills them, positions 1..4, from the 6 live items.
    expect(slots.map((m) => Number(m[1]))).toEqual([1, 2, 3, 4]);
    expect(stdout).toMatch(new RegExp(`^events: ${slots.length} accepted, 0 duplicates, 0 rejected$`, 'm'));
  });
});
