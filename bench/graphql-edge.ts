/**
 * GraphQL edge benchmark: how long the edge takes to refuse hostile documents and variables of up to 1 MB, in
 * process, each against two baselines measured in the same run: JSON.parse of a 1 MB body (what any server pays
 * before the edge sees anything) and graphql-js parsing `{ __typename }`. Writes bench/results/graphql-edge.json.
 * Run compiled: npm run -s build:server && node dist/bench/graphql-edge.js
 */
import { Kind, OperationDefinitionNode, buildSchema, parse } from 'graphql';
import { checkQuerySource, inspectInputs, QueryLimits } from '@marquee/platform-api';
import { log, machine, median, percentile, round, table, writeResult } from './lib/common';

const LIMITS: QueryLimits = {
  maxDepth: 12,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 1000,
  maxFragments: 100,
  maxFields: 300,
  listSize: 10,
};
const REPS = Number(process.env.BENCH_EDGE_REPS ?? 200);
const TARGET_MS = 10;

const schema = buildSchema(`
  scalar JSON
  input ItemInput { slug: String! attributes: JSON }
  type Item { id: ID! }
  type Query { itemBySlug(slug: String!): Item }
  type Mutation { createItem(input: ItemInput!): Item setSurfaceFallback(key: String!, itemIds: [ID!]!): Item }
`);

function bomb(levels: number): string {
  let doc = `query{...F${levels}} fragment F0 on Query{__typename}`;
  for (let i = 1; i <= levels; i++) doc += ` fragment F${i} on Query{...F${i - 1} ...F${i - 1}}`;
  return doc;
}

/** The edge's variable checks for one request body (variables as sent), as the Apollo plugin runs them. */
function checkVariables(query: string, variables: Record<string, unknown>): string {
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const problems = inspectInputs(schema, doc, op, variables, { opaqueIds: new Set() });
  return problems.length ? `refused: ${problems[0].field.slice(0, 24)}` : 'accepted';
}

function time(fn: () => unknown): { result: unknown; samples: number[] } {
  let result: unknown;
  for (let i = 0; i < 10; i++) result = fn(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = process.hrtime.bigint();
    result = fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { result, samples };
}

function main(): void {
  const m = machine();
  log(`GraphQL edge benchmark, ${REPS} repetitions each; load average ${m.loadAverage1m} on ${m.cpus} cores`);
  const ids = Array.from({ length: 25_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  ids[ids.length - 1] = 'not-a-uuid';
  let deep: unknown = 'leaf';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const oneMbBody = JSON.stringify({ query: `{ itemBySlug(slug: "${'x'.repeat(1_000_000)}") { id } }` });

  // Every input is built before timing starts, so only the edge's own work is measured.
  const f22 = bomb(22);
  const f40 = bomb(40);
  const f40Padded = f40.padEnd(1_000_000, ' ');
  const tokens = `{ ${'__typename '.repeat(95_000)} }`;
  const aliases1000 = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
  const aliases100 = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
  const literal = `{ itemBySlug(slug: "${'x'.repeat(1_000_000)}") { id } }`;
  const literal99k = `{ itemBySlug(slug: "${'x'.repeat(99_000)}") { id } }`;
  const nulString = 'x'.repeat(999_999) + '\u0000';
  const cases: [string, number, () => unknown][] = [
    ['baseline: JSON.parse of a 1 MB body', oneMbBody.length, () => JSON.parse(oneMbBody)],
    ['baseline: parse "{ __typename }"', 14, () => parse('{ __typename }')],
    ['F22 fragment bomb (the issue)', f22.length, () => checkQuerySource(f22, LIMITS)?.rule],
    ['F40 fragment bomb', f40.length, () => checkQuerySource(f40, LIMITS)?.rule],
    ['F40 bomb padded to 1 MB', f40Padded.length, () => checkQuerySource(f40Padded, LIMITS)?.rule],
    ['1 MB of tokens', tokens.length, () => checkQuerySource(tokens, LIMITS)?.rule],
    ['1,000 aliases', aliases1000.length, () => checkQuerySource(aliases1000, LIMITS)?.rule],
    ['100 aliases', aliases100.length, () => checkQuerySource(aliases100, LIMITS)?.rule],
    ['1 MB string literal', literal.length, () => checkQuerySource(literal, LIMITS)?.rule ?? 'accepted'],
    ['99 kB string literal (accepted)', literal99k.length, () => checkQuerySource(literal99k, LIMITS)?.rule ?? 'accepted'],
    [
      '1 MB of ids, the last malformed',
      JSON.stringify(ids).length,
      () => checkVariables('mutation($ids: [ID!]!) { setSurfaceFallback(key: "k", itemIds: $ids) { id } }', { ids }),
    ],
    ['1 MB string with a NUL at the end', nulString.length, () => checkVariables('query($s: String!) { itemBySlug(slug: $s) { id } }', { s: nulString })],
    [
      'JSON nested 100,000 deep',
      200_000,
      () => checkVariables('mutation($i: ItemInput!) { createItem(input: $i) { id } }', { i: { slug: 's', attributes: deep } }),
    ],
  ];

  const rows: { case: string; bytes: number; outcome: string; medianMs: number; p99Ms: number; maxMs: number }[] = [];
  for (const [name, bytes, fn] of cases) {
    const { result, samples } = time(fn);
    rows.push({
      case: name,
      bytes,
      outcome: String(result === undefined ? 'accepted' : typeof result === 'object' ? 'parsed' : result),
      medianMs: round(median(samples), 3),
      p99Ms: round(percentile(samples, 0.99), 3),
      maxMs: round(Math.max(...samples), 3),
    });
  }
  console.log(
    table(
      ['case', 'bytes', 'outcome', 'median ms', 'p99 ms', 'max ms'],
      rows.map((r) => [r.case, r.bytes, r.outcome, r.medianMs, r.p99Ms, r.maxMs]),
    ),
  );
  const refusals = rows.filter((r) => !r.case.startsWith('baseline') && r.outcome !== 'accepted');
  const worstP99 = Math.max(...refusals.map((r) => r.p99Ms));
  const file = writeResult('graphql-edge', {
    date: new Date().toISOString(),
    machine: m,
    loadAverageAfter: machine().loadAverage1m,
    repetitions: REPS,
    limits: LIMITS,
    rows,
    targets: { refusalP99Ms: TARGET_MS },
    met: { refusalP99Ms: worstP99 <= TARGET_MS },
    worstRefusalP99Ms: worstP99,
  });
  log(`worst refusal p99 ${worstP99} ms (target ${TARGET_MS} ms); wrote ${file}`);
}

main();
