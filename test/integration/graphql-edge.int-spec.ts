import { gzipSync } from 'node:zlib';
import {
  GraphQLInputType,
  GraphQLSchema,
  IntrospectionQuery,
  Kind,
  OperationDefinitionNode,
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  parse,
} from 'graphql';
import { checkDocumentLimits, measureDocument, operationCost } from '../../libs/platform-api/src';
import { loadConfig } from '../../libs/platform-config/src';
import { OPAQUE_IDS, edgeOptions } from '../../apps/api/src/graphql-edge';
import { Workflow, meditationInput, must } from '../support/launch-helpers';
import { collectStudioDocuments } from '../support/studio-documents';
import { ApiHandle, Credentials, createApiKey, createUser, gql, login, startApi, withDb } from '../support/stack';

/**
 * The GraphQL edge under attack: query limits, variable types, text hygiene, malformed ids, introspection, and the
 * N+1 relations (issue 8, defects 1, 5, 6, 10 and 15). Everything runs against the compiled API as a real process.
 */

const UUID = '00000000-0000-4000-8000-000000000000';

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }; headers: Headers }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text), headers: res.headers };
  } catch {
    throw new Error(`Non-JSON answer (${res.status}): ${text.slice(0, 300)}`);
  }
}

/** The server's own time for a request, from `server-timing: app;dur=<ms>` (NaN when the header is missing). */
function serverMs(headers: Headers): number {
  const m = /app;dur=([\d.]+)/.exec(headers.get('server-timing') ?? '');
  return m ? Number(m[1]) : NaN;
}

/** The per-request SQL statement count the API reports outside production (x-sql-queries). */
function sqlQueries(headers: Headers): number {
  const raw = headers.get('x-sql-queries');
  if (raw === null || !/^\d+$/.test(raw)) throw new Error(`No x-sql-queries header (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

function fragmentBomb(levels: number): string {
  let doc = `query{...F${levels}} fragment F0 on Query{__typename}`;
  for (let i = 1; i <= levels; i++) doc += ` fragment F${i} on Query{...F${i - 1} ...F${i - 1}}`;
  return doc;
}

async function counts(): Promise<Record<string, number>> {
  return withDb(async (c) => {
    const out: Record<string, number> = {};
    for (const t of ['items', 'item_versions', 'releases', 'release_actions', 'api_keys', 'users', 'webhook_endpoints', 'engagement_events', 'audit_log']) {
      out[t] = Number((await c.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n);
    }
    return out;
  });
}

describe('the GraphQL edge', () => {
  let api: ApiHandle;
  let admin: Credentials;
  let editor: Credentials;
  let reviewer: Credentials;
  let analyst: Credentials;
  let client: Credentials;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    api = await startApi();
    const users = await Promise.all((['admin', 'editor', 'reviewer', 'analyst'] as const).map((r) => createUser(r)));
    [admin, editor, reviewer, analyst] = await Promise.all(users.map(async (u) => ({ token: await login(api.url, u) })));
    client = { apiKey: (await createApiKey('edge test client')).key };
    const intro = await gql<IntrospectionQuery>(api.url, getIntrospectionQuery(), {}, admin);
    schema = buildClientSchema(intro.data!);
  }, 120000);

  afterAll(async () => {
    await api?.stop();
  });

  describe('defect 1: a small anonymous request can no longer freeze the API', () => {
    it('refuses the 916-byte F22 fragment bomb at once with QUERY_TOO_COMPLEX, and the F29 one too', async () => {
      const f22 = fragmentBomb(22);
      const r = await post(api.url, { query: f22 });
      console.log(
        `F22 bomb (${f22.length} bytes): HTTP ${r.status} in ${serverMs(r.headers)} ms of server time: ${JSON.stringify(r.json.errors?.[0]?.extensions)}`,
      );
      expect(r.status).toBe(400);
      expect(r.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'fragments', value: 2 ** 23 - 1, max: 100 });
      expect(r.json.errors![0].message).toMatch(/expands to 8388607 fragment spreads; the limit is 100/);

      // F29 blocked the whole process for more than 11 minutes; now it is one quick refusal while health answers.
      const [bomb, live] = await Promise.all([post(api.url, { query: fragmentBomb(29) }), fetch(`${api.url}/health/live`)]);
      console.log(`F29 bomb: HTTP ${bomb.status} in ${serverMs(bomb.headers)} ms of server time; /health/live answered ${live.status}`);
      expect(bomb.status).toBe(400);
      expect(bomb.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'fragments', value: 2 ** 30 - 1 });
      expect(live.status).toBe(200);
    });

    it('refuses a bomb made of fields instead of fragments, and one hidden inside introspection', async () => {
      let viaInline = 'query{...F12} fragment F0 on Query{me{id email displayName role}}';
      for (let i = 1; i <= 12; i++) viaInline += ` fragment F${i} on Query{...on Query{...F${i - 1}} ...F${i - 1}}`;
      const r = await post(api.url, { query: viaInline });
      expect(r.status).toBe(400);
      expect(r.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'fragments' });

      let intro = 'query{__type(name:"Item"){...T20}} fragment T0 on __Type{name}';
      for (let i = 1; i <= 20; i++) intro += ` fragment T${i} on __Type{...T${i - 1} ...T${i - 1}}`;
      const i2 = await post(api.url, { query: intro });
      expect(i2.status).toBe(400);
      expect(i2.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'fragments' });
    });
  });

  describe('defect 5: a wrong variable type answers BAD_USER_INPUT for every operation, never 500', () => {
    it.each([
      ['createApiKey', 'mutation($n: String!) { createApiKey(name: $n) { secret } }', { n: { a: 1 } }, 'n', 'admin'],
      ['login', 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: { a: 1 }, p: 'x' }, 'e', 'anonymous'],
      ['items (page size)', 'query($f: Int) { items(first: $f) { totalCount } }', { f: 'ten' }, 'f', 'analyst'],
      ['release (id as an object)', 'query($id: ID!) { release(id: $id) { id } }', { id: { a: 1 } }, 'id', 'analyst'],
      ['a missing required variable', 'mutation($n: String!) { createRelease(input: { name: $n }) { id } }', {}, 'n', 'editor'],
      [
        'an input object with an unknown field',
        'mutation($i: ReleaseInput!) { createRelease(input: $i) { id } }',
        { i: { name: 'x', nope: 1 } },
        'i',
        'editor',
      ],
      [
        'trackEvents',
        'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted } }',
        { e: [{ eventId: UUID, type: 'NOPE' }] },
        'e',
        'client',
      ],
    ])('%s', async (_name, query, variables, variable, who) => {
      const creds = { admin, editor, analyst, client, anonymous: undefined }[who as 'admin'];
      const before = await counts();
      const r = await gql(api.url, query, variables, creds);
      expect({ status: r.status, code: r.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
      expect((r.errors![0].extensions!.problems as { field: string }[])[0].field).toBe(variable);
      expect(r.data).toBeNull();
      expect(await counts()).toEqual(before);
    });
  });

  describe('defect 6: NUL bytes and lone surrogates in ordinary inputs answer BAD_USER_INPUT and change nothing', () => {
    const NUL = 'abc\u0000def';
    const HIGH = 'abc\ud800def';
    const LOW = '\udc00abc';
    it.each([
      ['a release name', 'mutation($n: String!) { createRelease(input: { name: $n }) { id } }', { n: NUL }, 'n', 'editor'],
      ['a release name (lone surrogate)', 'mutation($i: ReleaseInput!) { createRelease(input: $i) { id } }', { i: { name: HIGH } }, 'i.name', 'editor'],
      ['a release name, inline', 'mutation { createRelease(input: { name: "abc\\u0000def" }) { id } }', {}, 'input.name', 'editor'],
      [
        'a release description on update',
        'mutation($i: ReleaseUpdate!) { updateRelease(id: "00000000-0000-4000-8000-000000000000", input: $i) { id } }',
        { i: { description: LOW } },
        'i.description',
        'editor',
      ],
      ['itemBySlug', 'query($s: String!) { itemBySlug(slug: $s) { id } }', { s: NUL }, 's', 'analyst'],
      ['itemBySlug, inline', '{ itemBySlug(slug: "abc\\u0000") { id } }', {}, 'slug', 'analyst'],
      ['the audit-log text filter', 'query($f: AuditFilter) { auditLog(filter: $f) { totalCount } }', { f: { text: NUL } }, 'f.text', 'admin'],
      ['the audit-log action filter', 'query($f: AuditFilter) { auditLog(filter: $f) { totalCount } }', { f: { action: HIGH } }, 'f.action', 'admin'],
      ['the audit-log entity filter', 'query($f: AuditFilter) { auditLog(filter: $f) { totalCount } }', { f: { entityId: NUL } }, 'f.entityId', 'admin'],
      ['surface(key)', 'query($k: String!) { surface(key: $k) { key } }', { k: NUL }, 'k', 'analyst'],
      [
        'the login email',
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
        { e: `admin${NUL}@x.test`, p: 'whatever-password' },
        'e',
        'anonymous',
      ],
      ['the login password', 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: 'a@x.test', p: HIGH }, 'p', 'anonymous'],
      [
        'an item title',
        'mutation($i: ItemInput!) { createItem(input: $i) { id } }',
        { i: meditationInput('nul-title', { localized: [{ locale: 'en', title: NUL }] }) },
        'i.localized[0].title',
        'editor',
      ],
      [
        'a JSON attribute key',
        'mutation($i: ItemInput!) { createItem(input: $i) { id } }',
        { i: meditationInput('nul-key', { attributes: { ['narr\u0000ator']: 'x' } }) },
        'i.attributes.narr\u0000ator',
        'editor',
      ],
      ['the item search text', 'query($f: ItemFilterInput) { items(filter: $f) { totalCount } }', { f: { text: LOW } }, 'f.text', 'analyst'],
      ['a feed userId', 'query($u: ID!) { feed(surface: "home", userId: $u) { requestId } }', { u: 'nul\u0000user' }, 'u', 'client'],
      [
        'a feed context locale',
        'query($c: FeedContextInput) { feed(surface: "home", userId: "u1", context: $c) { requestId } }',
        { c: { locale: HIGH } },
        'c.locale',
        'client',
      ],
      ['an API key name', 'mutation($n: String!) { createApiKey(name: $n) { secret } }', { n: NUL }, 'n', 'admin'],
      [
        'a user display name',
        'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }',
        { i: { email: 'x@x.test', displayName: HIGH, role: 'EDITOR' } },
        'i.displayName',
        'admin',
      ],
      [
        'a webhook description',
        'mutation($i: WebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }',
        { i: { url: 'https://example.com/h', description: NUL } },
        'i.description',
        'admin',
      ],
      [
        'a tracking token',
        'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted } }',
        { e: [{ eventId: UUID, type: 'OPEN', occurredAt: new Date().toISOString(), trackingToken: NUL }] },
        'e[0].trackingToken',
        'client',
      ],
    ])('%s', async (_name, query, variables, field, who) => {
      const creds = { admin, editor, analyst, client, anonymous: undefined }[who as 'admin'];
      const before = await counts();
      const r = await gql(api.url, query, variables, creds);
      expect({ status: r.status, code: r.errors?.[0]?.extensions?.code, message: r.errors?.[0]?.message }).toEqual({
        status: 400,
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/NUL|lone surrogate/),
      });
      expect((r.errors![0].extensions!.problems as { field: string }[]).map((p) => p.field)).toEqual([field]);
      expect(r.data).toBeNull();
      expect(await counts()).toEqual(before);
    });

    it('still accepts well-formed text with emoji (surrogate pairs) and control characters other than NUL', async () => {
      // (A name must be one line of plain text; a description may hold tabs and line breaks.)
      const r = await gql<{ createRelease: { name: string; description: string } }>(
        api.url,
        'mutation($n: String!, $d: String) { createRelease(input: { name: $n, description: $d }) { name description } }',
        { n: 'Winter 😴', d: 'Step\tone\nstep 😴 two' },
        editor,
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.createRelease).toEqual({ name: 'Winter 😴', description: 'Step\tone\nstep 😴 two' });
    });
  });

  describe('defect 15: malformed ids, introspection, alias floods', () => {
    it('answers release(id: "not-a-uuid") with BAD_USER_INPUT naming the id, not NOT_FOUND', async () => {
      const r = await gql(api.url, '{ release(id: "not-a-uuid") { id } }', {}, analyst);
      expect(r.status).toBe(400);
      expect(r.errors![0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        problems: [{ field: 'id', message: expect.stringMatching(/"not-a-uuid" is not a UUID/) }],
      });
      // A well-formed id that does not exist is still NOT_FOUND.
      const missing = await gql(api.url, `{ release(id: "${UUID}") { id } }`, {}, analyst);
      expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
    });

    it('checks every UUID argument and input field of the schema in the same one place', async () => {
      const checked: string[] = [];
      const failures: string[] = [];
      const literal = (type: GraphQLInputType, coordinate: string, bad: string | null): string => {
        const t = getNullableType(type) as GraphQLInputType;
        if (isListType(t)) return `[${literal(t.ofType as GraphQLInputType, coordinate, bad)}]`;
        if (isInputObjectType(t)) {
          const parts = Object.values(t.getFields())
            .filter((f) => isNonNullType(f.type) || f.name === bad?.split('.')[1])
            .map((f) => `${f.name}: ${literal(f.type, `${t.name}.${f.name}`, bad)}`);
          return `{ ${parts.join(', ')} }`;
        }
        if (isEnumType(t)) return t.getValues()[0].name;
        if (coordinate === bad) return '"not-a-uuid"';
        return { Int: '1', Float: '1.5', Boolean: 'true', String: '"x"', ID: `"${UUID}"`, DateTime: '"2030-01-01T00:00:00Z"', JSON: '{}' }[t.name] ?? '"x"';
      };
      for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
        for (const field of Object.values(root.getFields())) {
          const targets: { coordinate: string; path: string }[] = [];
          for (const arg of field.args) {
            const coordinate = `${root.name}.${field.name}(${arg.name}:)`;
            const named = getNamedType(arg.type);
            if (named.name === 'ID' && !OPAQUE_IDS.has(coordinate)) targets.push({ coordinate, path: arg.name });
            if (isInputObjectType(named)) {
              for (const f of Object.values(named.getFields())) {
                const c = `${named.name}.${f.name}`;
                if (getNamedType(f.type).name === 'ID' && !OPAQUE_IDS.has(c)) targets.push({ coordinate: c, path: `${arg.name}.${f.name}` });
              }
            }
          }
          for (const target of targets) {
            const args = field.args
              .filter((a) => isNonNullType(a.type) || target.path.split('.')[0] === a.name)
              .map((a) => `${a.name}: ${literal(a.type, `${root.name}.${field.name}(${a.name}:)`, target.coordinate)}`);
            const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
            const op = `${root.name === 'Query' ? 'query' : 'mutation'} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
            const r = await gql(api.url, op, {}, admin);
            const problems = (r.errors?.[0]?.extensions?.problems as { field: string; message: string }[] | undefined) ?? [];
            checked.push(target.coordinate);
            const ok =
              r.status === 400 &&
              r.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT' &&
              problems.some((p) => p.field.replace(/\[0\]/g, '') === target.path && /not a UUID/.test(p.message));
            if (!ok) failures.push(`${target.coordinate}: ${op} answered ${r.status} ${JSON.stringify(r.errors?.[0] ?? r.data).slice(0, 200)}`);
          }
        }
      }
      console.log(`Malformed ids refused at ${checked.length} schema positions: ${checked.join(', ')}`);
      expect(failures).toEqual([]);
      expect(checked.length).toBeGreaterThanOrEqual(43);
    }, 60000);

    it('leaves the client’s own ids alone: a feed for user "user-42" is served', async () => {
      const r = await gql(api.url, '{ feed(surface: "no-such-surface", userId: "user-42") { requestId } }', {}, client);
      expect(r.errors![0].extensions!.code).toBe('NOT_FOUND'); // the surface, not the user id
    });

    it('answers introspection in test and development, and refuses it (hiding suggestions) when GRAPHQL_INTROSPECTION=false', async () => {
      const on = await gql<{ __schema: { queryType: { name: string } } }>(api.url, '{ __schema { queryType { name } } }');
      expect(on.data!.__schema.queryType.name).toBe('Query');
      const hinted = await gql(api.url, '{ itemz { id } }', {}, analyst);
      expect(hinted.errors![0].message).toMatch(/Did you mean/);

      const closed = await startApi({ GRAPHQL_INTROSPECTION: 'false' });
      try {
        const off = await gql(closed.url, '{ __schema { queryType { name } } }');
        expect(off.status).toBe(400);
        expect(off.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(off.errors![0].message).toMatch(/introspection/i);
        const quiet = await gql(closed.url, '{ itemz { id } }');
        expect(quiet.errors![0].message).not.toMatch(/Did you mean/);
      } finally {
        await closed.stop();
      }
    });

    it('refuses the 1,000-alias flood (it is over the token limit before it is over the alias limit), and 100 aliases', async () => {
      const thousand = await post(api.url, { query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }` });
      expect(thousand.status).toBe(400);
      expect(thousand.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'tokens', max: 1000 });
      const hundred = await post(api.url, { query: `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: __typename`).join(' ')} }` });
      expect(hundred.status).toBe(400);
      expect(hundred.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'aliases', value: 100, max: 15 });
      console.log(`alias floods refused in ${serverMs(thousand.headers)} ms and ${serverMs(hundred.headers)} ms of server time`);
    });
  });

  describe('every refusal is typed and the server says how long it took', () => {
    it('sets server-timing on answers and refusals, including a 1 MB document', async () => {
      const ok = await gql(api.url, '{ __typename }');
      expect(ok.headers.get('server-timing')).toMatch(/^app;dur=\d+(\.\d+)?$/);
      const big = await post(api.url, { query: `{ ${'__typename '.repeat(90_000)} }` });
      expect(big.status).toBe(400);
      expect(big.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'tokens' });
      // One token, but 1 MB: refused unread (over 100 characters per allowed token).
      const literal = await post(api.url, { query: `{ itemBySlug(slug: "${'x'.repeat(990_000)}") { id } }` });
      expect(literal.status).toBe(400);
      expect(literal.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'tokens', max: 1000 });
      console.log(`1 MB of tokens refused in ${serverMs(big.headers)} ms, a 1 MB string literal in ${serverMs(literal.headers)} ms of server time`);
    });

    it('refuses a body whose JSON nests 150,000 levels deep before parsing it (JSON.parse alone took 20-100 ms on it)', async () => {
      const n = 150_000;
      const raw = `{"query":"mutation($c: JSON) { evaluatePolicy(surface: \\"home\\", target: LIVE_POLICY, config: $c) { id } }","variables":{"c":${'['.repeat(n)}${']'.repeat(n)}}}`;
      const res = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
      const json = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect({ status: res.status, ext: json.errors[0].extensions }).toMatchObject({
        status: 400,
        ext: { code: 'BAD_USER_INPUT', problems: [{ field: 'body' }] },
      });
      console.log(`a body nested ${n} deep refused in ${serverMs(res.headers)} ms of server time`);
    });

    describe('bodies in a charset or content-encoding the parser cannot read answer a typed 4xx, never 500', () => {
      const json = JSON.stringify({ query: '{ __typename }' });
      const gz = gzipSync(json);
      const cases: [string, Record<string, string>, Buffer | string, number, RegExp][] = [
        ['charset=latin1', { 'content-type': 'application/json; charset=latin1' }, json, 415, /charset "latin1" is not supported.*utf-8/],
        ['charset=iso-8859-1', { 'content-type': 'application/json; charset=iso-8859-1' }, json, 415, /charset "iso-8859-1" is not supported/],
        ['charset=ascii', { 'content-type': 'application/json; charset=ascii' }, json, 415, /charset "ascii" is not supported/],
        ['charset=bogus', { 'content-type': 'application/json; charset=bogus' }, json, 415, /charset "bogus" is not supported/],
        ['content-encoding: bogus', { 'content-encoding': 'bogus' }, json, 415, /content-encoding "bogus" is not supported.*gzip, deflate, br/],
        ['content-encoding: gzip, gzip', { 'content-encoding': 'gzip, gzip' }, gz, 415, /content-encoding "gzip, gzip" is not supported/],
        ['gzip that is not gzip', { 'content-encoding': 'gzip' }, 'notgzip', 400, /could not be decompressed as gzip \(incorrect header check\)/],
        ['truncated gzip', { 'content-encoding': 'gzip' }, gz.subarray(0, 12), 400, /could not be decompressed as gzip \(unexpected end of file\)/],
        ['gzip sent as br', { 'content-encoding': 'br' }, gz, 400, /could not be decompressed as br/],
      ];
      const send = (path: string, headers: Record<string, string>, body: Buffer | string, creds: Record<string, string>) =>
        fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...creds, ...headers }, body });
      const who = (): [string, Record<string, string>][] => [
        ['no credentials', {}],
        ['a client key (the fast path)', { 'x-api-key': client!.apiKey! }],
        ['an editor', { authorization: `Bearer ${editor!.token}` }],
      ];

      it.each(cases)('%s', async (_what, headers, body, status, message) => {
        // Imports are text in any charset Node.js decodes, so only an unknown one is refused there.
        const imports = !/latin1|iso-8859-1|ascii/.test(headers['content-type'] ?? '');
        for (const path of imports ? ['/graphql', '/api/imports?filename=x.jsonl'] : ['/graphql']) {
          for (const [caller, creds] of who()) {
            const res = await send(path, headers, body, creds);
            const json = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
            expect({ path, caller, status: res.status, code: json.errors[0].extensions.code }).toEqual({ path, caller, status, code: 'BAD_REQUEST' });
            expect(json.errors[0].message).toMatch(message);
          }
        }
        expect(api.output()).not.toMatch(/Unhandled error/);
      });

      it('reads utf8 (no dash) as UTF-8 and x-gzip as gzip, the aliases clients send', async () => {
        for (const [caller, creds] of who()) {
          const utf8 = await send('/graphql', { 'content-type': 'application/json; charset=utf8' }, json, creds);
          expect({ caller, status: utf8.status, body: await utf8.json() }).toEqual({ caller, status: 200, body: { data: { __typename: 'Query' } } });
          const xgzip = await send('/graphql', { 'content-encoding': 'x-gzip' }, gz, creds);
          expect({ caller, status: xgzip.status, body: await xgzip.json() }).toEqual({ caller, status: 200, body: { data: { __typename: 'Query' } } });
        }
      });
    });

    it('refuses a subscription (the schema has none) as a validation error before it runs, for every caller', async () => {
      for (const creds of [undefined, client, admin]) {
        const r = await gql(api.url, 'subscription { __typename }', {}, creds);
        expect({ status: r.status, code: r.errors?.[0]?.extensions?.code, data: r.data }).toEqual({
          status: 400,
          code: 'GRAPHQL_VALIDATION_FAILED',
          data: null,
        });
        expect(r.errors![0].message).toMatch(/does not support subscription operations; it answers query and mutation operations/);
      }
      const named = await gql(api.url, 'subscription S { feed(surface: "home", userId: "u") { requestId } }', {}, client);
      expect({ status: named.status, code: named.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED' });
      expect(api.output()).not.toMatch(/Schema is not configured to execute subscription operation/);
    });

    it('prices nested lists by multiplication: the issue’s analyst query is refused by cost with the product', async () => {
      const chain =
        '{ item(id: "00000000-0000-4000-8000-000000000000") { releases { actions { item { releases { actions { item { releases { actions { item { id } } } } } } } } } } }';
      const r = await gql(api.url, chain, {}, analyst);
      expect(r.status).toBe(400);
      // 1 + (1 + 10 × (1 + 10 × (1 + (1 + 10 × … )))) with GRAPHQL_LIST_SIZE=10: 2,121,212, not the 20-odd of a sum.
      expect(r.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'cost', value: 2_121_212, max: 5000 });
    });
  });

  describe('the Studio’s own documents stay within every default limit', () => {
    it('measures every document the Studio sends, and runs its read-only ones through the real API', async () => {
      const { documents, unreached } = await collectStudioDocuments();
      expect(unreached).toEqual([]);
      const limits = edgeOptions(loadConfig({ NODE_ENV: 'test' })).limits;
      const over: string[] = [];
      let worst = { cost: 0, fields: 0, depth: 0, aliases: 0, fn: { cost: '', fields: '', depth: '', aliases: '' } };
      for (const d of documents) {
        const doc = parse(d.query, { maxTokens: limits.maxTokens });
        const op = doc.definitions.find((x) => x.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
        const v = checkDocumentLimits(doc, limits);
        const cost = operationCost(schema, doc, op, d.variables, { listSize: limits.listSize });
        if (v || cost > limits.maxCost) over.push(`${d.fn}: ${v ? `${v.rule} ${v.value} > ${v.max}` : `cost ${cost} > ${limits.maxCost}`}`);
        const m = { cost, ...measureDocument(doc) };
        for (const k of ['cost', 'fields', 'depth', 'aliases'] as const) {
          if (m[k] > worst[k]) worst = { ...worst, [k]: m[k], fn: { ...worst.fn, [k]: d.fn } };
        }
      }
      console.log(`${documents.length} Studio documents; the largest: ${JSON.stringify(worst)}`);
      expect(over).toEqual([]);

      const refusals: string[] = [];
      for (const d of documents.filter((x) => /^\s*query\b/.test(x.query))) {
        const r = await gql(api.url, d.query, d.variables, admin);
        const code = r.errors?.[0]?.extensions?.code as string | undefined;
        if (code && ['QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'INTERNAL_SERVER_ERROR'].includes(code))
          refusals.push(`${d.fn}: ${code} ${r.errors![0].message}`);
      }
      expect(refusals).toEqual([]);
    }, 60000);
  });

  describe('defect 10: relations load per level, not per row', () => {
    let small: ApiHandle;
    beforeAll(async () => {
      // With three items per list the issue's query prices at 1,913 and is accepted; the default of ten refuses it.
      small = await startApi({ GRAPHQL_LIST_SIZE: '3' });
    });
    afterAll(async () => {
      await small?.stop();
    });

    it('answers the analyst’s nested query over 729 leaves with a handful of SQL queries', async () => {
      const flow = new Workflow(api, editor, reviewer);
      const items: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await flow.createItem(`n1-${i}-${Date.now()}`, 'https://media.example.com');
        await flow.approveLatest(id);
        items.push(id);
      }
      for (let r = 0; r < 3; r++) await flow.release(`n+1 release ${r}`, items);

      const chain = `{ item(id: "${items[0]}") { releases { actions { item { releases { actions { item { releases { actions { item { id } } } } } } } } } } }`;
      const res = await post(small.url, { query: chain }, { authorization: `Bearer ${analyst!.token}` });
      expect(res.json.errors).toBeUndefined();
      type R = { releases: { actions: { item: R | { id: string } }[] }[] };
      let level: unknown[] = [(res.json.data as { item: R }).item];
      for (let i = 0; i < 3; i++) level = (level as R[]).flatMap((it) => it.releases.flatMap((r) => r.actions.map((a) => a.item)));
      const sql = sqlQueries(res.headers);
      console.log(`nested analyst query: ${level.length} leaf items, ${sql} SQL queries, ${serverMs(res.headers)} ms of server time`);
      expect(level).toHaveLength(729);
      // Per level: two for item.releases, one for release.actions, one for action.item; plus the root item and the session.
      expect(sql).toBeLessThanOrEqual(16);
    }, 120000);

    it('counts a list page of items with live versions and authors in a few queries too', async () => {
      const r = await post(
        small.url,
        { query: '{ items(first: 25) { edges { node { id liveVersion { number } latestVersion { number author { email } } completeness { locale } } } } }' },
        { authorization: `Bearer ${analyst!.token}` },
      );
      expect(r.json.errors).toBeUndefined();
      const n = (r.json.data as { items: { edges: unknown[] } }).items.edges.length;
      const sql = sqlQueries(r.headers);
      console.log(`items page: ${n} items, ${sql} SQL queries`);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(sql).toBeLessThanOrEqual(8);
    });

    it('still resolves each relation correctly (the batch groups rows under the right parent)', async () => {
      const flow = new Workflow(api, editor, reviewer);
      const a = await flow.createItem(`grp-a-${Date.now()}`, 'https://media.example.com');
      const b = await flow.createItem(`grp-b-${Date.now()}`, 'https://media.example.com');
      await flow.approveLatest(a);
      await flow.approveLatest(b);
      const onlyA = await flow.release('only a', [a]);
      const both = await flow.release('a and b', [a, b]);
      const d = await must(
        gql<{ releases: { id: string; actions: { item: { id: string; releases: { id: string }[] } }[] }[] }>(
          small.url,
          '{ releases { id actions { item { id releases { id } } } } }',
          {},
          analyst,
        ),
      );
      const byId = new Map(d.releases.map((r) => [r.id, r]));
      expect(byId.get(onlyA)!.actions.map((x) => x.item.id)).toEqual([a]);
      expect(
        byId
          .get(both)!
          .actions.map((x) => x.item.id)
          .sort(),
      ).toEqual([a, b].sort());
      const itemA = byId.get(both)!.actions.find((x) => x.item.id === a)!.item;
      expect(itemA.releases.map((r) => r.id)).toEqual([both, onlyA]); // newest first
      expect(
        byId
          .get(both)!
          .actions.find((x) => x.item.id === b)!
          .item.releases.map((r) => r.id),
      ).toEqual([both]);
    });
  });
});
