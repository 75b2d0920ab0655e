import { Kind, OperationDefinitionNode, buildSchema, parse } from 'graphql';
import { QueryLimits, checkDocumentLimits, checkQuerySource, limitError, measureDocument, operationCost, tokenLimitFromMessage } from './limits';

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

/** `fragment F0 on Query { __typename } fragment Fi on Query { ...F(i-1) ...F(i-1) }`: expands to 2^levels spreads. */
function fragmentBomb(levels: number): string {
  let doc = `query Bomb { ...F${levels} } fragment F0 on Query { __typename }`;
  for (let i = 1; i <= levels; i++) doc += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
  return doc;
}

function ms(start: bigint): string {
  return (Number(process.hrtime.bigint() - start) / 1e6).toFixed(2);
}

describe('measureDocument: what an operation expands to, each fragment walked once', () => {
  it('counts depth, fields, aliases and directives, with fragments counted at each spread', () => {
    const m = measureDocument(
      parse(`{
        a: item(id: "x") { id releases @include(if: true) { ...R } }
        b: item(id: "y") { ...I }
      }
      fragment I on Item { id releases { ...R } }
      fragment R on Release { id actions { item { id } } }`),
    );
    // item > releases > actions > item > id: five levels, reached through two fragments.
    expect(m).toEqual({ depth: 5, fields: 14, fragments: 3, aliases: 2, directives: 1 });
  });

  it('does not count introspection fields towards depth, but does count them as fields', () => {
    const m = measureDocument(parse('{ __typename item(id: "x") { __typename id } __schema { types { name } } }'));
    expect(m.depth).toBe(2);
    expect(m.fields).toBe(7);
  });

  it('measures a 40-level fragment bomb (2^40 spreads) without expanding it', () => {
    const source = fragmentBomb(40);
    const start = process.hrtime.bigint();
    const m = measureDocument(parse(source));
    console.log(`40-level fragment bomb (${source.length} bytes) measured in ${ms(start)} ms: ${JSON.stringify(m)}`);
    expect(m.fragments).toBe(2 ** 41 - 1);
    expect(m.fields).toBe(2 ** 40);
  });

  it('terminates on fragment cycles (validation refuses them later)', () => {
    const m = measureDocument(parse('{ ...A } fragment A on Query { me { id } ...B } fragment B on Query { ...A __typename }'));
    expect(m.fragments).toBe(3);
    expect(m.fields).toBe(3);
  });

  it('takes the worst operation of a document with several', () => {
    const m = measureDocument(parse('query A { me { id } } query B { a: me { id } b: me { id } }'));
    expect(m).toMatchObject({ depth: 2, fields: 4, aliases: 2 });
  });
});

describe('checkQuerySource: the refusal, before any server parses the document for real', () => {
  it('refuses a fragment bomb as QUERY_TOO_COMPLEX (fragments), with the figures', () => {
    const start = process.hrtime.bigint();
    const v = checkQuerySource(fragmentBomb(45), LIMITS);
    console.log(`45-level fragment bomb refused in ${ms(start)} ms`);
    expect(v).toEqual({ rule: 'fragments', value: 2 ** 46 - 1, max: 100 });
    const e = limitError(v!);
    expect(e.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule: 'fragments', value: 2 ** 46 - 1, max: 100, http: { status: 400 } });
    expect(e.message).toMatch(/expands to 70368744177663 fragment spreads; the limit is 100/);
  });

  it('keeps the value a JSON number when the expansion is astronomically large', () => {
    const v = checkQuerySource(fragmentBomb(120), { ...LIMITS, maxTokens: 5000 });
    const e = limitError(v!);
    expect(e.extensions.value).toBe(Number.MAX_SAFE_INTEGER);
    expect(e.message).toMatch(/more than 9007199254740991 fragment spreads/);
  });

  it('refuses 1,000 aliases (aliases), deep nesting (QUERY_TOO_DEEP) and a flood of plain fields (fields)', () => {
    const aliases = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(checkQuerySource(aliases, { ...LIMITS, maxTokens: 10_000 })).toEqual({ rule: 'aliases', value: 1000, max: 15 });
    // item > releases > actions, four times, then id: 13 levels.
    const deep = `{ item(id: "x") { ${'releases { actions { item { '.repeat(3)}releases { actions { id }${' } } }'.repeat(3)} } } }`;
    const v = checkQuerySource(deep, LIMITS)!;
    expect(v).toEqual({ rule: 'depth', value: 13, max: 12 });
    expect(limitError(v).extensions.code).toBe('QUERY_TOO_DEEP');
    expect(limitError(v).message).toBe('This query nests 13 levels deep; the limit is 12. Split it into smaller queries.');
    expect(checkQuerySource(`{ ${'__typename '.repeat(400)} }`, LIMITS)).toEqual({ rule: 'fields', value: 400, max: 300 });
    expect(checkQuerySource(`{ me @skip(if: false) ${'@include(if: true) '.repeat(60)} { id } }`, LIMITS)).toMatchObject({ rule: 'directives', value: 61 });
  });

  it('refuses a 1 MB document by its tokens, and one of few tokens but over 100 characters per token unread', () => {
    const tokens = `{ ${'__typename '.repeat(95_000)} }`;
    expect(tokens.length).toBeGreaterThan(1_000_000);
    let start = process.hrtime.bigint();
    expect(checkQuerySource(tokens, LIMITS)).toEqual({ rule: 'tokens', value: 1001, max: 1000 });
    console.log(`1 MB of tokens refused in ${ms(start)} ms`);
    // Under the length cap the parser still stops at the 1001st token.
    expect(checkQuerySource(`{ ${'__typename '.repeat(1500)} }`, LIMITS)).toEqual({ rule: 'tokens', value: 1001, max: 1000 });

    const bomb = fragmentBomb(40).padEnd(1_000_000, ' ');
    start = process.hrtime.bigint();
    expect(checkQuerySource(bomb, LIMITS)).toEqual({ rule: 'tokens', value: 1001, max: 1000 });
    console.log(`1 MB padded fragment bomb refused in ${ms(start)} ms`);

    const literal = `{ itemBySlug(slug: "${'x'.repeat(1_000_000)}") { id } }`;
    expect(checkQuerySource(literal, LIMITS)).toEqual({ rule: 'tokens', value: 1001, max: 1000 });
    expect(limitError(checkQuerySource(literal, LIMITS)!).message).toBe(
      'This query is longer than the limit of 1000 tokens (or 100000 characters). Pass long values as variables, or split the query.',
    );
    const fits = `{ itemBySlug(slug: "${'x'.repeat(99_000)}") { id } }`;
    start = process.hrtime.bigint();
    expect(checkQuerySource(fits, LIMITS)).toBeNull();
    console.log(`99 kB string literal checked (accepted) in ${ms(start)} ms`);
  });

  it('leaves other syntax errors to the server, and reads the parser’s own token message', () => {
    expect(checkQuerySource('{ items( ', LIMITS)).toBeNull();
    expect(tokenLimitFromMessage('Syntax Error: Document contains more that 1000 tokens. Parsing aborted.')).toEqual({
      rule: 'tokens',
      value: 1001,
      max: 1000,
    });
    expect(tokenLimitFromMessage('Syntax Error: Unexpected "}".')).toBeNull();
  });

  it('accepts every limit exactly at its maximum', () => {
    const at = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(checkDocumentLimits(parse(at), LIMITS)).toBeNull();
  });
});

describe('operationCost: nested lists multiply', () => {
  const schema = buildSchema(`
    type Query {
      item(id: ID!): Item
      items(first: Int, after: String): ItemConnection!
      deliveries(limit: Int = 20): [Delivery!]!
      releases: [Release!]!
    }
    type ItemConnection { totalCount: Int! edges: [ItemEdge!]! }
    type ItemEdge { cursor: String! node: Item! }
    type Item { id: ID! topics: [String!]! releases: [Release!]! }
    type Release { id: ID! actions: [Action!]! }
    type Action { id: ID! item: Item! }
    type Delivery { id: ID! }
  `);
  const cost = (query: string, variables: Record<string, unknown> = {}, listSize = 10) => {
    const doc = parse(query);
    const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    return operationCost(schema, doc, op, variables, { listSize });
  };

  it('prices an unbounded relation list at listSize items, level by level', () => {
    // item 1 + releases (1 + 10 × (actions 1 + 10 × (item 1 + id 1)))
    expect(cost('{ item(id: "x") { releases { actions { item { id } } } } }')).toBe(1 + (1 + 10 * (1 + 10 * (1 + 1))));
    // Three round trips through the relation: about listSize^6, where addition would give a few dozen.
    const chain = '{ item(id: "x") { releases { actions { item { releases { actions { item { releases { actions { item { id } } } } } } } } } } }';
    expect(cost(chain)).toBe(2_121_212);
    expect(cost(chain, {}, 2)).toBe(212);
  });

  it('prices a connection by its page size once (the page applies to the list inside it)', () => {
    // items 1 + totalCount 1 + edges (1 + 5 × (node 1 + id 1))
    expect(cost('{ items(first: 5) { totalCount edges { node { id } } } }')).toBe(1 + 1 + 1 + 5 * 2);
    expect(cost('query($n: Int) { items(first: $n) { edges { node { id } } } }', { n: 100 })).toBe(1 + 1 + 100 * 2);
    // Left out: the assumed default page (50); a declared default counts as given.
    expect(cost('{ items { edges { node { id } } } }')).toBe(1 + 1 + 50 * 2);
    expect(cost('{ deliveries { id } }')).toBe(1 + 20 * 1);
    expect(cost('{ deliveries(limit: 3) { id } }')).toBe(1 + 3);
  });

  it('prices each fragment once per page context, and ignores introspection', () => {
    const viaFragments = cost(
      '{ items(first: 5) { ...C } releases { ...R } __typename } fragment C on ItemConnection { edges { node { id } } } fragment R on Release { id }',
    );
    expect(viaFragments).toBe(1 + (1 + 5 * 2) + (1 + 10 * 1));
    expect(cost('{ __schema { types { fields { name } } } }')).toBe(0);
  });

  it('prices a fragment bomb without expanding it', () => {
    let doc = 'query { ...F40 } fragment F0 on Query { releases { id } }';
    for (let i = 1; i <= 40; i++) doc += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    expect(cost(doc)).toBe(2 ** 40 * 11);
  });
});
