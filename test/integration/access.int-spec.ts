import {
  GraphQLArgument,
  GraphQLInputType,
  GraphQLObjectType,
  GraphQLSchema,
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  isLeafType,
  GraphQLField,
} from 'graphql';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readmeRolesBlock, rolesMarkdown } from '../../libs/platform-auth/src/roles-doc';
import { ApiHandle, Credentials, ROOT, TestUser, createApiKey, createUser, gql, login, startApi } from '../support/stack';

/**
 * The access table: for every query and mutation in the schema, every role, a client key and an anonymous caller
 * are checked against the operation's declared rule. An operation without a rule fails here.
 */
type Who = 'admin' | 'editor' | 'reviewer' | 'analyst' | 'client' | 'anonymous';
const EVERYONE: Who[] = ['admin', 'editor', 'reviewer', 'analyst', 'client', 'anonymous'];

function dummy(type: GraphQLInputType, depth = 0): unknown {
  if (isNonNullType(type)) return dummy(type.ofType, depth);
  if (isListType(type)) return [dummy(type.ofType, depth)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (isNonNullType(f.type) && depth < 5) out[f.name] = dummy(f.type, depth + 1);
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return randomUUID();
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date(Date.now() + 86400000).toISOString();
      case 'JSON':
        return {};
      default:
        return 'x';
    }
  }
  return null;
}

function typeRef(t: GraphQLInputType): string {
  return t.toString();
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const args = field.args as readonly GraphQLArgument[];
  const decl = args.map((a) => `$${a.name}: ${typeRef(a.type)}`).join(', ');
  const use = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const variables = Object.fromEntries(args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, dummy(a.type)]));
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return { query: `${kind}${decl ? `(${decl})` : ''} { ${field.name}${use ? `(${use})` : ''}${selection} }`, variables };
}

describe('access table', () => {
  let api: ApiHandle;
  let schema: GraphQLSchema;
  const creds: Record<Who, Credentials> = {} as Record<Who, Credentials>;
  const users: Partial<Record<Who, TestUser>> = {};
  let rules: { type: string; field: string; audience: string[] | null }[];

  beforeAll(async () => {
    api = await startApi({ LOGIN_MAX_ATTEMPTS: '1000' });
    for (const role of ['admin', 'editor', 'reviewer', 'analyst'] as const) {
      users[role] = await createUser(role);
      creds[role] = { token: await login(api.url, users[role]) };
    }
    creds.client = { apiKey: (await createApiKey('access test')).key };
    creds.anonymous = undefined;
    const intro = await gql(api.url, getIntrospectionQuery());
    schema = buildClientSchema(intro.data as never);
    const r = await gql<{ accessRules: typeof rules }>(api.url, '{ accessRules { type field audience } }', {}, creds.admin);
    rules = r.data!.accessRules;
  });
  afterAll(() => api?.stop());

  it('has a declared rule for every query and mutation', () => {
    const missing: string[] = [];
    for (const [kind, type] of [
      ['Query', schema.getQueryType()],
      ['Mutation', schema.getMutationType()],
    ] as const) {
      for (const name of Object.keys((type as GraphQLObjectType).getFields())) {
        const rule = rules.find((r) => r.type === kind && r.field === name);
        if (!rule?.audience?.length) missing.push(`${kind}.${name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(rules.length).toBeGreaterThan(20);
  });

  it('enforces each rule for every kind of caller', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const [kind, type] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ] as const) {
      for (const field of Object.values((type as GraphQLObjectType).getFields())) {
        const rule = rules.find((r) => r.type === (kind === 'query' ? 'Query' : 'Mutation') && r.field === field.name)!;
        const allowed = (who: Who) => rule.audience!.includes('anonymous') || rule.audience!.includes(who);
        const op = operationFor(kind, field);
        for (const who of EVERYONE) {
          const res = await gql(api.url, op.query, op.variables, creds[who]);
          // logout ends the session that called it: that role signs in again for the operations after it.
          if (field.name === 'logout' && users[who]) creds[who] = { token: await login(api.url, users[who]) };
          const denied = (res.errors ?? []).find((e) => e.extensions?.accessDenied);
          checked++;
          if (allowed(who) && denied) mismatches.push(`${field.name} should admit ${who} but said: ${denied.message}`);
          if (!allowed(who)) {
            const expectCode = who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
            if (!denied || denied.extensions?.code !== expectCode) {
              mismatches.push(`${field.name} should refuse ${who} with ${expectCode}, got ${JSON.stringify(res.errors ?? res.data)}`);
            } else if (res.data && Object.values(res.data).some((v) => v !== null)) {
              mismatches.push(`${field.name} refused ${who} but still returned data`);
            } else if (res.status !== (who === 'anonymous' ? 401 : 403)) {
              mismatches.push(`${field.name} refused ${who} with HTTP ${res.status}`);
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('keeps analysts read-only: no mutation admits them', () => {
    const writable = rules.filter((r) => r.type === 'Mutation' && r.audience?.includes('analyst') && !r.audience.includes('anonymous'));
    expect(writable.map((r) => r.field)).toEqual(['changePassword']);
  });

  it('is what the README says: its roles list is generated from these rules', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const expected = rolesMarkdown(rules as Parameters<typeof rolesMarkdown>[0]);
    const actual = readmeRolesBlock(readme);
    if (actual !== expected) {
      throw new Error(
        `README.md's roles list (section "Roles") does not match the access rules. Replace the block with:\n\n${expected}\n\nIt has:\n\n${actual ?? '(no block: the markers are missing)'}`,
      );
    }
  });

  it('keeps accounts, API keys, webhooks and the access rules to admins, and lets analysts read everything else', () => {
    const adminOnlyReads = rules.filter((r) => r.type === 'Query' && r.audience?.length === 1 && r.audience[0] === 'admin').map((r) => r.field);
    expect(adminOnlyReads.sort()).toEqual(['accessRules', 'apiKeys', 'users', 'webhookDeliveries', 'webhookEndpoints', 'webhookEventTypes']);
    const staffReadsRefusedToAnalysts = rules
      .filter((r) => r.type === 'Query' && r.audience?.includes('editor') && !r.audience.includes('analyst'))
      .map((r) => r.field);
    expect(staffReadsRefusedToAnalysts).toEqual([]);
  });

  it('lets client keys call nothing editorial', () => {
    const forClients = rules.filter((r) => r.audience?.includes('client') && !r.audience.includes('anonymous')).map((r) => r.field);
    expect(forClients.sort()).toEqual(['editorialFeed', 'feed', 'trackEvents']);
  });
});
