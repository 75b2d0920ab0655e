import fc from 'fast-check';
import {
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import type { Credentials } from '../support/stack';
import { Answer, codesOf, send, sleep } from './http';

/**
 * The GraphQL fuzz: every root operation of the introspected schema, for every role that matters, with arguments
 * generated from the argument types (right and wrong types, huge strings, NUL and lone surrogates, bad variables),
 * plus whole-document attacks (fragment bombs, deep and wide selections, alias and directive floods, deep literals,
 * malformed bodies). fast-check drives every choice from one seed, so a run can be replayed with ABUSE_SEED.
 */
export type Role = 'anonymous' | 'client' | 'analyst' | 'admin';
export const ROLES: Role[] = ['anonymous', 'client', 'analyst', 'admin'];

type Gen = fc.GeneratorValue;

export interface FuzzPools {
  itemIds: string[];
  itemSlugs: string[];
  releaseIds: string[];
  /** Throwaway objects only: never the fuzzing principals themselves, so no mutation can lock the fuzz out. */
  userIds: string[];
  apiKeyIds: string[];
  endpointIds: string[];
  emails: string[];
  surfaces: string[];
}

export interface FuzzTarget {
  url(): string;
  creds(role: Role): Credentials;
  /** Signs the role in again (after a fuzzed logout or a restart). */
  refresh(role: Role): Promise<void>;
  /** A digest of every table a mutation may write, to prove a refused mutation changed nothing. */
  fingerprint(): Promise<Record<string, string>>;
  /** Kills and restarts a frozen API; resolves when it is ready again. */
  restartApi(): Promise<void>;
}

export interface FuzzOptions {
  /** Generated cases per (operation, role). */
  runsPerOperation: number;
  /** Whole-document attacks per role. */
  documentRuns: number;
  seed: number;
  /** Highest level of the F0..Fn fragment bomb. */
  maxBombLevel: number;
  timeoutMs: number;
  /** Largest body the generators aim for (bytes); a few go just over 1 MB on purpose. */
  maxBodyBytes: number;
  /**
   * Text hygiene probes, as admin: every String/ID argument (and every String/ID field of an input argument) of every
   * operation set to a NUL, in a variable and as a literal, and to a lone surrogate in a variable ('full'), or only the
   * NUL variable ('variables').
   */
  hygiene: 'full' | 'variables' | 'off';
  log?: (line: string) => void;
}

export interface Sample {
  label: string;
  role: Role;
  status: number;
  codes: string[];
  serverMs: number | null;
  firstServerMs?: number | null;
  clientMs: number;
  bytes: number;
  message?: string;
  query?: string;
  tables?: string[];
}

export interface FuzzStats {
  seed: number;
  requests: number;
  operationsCovered: number;
  operationsInSchema: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  byShape: Record<string, number>;
  http5xx: Sample[];
  internal: Sample[];
  noAnswer: Sample[];
  refusals: number;
  refusalsWithoutTiming: number;
  refusalsOverBudget: Sample[];
  /** Over budget at the first try (before the two repeats). */
  refusalsOverBudgetOnce: number;
  refusalServerMs: number[];
  freezes: Sample[];
  mutationsChecked: number;
  halfWrites: Sample[];
  hygieneProbes: number;
  hygieneMisses: Sample[];
  relogins: number;
  live: { probes: number; slow: number; failed: number; maxMs: number };
}

const REFUSAL_STATUSES = new Set([400, 401, 403, 405, 413, 415, 429]);
export const REFUSAL_BUDGET_MS = 10;

interface Built {
  label: string;
  shape: string;
  body: string;
  contentType?: string;
  method?: string;
  path?: string;
  /** For a mutation with one root field: its name (the half-write check applies). */
  mutation?: { fields: number };
  headers?: Record<string, string>;
  /** A hygiene probe: must be refused with BAD_USER_INPUT and extensions.problems, before anything runs (HTTP 400). */
  expectBadInput?: boolean;
}

// ---------------------------------------------------------------------------------------------- value generators

interface ValueCtx {
  pools: FuzzPools;
  /** Bytes of huge strings still allowed in this case. */
  hugeBudget: number;
  wrongPct: number;
}

// Unbiased: fast-check leans integers towards their bounds, which would turn every "3% of the time" into 30%.
const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min, max }));
const pct = (g: Gen) => g(uniform, 0, 99);
const pick = <T>(g: Gen, xs: readonly T[]): T => xs[g(uniform, 0, xs.length - 1)];

function inject(g: Gen, base: string, bad: string): string {
  const at = g(fc.integer, { min: 0, max: base.length });
  return base.slice(0, at) + bad + base.slice(at);
}

function hugeString(g: Gen, ctx: ValueCtx): string {
  const max = Math.max(1000, ctx.hugeBudget);
  const size = g(fc.integer, { min: Math.min(10_000, max), max });
  ctx.hugeBudget -= size;
  const unit = pick(g, ['a', 'é', '\u0000', '😀', 'x\u0000', '\ud800', '"', '\\']);
  return unit.repeat(Math.ceil(size / Math.max(1, Buffer.byteLength(JSON.stringify(unit)) - 2))).slice(0, size);
}

function poolFor(name: string, pools: FuzzPools): string[] {
  const n = name.toLowerCase();
  // Cursors that decode but hold the wrong values: they must be refused as bad input before any SQL.
  if (n === 'after' || n.includes('cursor'))
    return [
      ['x', 'y'],
      ['2026-02-31T00:00:00.000Z', '0c3b6e02-7f88-441e-bf16-5dd25c1823f1'],
      ['a\u0000', '0c3b6e02-7f88-441e-bf16-5dd25c1823f1'],
      [null, null],
      ['99999999999999999999'],
      [{ a: 1 }],
      [],
    ].map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'));
  if (n.includes('surface') || n === 'key') return pools.surfaces;
  if (n.includes('slug')) return pools.itemSlugs;
  if (n.includes('email')) return pools.emails;
  if (n.includes('zone')) return ['UTC', 'Europe/Amsterdam', 'America/New_York', 'Mars/Olympus', 'Etc/GMT+14'];
  if (n.includes('locale')) return ['en', 'de', 'es', 'xx', 'en-US'];
  if (n.includes('url')) return ['https://cdn.example.com/a.jpg', 'ftp://x', 'javascript:alert(1)', 'file:///etc/passwd', 'http://'];
  if (n.includes('datetime') || n.includes('local')) return ['2031-03-30T02:30', '2031-01-01T09:00', 'tomorrow', '2031-13-45T99:99'];
  if (n.includes('event')) return ['release.launched', 'item.published', 'nope'];
  if (n.includes('granularity')) return ['DAY', 'HOUR', 'WEEK'];
  if (n.includes('status')) return ['running', 'GRADUATED', 'x'];
  return ['home', 'sleep', 'x', 'Fuzz name', 'admin@abuse.local'];
}

function genString(g: Gen, ctx: ValueCtx, hint: string): string {
  const r = pct(g);
  if (r < 35) return pick(g, poolFor(hint, ctx.pools));
  if (r < 48) return g(fc.string, { maxLength: 30 });
  if (r < 56) return g(fc.string, { unit: 'grapheme', maxLength: 12 });
  if (r < 68) return inject(g, pick(g, poolFor(hint, ctx.pools)), pick(g, ['\u0000', '\u0000\u0000', 'a\u0000']));
  if (r < 80) return inject(g, pick(g, poolFor(hint, ctx.pools)), pick(g, ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d']));
  if (r < 85 && ctx.hugeBudget > 10_000) return hugeString(g, ctx);
  if (r < 93)
    return pick(g, ["' OR 1=1 --", '<script>alert(1)</script>', '${jndi:ldap://x/a}', '../../etc/passwd', '%00', '\\', '"', '\n\r\t', '\u202e', '\ufeff', ' ']);
  return '';
}

function genId(g: Gen, ctx: ValueCtx, hint: string): string {
  const r = pct(g);
  const p = ctx.pools;
  const n = hint.toLowerCase();
  const typed = n.includes('release')
    ? p.releaseIds
    : n.includes('item')
      ? p.itemIds
      : n.includes('user')
        ? p.userIds
        : n.includes('key')
          ? p.apiKeyIds
          : n.includes('endpoint')
            ? p.endpointIds
            : [];
  if (r < 40 && typed.length) return pick(g, typed);
  if (r < 55) return pick(g, [...p.itemIds, ...p.releaseIds, ...p.userIds, ...p.apiKeyIds, ...p.endpointIds]);
  if (r < 70) return g(fc.uuid);
  if (r < 80) return pick(g, ['not-a-uuid', '', '0', '-1', '00000000-0000-0000-0000-00000000000g', "1'; DROP TABLE items; --", '1e308', 'user-42']);
  if (r < 88) return inject(g, g(fc.uuid), '\u0000');
  if (r < 95) return inject(g, g(fc.uuid), pick(g, ['\ud800', '\udfff']));
  return ctx.hugeBudget > 10_000 ? hugeString(g, ctx) : 'x'.repeat(5000);
}

function genInt(g: Gen): unknown {
  const r = pct(g);
  if (r < 55) return g(fc.integer, { min: 0, max: 60 });
  if (r < 80) return pick(g, [-1, 0, 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, -(2 ** 53), 500, 501, 1000, 100000]);
  return pick(g, [1.5, '12', 'ten', true, null, 1e308, -0]);
}

function deepNest(depth: number, leaf: unknown, kind: 'array' | 'object'): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

function genJson(g: Gen, ctx: ValueCtx): unknown {
  const r = pct(g);
  if (r < 50) return g(fc.jsonValue, { maxDepth: 3 });
  if (r < 65)
    return { policy: pick(g, ['uniform', 'live', 'x']), epsilon: pick(g, [0.1, -1, 2, 'a']), __proto__x: 1, constructor: { prototype: { polluted: true } } };
  if (r < 85) return deepNest(g(fc.integer, { min: 100, max: 2_000 }), 1, pick(g, ['array', 'object'] as const));
  if (ctx.hugeBudget > 10_000) return { blob: hugeString(g, ctx) };
  return null;
}

function wrongValue(g: Gen, ctx: ValueCtx): unknown {
  return pick(g, [
    () => ({ a: 1 }),
    () => [1, 2, 3],
    () => 'str',
    () => 123,
    () => 1.5,
    () => true,
    () => null,
    () => 2 ** 53,
    () => -1e308,
    () => '',
    () => [[[]]],
    () => JSON.parse('{"__proto__": {"polluted": true}}'),
    () => (ctx.hugeBudget > 10_000 ? hugeString(g, ctx) : 'y'.repeat(3000)),
    () => ['\u0000'],
  ])();
}

function genValue(g: Gen, type: GraphQLInputType, ctx: ValueCtx, hint: string, depth: number): unknown {
  if (pct(g) < ctx.wrongPct) return wrongValue(g, ctx);
  if (isNonNullType(type)) return genValue(g, type.ofType, ctx, hint, depth);
  if (depth > 6) return null;
  if (isListType(type)) {
    const inner = getNamedType(type.ofType);
    const r = pct(g);
    // A long list now and then: 501 events, 1,000 ids. Only of small elements, so the body stays bounded.
    const n = r < 10 ? 0 : r < 85 ? g(fc.integer, { min: 1, max: 3 }) : isLeafType(inner) || inner.name === 'EngagementEventInput' ? pick(g, [501, 1000]) : 4;
    const out: unknown[] = [];
    const first = genValue(g, type.ofType, ctx, hint, depth + 1);
    for (let i = 0; i < n; i++) out.push(i === 0 || n < 10 ? (i === 0 ? first : genValue(g, type.ofType, ctx, hint, depth + 1)) : first);
    return out;
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return pct(g) < 90 ? pick(g, values) : pick(g, ['nope', values[0]?.toLowerCase() ?? 'x', '']);
  }
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      const required = isNonNullType(f.type) && f.defaultValue === undefined;
      const r = pct(g);
      if (required ? r < 97 : r < 45) out[f.name] = genValue(g, f.type, ctx, f.name, depth + 1);
    }
    if (pct(g) < 4) out.zzUnknownField = 1;
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'String':
        return genString(g, ctx, hint);
      case 'ID':
        return genId(g, ctx, hint);
      case 'Int':
        return genInt(g);
      case 'Float':
        return pick(g, [0, 0.5, 1, -1, 1e308, 5e-324, 42.42, 'x']);
      case 'Boolean':
        return pct(g) < 90 ? g(fc.boolean) : pick(g, ['true', 0, null]);
      case 'DateTime':
        return pct(g) < 60
          ? new Date(Date.now() + g(fc.integer, { min: -30 * 86400, max: 30 * 86400 }) * 1000).toISOString()
          : pick(g, ['2026-13-45T00:00:00Z', 'now', '', '+275760-09-13T00:00:00.001Z', '1970-01-01T00:00:00Z', 1e15, '2031-01-01T00:00:00\u0000Z']);
      case 'JSON':
        return genJson(g, ctx);
      default:
        return genString(g, ctx, hint);
    }
  }
  return null;
}

// ------------------------------------------------------------------------------------------------- printing

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** GraphQL literal for any JS value; enum values print bare when the type says so. JSON string escapes are GraphQL's. */
function lit(v: unknown, type?: GraphQLInputType): string {
  const named = type ? getNamedType(type) : undefined;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return named && isEnumType(named) && NAME.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '1e999';
  if (typeof v === 'boolean') return String(v);
  const inner = type && isNonNullType(type) ? type.ofType : type;
  if (Array.isArray(v)) return `[${v.map((x) => lit(x, inner && isListType(inner) ? inner.ofType : undefined)).join(', ')}]`;
  const fields = named && isInputObjectType(named) ? named.getFields() : {};
  return `{${Object.entries(v as Record<string, unknown>)
    .filter(([k]) => NAME.test(k))
    .map(([k, x]) => `${k}: ${lit(x, fields[k]?.type)}`)
    .join(', ')}}`;
}

function fieldsOf(t: GraphQLNamedType): GraphQLField<unknown, unknown>[] {
  return isObjectType(t) || isInterfaceType(t) ? Object.values(t.getFields()) : [];
}

function selection(g: Gen, type: GraphQLOutputType, depth: number, maxDepth: number, ctx: ValueCtx): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isUnionType(named))
    return `{ __typename ${named
      .getTypes()
      .map((t) => `... on ${t.name} { __typename }`)
      .join(' ')} }`;
  if (depth >= maxDepth) return '{ __typename }';
  const fields = fieldsOf(named);
  const idx = g(
    fc.shuffledSubarray,
    fields.map((_, i) => i),
    { minLength: 1, maxLength: Math.min(5, fields.length) },
  ) as number[];
  const chosen = idx.map((i) => fields[i]);
  const parts = chosen.map((f) => {
    const args = f.args
      .filter((a) => isNonNullType(a.type) || pct(g) < 30)
      .map((a) => `${a.name}: ${lit(genValue(g, a.type, { ...ctx, wrongPct: 0 }, a.name, 1), a.type)}`);
    return `${f.name}${args.length ? `(${args.join(', ')})` : ''} ${selection(g, f.type, depth + 1, maxDepth, ctx)}`;
  });
  return `{ ${parts.join(' ')} }`;
}

function typeString(t: GraphQLInputType): string {
  return t.toString();
}

// ------------------------------------------------------------------------------------------------ case builders

function operationCase(
  g: Gen,
  schema: GraphQLSchema,
  pools: FuzzPools,
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  maxBody: number,
): Built {
  const ctx: ValueCtx = { pools, hugeBudget: pct(g) < 8 ? maxBody - 20_000 : 0, wrongPct: pick(g, [0, 5, 15, 30]) };
  const mode = pick(g, ['vars', 'vars', 'literals', 'mixed'] as const);
  const defs: string[] = [];
  const uses: string[] = [];
  const variables: Record<string, unknown> = {};
  let flavour = mode as string;
  field.args.forEach((a, i) => {
    const required = isNonNullType(a.type);
    const r = pct(g);
    if (required ? r < 4 : r < 50) return; // a missing required argument now and then
    const value = genValue(g, a.type, ctx, a.name, 0);
    const asVar = mode === 'vars' || (mode === 'mixed' && pct(g) < 50);
    if (asVar) {
      const v = `v${i}`;
      // A declared type that does not match the argument, sometimes (validation must catch it).
      const declared = pct(g) < 5 ? pick(g, ['String', 'Int!', '[String]', 'JSON', 'Boolean!']) : typeString(a.type);
      defs.push(`$${v}: ${declared}`);
      uses.push(`${a.name}: $${v}`);
      if (pct(g) < 95) variables[v] = value; // an undeclared-value variable now and then
    } else {
      uses.push(`${a.name}: ${lit(value, a.type)}`);
    }
  });
  if (pct(g) < 3) {
    uses.push('zzUnknownArg: 1');
    flavour += '+unknown-arg';
  }
  const sel = selection(g, field.type, 0, g(fc.integer, { min: 0, max: 3 }), ctx);
  const query = `${kind} Fuzz${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${uses.length ? `(${uses.join(', ')})` : ''} ${sel} }`;
  let vars: unknown = variables;
  if (pct(g) < 3) {
    vars = pick(g, ['x', [1], 42, { zz: '\u0000' }]);
    flavour += '+bad-variables-object';
  }
  return {
    label: `${kind}.${field.name} [${flavour}]`,
    shape: 'operation',
    body: JSON.stringify({ query, variables: vars }),
    mutation: kind === 'mutation' ? { fields: 1 } : undefined,
  };
}

function bomb(level: number, fanout: number, on: string, root: string): string {
  const defs = [`fragment F0 on ${on} { __typename }`];
  for (let i = 1; i <= level; i++) defs.push(`fragment F${i} on ${on} { ${Array.from({ length: fanout }, () => `...F${i - 1}`).join(' ')} }`);
  return `${root.replace('SPREAD', `...F${level}`)} ${defs.join(' ')}`;
}

/** A chain of object fields following the schema (Item.releases → Release.actions → ReleaseAction.item → …). */
function deepChain(g: Gen, start: GraphQLObjectType, depth: number): string {
  let t: GraphQLNamedType = start;
  const open: string[] = [];
  for (let i = 0; i < depth; i++) {
    const next: GraphQLField<unknown, unknown>[] = fieldsOf(t).filter(
      (f) => !isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)) && fieldsOf(getNamedType(f.type)).length,
    );
    if (!next.length) break;
    const f: GraphQLField<unknown, unknown> = pick(g, next);
    open.push(f.name);
    t = getNamedType(f.type);
  }
  return `${open.join(' { ')} { __typename }${' }'.repeat(Math.max(0, open.length - 1))}`;
}

function documentCase(g: Gen, schema: GraphQLSchema, pools: FuzzPools, role: Role, o: FuzzOptions): Built {
  const itemId = pools.itemIds.length ? pick(g, pools.itemIds) : '00000000-0000-0000-0000-000000000000';
  const cheap =
    role === 'client'
      ? 'feed(surface: "home", userId: "alias-flood") { requestId }'
      : pick(g, ['__typename', 'contentKinds { key label }', 'timeZones', 'me { id }', 'accessRules { field }']);
  const shape = pick(g, [
    'bomb',
    'bomb',
    'deep',
    'wide',
    'aliases',
    'directives',
    'tokens',
    'deep-literal',
    'deep-json-variable',
    'bad-variables',
    'bad-body',
    'nested-relations',
    'huge-body',
  ] as const);
  const json = (query: string, variables: unknown = {}) => JSON.stringify({ query, variables });
  switch (shape) {
    case 'bomb': {
      const level = g(uniform, 1, o.maxBombLevel);
      const variant = pick(g, ['query', 'query', 'fanout3', 'nested', 'mutation'] as const);
      if (variant === 'fanout3') {
        const l = Math.min(level, 19);
        return { label: `fragment bomb F${l} x3`, shape, body: json(bomb(l, 3, 'Query', 'query { SPREAD }')) };
      }
      if (variant === 'nested')
        return { label: `fragment bomb F${level} on Item`, shape, body: json(bomb(level, 2, 'Item', `query { item(id: "${itemId}") { SPREAD } }`)) };
      if (variant === 'mutation')
        return { label: `fragment bomb F${level} on Mutation`, shape, body: json(bomb(level, 2, 'Mutation', 'mutation { SPREAD }')), mutation: { fields: 2 } };
      return { label: `fragment bomb F${level}`, shape, body: json(bomb(level, 2, 'Query', 'query { SPREAD }')) };
    }
    case 'deep': {
      const depth = g(fc.integer, { min: 8, max: 80 });
      const start = pick(g, ['item', 'release'] as const);
      const root = start === 'item' ? `item(id: "${itemId}")` : `release(id: "${pools.releaseIds[0] ?? itemId}")`;
      const chain = deepChain(g, schema.getType(start === 'item' ? 'Item' : 'Release') as GraphQLObjectType, depth);
      return { label: `deep selection ~${depth}`, shape, body: json(`query { ${root} { ${chain} } }`) };
    }
    case 'wide': {
      const n = g(fc.integer, { min: 1000, max: 90_000 });
      const field = pick(g, ['__typename', 'me { id }', 'timeZones']);
      return { label: `wide ${n} x ${field.split(' ')[0]}`, shape, body: json(`query { ${`${field} `.repeat(n)} }`) };
    }
    case 'aliases': {
      const n = g(fc.integer, { min: 100, max: role === 'client' ? 1000 : 5000 });
      const body = Array.from({ length: n }, (_, i) => `a${i}: ${cheap}`).join(' ');
      return { label: `alias flood ${n} x ${cheap.split(/[ ({]/)[0]}`, shape, body: json(`query { ${body} }`) };
    }
    case 'directives': {
      const n = g(fc.integer, { min: 100, max: 40_000 });
      const d = pick(g, ['@include(if: true) ', '@skip(if: false) ', '@deprecated ', '@zz ']);
      return { label: `directive flood ${n} x ${d.trim()}`, shape, body: json(`query { __typename ${d.repeat(n)}}`) };
    }
    case 'tokens': {
      const n = g(fc.integer, { min: 5000, max: 80_000 });
      const v = pick(g, ['variables', 'arguments', 'commas'] as const);
      if (v === 'variables')
        return {
          label: `${n} variable definitions`,
          shape,
          body: json(`query Q(${Array.from({ length: Math.min(n, 40000) }, (_, i) => `$v${i}: Int`).join(' ')}) { __typename }`),
        };
      if (v === 'arguments')
        return { label: `${n} list items in an argument`, shape, body: json(`query { releases(statuses: [${'draft '.repeat(n)}]) { id } }`) };
      return { label: `${n} commas`, shape, body: json(`query { ${','.repeat(n * 10)} __typename }`) };
    }
    case 'deep-literal': {
      const n = g(fc.integer, { min: 500, max: 200_000 });
      const kind = pick(g, ['list', 'object'] as const);
      const value = kind === 'list' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{a: '.repeat(n)}1${'}'.repeat(n)}`;
      return {
        label: `literal nested ${n} deep (${kind})`,
        shape,
        body: json(`mutation { evaluatePolicy(surface: "home", target: LIVE, config: ${value}) { id } }`),
        mutation: { fields: 1 },
      };
    }
    case 'deep-json-variable': {
      const n = g(fc.integer, { min: 500, max: 150_000 });
      const body = `{"query":"mutation($c: JSON) { evaluatePolicy(surface: \\"home\\", target: LIVE, config: $c) { id } }","variables":{"c":${'['.repeat(n)}1${']'.repeat(n)}}}`;
      return { label: `JSON variable nested ${n} deep`, shape, body, mutation: { fields: 1 } };
    }
    case 'bad-variables': {
      const v = pick(g, [
        { q: 'mutation($n: String!) { createApiKey(name: $n) { secret } }', vars: { n: { a: 1 } }, m: true },
        { q: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', vars: { e: { a: 1 }, p: [1] }, m: true },
        { q: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', vars: { e: 'x\u0000@y', p: '\ud800' }, m: true },
        { q: 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId } }', vars: { s: ['home'], u: { id: 1 } }, m: false },
        { q: 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId } }', vars: { s: 'home', u: 'nul\u0000user' }, m: false },
        { q: 'query($n: Int) { items(first: $n) { totalCount } }', vars: { n: 'ten' }, m: false },
        { q: 'query($n: Int) { items(first: $n) { totalCount } }', vars: { n: 1e12 }, m: false },
        { q: 'query { items(first: $undeclared) { totalCount } }', vars: { undeclared: 1 }, m: false },
        { q: 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted } }', vars: { e: 'not a list' }, m: true },
        {
          q: 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted } }',
          vars: { e: [{ eventId: { x: 1 }, type: 'OPEN', trackingToken: 1, occurredAt: 'x' }] },
          m: true,
        },
        { q: 'query($i: ID!) { item(id: $i) { id } }', vars: { i: 2 ** 64 }, m: false },
      ]);
      return {
        label: `bad variables: ${v.q.slice(0, 40)}`,
        shape,
        body: JSON.stringify({ query: v.q, variables: v.vars }),
        mutation: v.m ? { fields: 1 } : undefined,
      };
    }
    case 'bad-body': {
      const v = pick(g, [
        { label: 'invalid JSON', body: '{"query": "{ __typename }"' },
        { label: 'JSON array (batch)', body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) },
        { label: 'query is a number', body: '{"query": 1}' },
        { label: 'query is null', body: '{"query": null}' },
        { label: 'empty object', body: '{}' },
        { label: 'unknown operationName', body: JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'C' }) },
        { label: 'two operations, no name', body: JSON.stringify({ query: 'query A { __typename } query B { __typename }' }) },
        { label: 'persisted query hash', body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }) },
        { label: 'text/plain (CSRF)', body: JSON.stringify({ query: 'mutation { logout }' }), contentType: 'text/plain' },
        { label: 'GET mutation', body: '', method: 'GET', path: `/graphql?query=${encodeURIComponent('mutation { logout }')}` },
        { label: 'GET query without preflight header', body: '', method: 'GET', path: `/graphql?query=${encodeURIComponent('{ __typename }')}` },
        { label: 'NUL in operationName', body: JSON.stringify({ query: '{ __typename }', operationName: 'a\u0000' }) },
        { label: 'raw NUL in document', body: JSON.stringify({ query: '{ __typename \u0000 }' }) },
        { label: 'lone surrogate in document', body: JSON.stringify({ query: '{ itemBySlug(slug: "\ud800") { id } }' }) },
        { label: '__proto__ variables', body: '{"query":"{ __typename }","variables":{"__proto__":{"polluted":1}}}' },
        { label: 'urlencoded body', body: 'query=%7B__typename%7D', contentType: 'application/x-www-form-urlencoded' },
      ]);
      return {
        label: `bad body: ${v.label}`,
        shape,
        body: v.body,
        contentType: v.contentType,
        method: v.method,
        path: v.path,
        mutation: v.body.includes('mutation') ? { fields: 1 } : undefined,
      };
    }
    case 'nested-relations': {
      const levels = g(fc.integer, { min: 2, max: 3 });
      let inner = 'id';
      for (let i = 0; i < levels; i++) inner = `releases { actions { item { ${inner} } } }`;
      const root = pct(g) < 50 ? `item(id: "${itemId}") { ${inner} }` : `items(first: 50) { edges { node { ${inner} } } }`;
      return { label: `nested relations x${levels}`, shape, body: json(`query { ${root} }`) };
    }
    case 'huge-body': {
      const size = g(fc.integer, { min: 900_000, max: 1_100_000 });
      const v = pick(g, ['string-variable', 'document'] as const);
      if (v === 'string-variable')
        return {
          label: `${Math.round(size / 1000)} KB string variable`,
          shape,
          body: JSON.stringify({ query: 'query($s: String!) { itemBySlug(slug: $s) { id } }', variables: { s: 'z'.repeat(size) } }),
        };
      return { label: `${Math.round(size / 1000)} KB document`, shape, body: json(`query { ${'__typename '.repeat(Math.floor(size / 11))}}`) };
    }
  }
}

/** A well-formed value of the type, from the pools: the background against which one bad string stands out. */
function cleanValue(type: GraphQLInputType, pools: FuzzPools, hint: string, depth = 0): unknown {
  if (isNonNullType(type)) return cleanValue(type.ofType, pools, hint, depth);
  if (isListType(type)) return [cleanValue(type.ofType, pools, hint, depth)];
  if (isEnumType(type)) return type.getValues()[0]?.name;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    if (depth < 4)
      for (const f of Object.values(type.getFields()))
        if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = cleanValue(f.type, pools, f.name, depth + 1);
    return out;
  }
  switch (getNamedType(type).name) {
    case 'ID': {
      const n = hint.toLowerCase();
      return (n.includes('release') ? pools.releaseIds[0] : n.includes('item') ? pools.itemIds[0] : undefined) ?? '00000000-0000-4000-8000-000000000000';
    }
    case 'String':
      return poolFor(hint, pools)[0];
    case 'Int':
      return 1;
    case 'Float':
      return 0.5;
    case 'Boolean':
      return false;
    case 'DateTime':
      return new Date(Date.now() + 86400_000).toISOString();
    case 'JSON':
      return {};
    default:
      return 'x';
  }
}

const isText = (t: GraphQLInputType) => ['String', 'ID'].includes(getNamedType(t).name);

/** One probe per String/ID position of every operation, per bad value; run as admin so access never answers first. */
export function hygieneCases(schema: GraphQLSchema, pools: FuzzPools, mode: 'full' | 'variables'): Built[] {
  const out: Built[] = [];
  const variants = [
    { name: 'NUL in a variable', bad: 'a\u0000b', literal: false },
    ...(mode === 'full'
      ? [
          { name: 'lone surrogate in a variable', bad: 'a\ud800b', literal: false },
          { name: 'NUL in a literal', bad: 'a\u0000b', literal: true },
        ]
      : []),
  ];
  for (const [kind, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const targets: { arg: string; sub?: string; list: boolean; inList: boolean }[] = [];
      for (const a of field.args) {
        const inner = isNonNullType(a.type) ? a.type.ofType : a.type;
        if (isText(a.type)) targets.push({ arg: a.name, list: isListType(inner), inList: false });
        const named = getNamedType(a.type);
        if (isInputObjectType(named)) {
          for (const f of Object.values(named.getFields())) {
            const fi = isNonNullType(f.type) ? f.type.ofType : f.type;
            if (isText(f.type)) targets.push({ arg: a.name, sub: f.name, list: isListType(fi), inList: isListType(inner) });
          }
        }
      }
      for (const t of targets) {
        for (const v of variants) {
          const values: Record<string, unknown> = {};
          for (const a of field.args) if (isNonNullType(a.type) || a.name === t.arg) values[a.name] = cleanValue(a.type, pools, a.name);
          const bad = t.list ? [v.bad] : v.bad;
          if (t.sub) {
            const holder = (t.inList ? (values[t.arg] as Record<string, unknown>[])[0] : values[t.arg]) as Record<string, unknown>;
            holder[t.sub] = bad;
          } else values[t.arg] = bad;
          const args = field.args.filter((a) => a.name in values);
          const sel = isLeafType(getNamedType(field.type)) ? '' : '{ __typename }';
          const query = v.literal
            ? `${kind} { ${field.name}(${args.map((a) => `${a.name}: ${lit(values[a.name], a.type)}`).join(', ')}) ${sel} }`
            : `${kind}(${args.map((a, i) => `$v${i}: ${typeString(a.type)}`).join(', ')}) { ${field.name}(${args.map((a, i) => `${a.name}: $v${i}`).join(', ')}) ${sel} }`;
          const variables = v.literal ? {} : Object.fromEntries(args.map((a, i) => [`v${i}`, values[a.name]]));
          out.push({
            label: `hygiene ${kind}.${field.name}(${t.arg}${t.sub ? `.${t.sub}` : ''}): ${v.name}`,
            shape: 'hygiene',
            body: JSON.stringify({ query, variables }),
            mutation: kind === 'mutation' ? { fields: 1 } : undefined,
            expectBadInput: true,
          });
        }
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------------- runner

function excerpt(s: string, n = 240): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;
}

export function emptyStats(seed: number, operationsInSchema: number): FuzzStats {
  return {
    seed,
    requests: 0,
    operationsCovered: 0,
    operationsInSchema,
    byStatus: {},
    byCode: {},
    byShape: {},
    http5xx: [],
    internal: [],
    noAnswer: [],
    refusals: 0,
    refusalsWithoutTiming: 0,
    refusalsOverBudget: [],
    refusalsOverBudgetOnce: 0,
    refusalServerMs: [],
    freezes: [],
    mutationsChecked: 0,
    halfWrites: [],
    hygieneProbes: 0,
    hygieneMisses: [],
    relogins: 0,
    live: { probes: 0, slow: 0, failed: 0, maxMs: 0 },
  };
}

/** A refusal: answered 4xx before any resolver ran (no error points at a field, unless access was denied). */
export function isRefusal(a: Answer): boolean {
  if (!REFUSAL_STATUSES.has(a.status)) return false;
  const errors = a.body?.errors ?? [];
  return errors.every((e) => !e.path || e.extensions?.accessDenied === true);
}

/** Errors that say the mutation itself did not happen (on the root field, or before execution). */
function rootFailed(a: Answer): boolean {
  if (a.status === 0) return true;
  const errors = a.body?.errors ?? [];
  if (!errors.length) return a.status >= 400;
  return errors.some((e) => !e.path || e.path.length <= 1);
}

class LiveProber {
  private timer: NodeJS.Timeout | null = null;
  private paused = false;
  private stopped = false;
  constructor(
    private readonly url: () => string,
    private readonly stats: FuzzStats,
  ) {}
  start() {
    const tick = async () => {
      if (!this.paused) {
        const t = performance.now();
        try {
          const r = await fetch(`${this.url()}/health/live`, { signal: AbortSignal.timeout(1000) });
          await r.text();
          const ms = performance.now() - t;
          this.stats.live.probes++;
          this.stats.live.maxMs = Math.max(this.stats.live.maxMs, Math.round(ms));
          if (!r.ok) this.stats.live.failed++;
          else if (ms > 1000) this.stats.live.slow++;
        } catch {
          if (!this.paused) {
            this.stats.live.probes++;
            this.stats.live.failed++;
            this.stats.live.maxMs = Math.max(this.stats.live.maxMs, Math.round(performance.now() - t));
          }
        }
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), 250);
    };
    void tick();
  }
  pause(p: boolean) {
    this.paused = p;
  }
  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

export async function runFuzz(schema: GraphQLSchema, pools: FuzzPools, target: FuzzTarget, o: FuzzOptions, roles: Role[] = ROLES): Promise<FuzzStats> {
  const ops: { kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }[] = [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: 'query' as const, field })),
    ...Object.values(schema.getMutationType()?.getFields() ?? {}).map((field) => ({ kind: 'mutation' as const, field })),
  ];
  const stats = emptyStats(o.seed, ops.length);
  const covered = new Set<string>();
  const prober = new LiveProber(() => target.url(), stats);
  prober.start();
  const log = o.log ?? (() => undefined);

  const execute = async (role: Role, b: Built): Promise<void> => {
    let before = b.mutation ? await target.fingerprint() : null;
    let a = await send(target.url(), {
      body: b.body,
      creds: target.creds(role),
      contentType: b.contentType,
      method: b.method,
      path: b.path,
      timeoutMs: o.timeoutMs,
    });
    // A fuzzed logout or password reset may end our own session: sign in again and repeat, so roles stay honest.
    if ((role === 'admin' || role === 'analyst') && a.status === 401 && codesOf(a).includes('UNAUTHENTICATED') && /session/i.test(a.text)) {
      stats.relogins++;
      await target.refresh(role);
      // Signing in writes the user's row (last_login_at, updated_at): that write is ours, not the mutation's.
      before = b.mutation ? await target.fingerprint() : null;
      a = await send(target.url(), {
        body: b.body,
        creds: target.creds(role),
        contentType: b.contentType,
        method: b.method,
        path: b.path,
        timeoutMs: o.timeoutMs,
      });
    }
    stats.requests++;
    stats.byShape[b.shape] = (stats.byShape[b.shape] ?? 0) + 1;
    stats.byStatus[a.status] = (stats.byStatus[a.status] ?? 0) + 1;
    const codes = codesOf(a);
    for (const c of new Set(codes)) stats.byCode[c] = (stats.byCode[c] ?? 0) + 1;
    if (process.env.ABUSE_TRACE)
      process.stdout.write(`TRACE ${role} ${b.label} ${a.status} ${codes.join(',')} ${a.body?.errors?.[0]?.message?.slice(0, 160) ?? ''}\n`);
    const sample = (extra: Partial<Sample> = {}): Sample => ({
      label: b.label,
      role,
      status: a.status,
      codes: [...new Set(codes)].slice(0, 5),
      serverMs: a.serverMs,
      clientMs: Math.round(a.clientMs),
      bytes: a.bytesSent,
      message: a.networkError ?? a.body?.errors?.[0]?.message?.slice(0, 200) ?? (a.body ? undefined : excerpt(a.text, 200)),
      query: excerpt(b.body),
      ...extra,
    });
    if (a.status >= 500) stats.http5xx.push(sample());
    if (codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('(no code)')) stats.internal.push(sample());
    if (a.status === 0) {
      stats.noAnswer.push(sample());
      // Frozen? If /health/live does not answer either, the API is stuck on this request: count it and restart it.
      const live = await fetch(`${target.url()}/health/live`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (!live) {
        stats.freezes.push(sample());
        log(`API frozen by "${b.label}" (${role}); restarting it`);
        prober.pause(true);
        await target.restartApi();
        prober.pause(false);
        for (const r of ['admin', 'analyst'] as Role[]) await target.refresh(r);
      }
    }
    if (before && (a.body?.errors?.length || a.status >= 400 || a.status === 0) && (b.mutation!.fields === 1 || isRefusal(a)) && rootFailed(a)) {
      stats.mutationsChecked++;
      const after = await target.fingerprint();
      const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
      if (changed.length) stats.halfWrites.push(sample({ tables: changed }));
    }
    if (b.expectBadInput) {
      stats.hygieneProbes++;
      const typed = (a.body?.errors ?? []).some(
        (e) => e.extensions?.code === 'BAD_USER_INPUT' && Array.isArray(e.extensions.problems) && e.extensions.problems.length > 0,
      );
      if (a.status !== 400 || !typed) stats.hygieneMisses.push(sample());
    }
    if (isRefusal(a)) {
      stats.refusals++;
      if (a.serverMs === null) stats.refusalsWithoutTiming++;
      else {
        // A shared machine deschedules the API now and then: a refusal over budget is sent twice more, 150 ms apart,
        // and keeps its fastest time. Slowness that comes from the input stays; a scheduler hiccup does not.
        let best = a.serverMs;
        for (let i = 0; i < 2 && best > REFUSAL_BUDGET_MS; i++) {
          await sleep(150); // out of the busy spell, if that is what it was
          const again = await send(target.url(), {
            body: b.body,
            creds: target.creds(role),
            contentType: b.contentType,
            method: b.method,
            path: b.path,
            timeoutMs: o.timeoutMs,
          });
          if (isRefusal(again) && again.serverMs !== null) best = Math.min(best, again.serverMs);
        }
        stats.refusalServerMs.push(best);
        if (a.serverMs > REFUSAL_BUDGET_MS) stats.refusalsOverBudgetOnce++;
        if (best > REFUSAL_BUDGET_MS) stats.refusalsOverBudget.push(sample({ serverMs: best, firstServerMs: a.serverMs }));
      }
    }
  };

  try {
    // 1. Every operation, for every role, with generated arguments and selections.
    let n = 0;
    for (const role of roles) {
      for (const op of ops) {
        await fc.assert(
          fc.asyncProperty(fc.gen(), async (g) => {
            await execute(role, operationCase(g, schema, pools, op.kind, op.field, o.maxBodyBytes));
            covered.add(`${op.kind}.${op.field.name}`);
          }),
          { numRuns: o.runsPerOperation, seed: o.seed + n++, endOnFailure: true },
        );
      }
      log(`fuzz: ${role}: ${ops.length} operations x ${o.runsPerOperation} done (${stats.requests} requests so far)`);
    }
    // 2. Text hygiene probes, as admin.
    if (o.hygiene !== 'off') {
      const cases = hygieneCases(schema, pools, o.hygiene);
      for (const c of cases) await execute('admin', c);
      log(`fuzz: ${cases.length} text hygiene probes done (${stats.requests} requests so far)`);
    }
    // 3. Whole-document attacks, for every role.
    for (const role of roles) {
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          await execute(role, documentCase(g, schema, pools, role, o));
        }),
        { numRuns: o.documentRuns, seed: o.seed + 10_000 + n++, endOnFailure: true },
      );
      log(`fuzz: ${role}: ${o.documentRuns} document attacks done (${stats.requests} requests so far)`);
    }
  } finally {
    prober.stop();
  }
  stats.operationsCovered = covered.size;
  await sleep(0);
  return stats;
}
