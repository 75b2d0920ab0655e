import { Kind, OperationDefinitionNode, buildSchema, parse } from 'graphql';
import { MAX_INPUT_DEPTH, inputProblemsError, inspectInputs, textProblem } from './inputs';

const schema = buildSchema(`
  scalar JSON
  input ItemFilter { ids: [ID!] text: String }
  input Pin { itemId: ID! position: Int! }
  input Persona { userId: ID! locale: String }
  input ItemInput { slug: String! localized: [Localized!]! attributes: JSON }
  input Localized { locale: String! title: String }
  type Item { id: ID! }
  type Query {
    item(id: ID!): Item
    itemBySlug(slug: String!): Item
    items(filter: ItemFilter): [Item!]!
    feed(userId: ID!, surface: String!): [Item!]!
    preview(persona: Persona!): [Item!]!
  }
  type Mutation {
    createItem(input: ItemInput!): Item
    pin(input: Pin!): Item
    setFallback(itemIds: [ID!]!): Item
    createApiKey(name: String!): Item
  }
`);
const OPAQUE = new Set(['Query.feed(userId:)', 'Persona.userId']);
const UUID = '3f2c1a9e-5b7d-4c1e-9a2b-0c4d6e8f1a2b';

function check(query: string, raw: Record<string, unknown> = {}) {
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return inspectInputs(schema, doc, op, raw, { opaqueIds: OPAQUE });
}
const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

describe('textProblem', () => {
  it.each([
    ['a NUL', 'abc\u0000def', /NUL/],
    ['a lone high surrogate', 'abc\ud800def', /lone surrogate/],
    ['a lone high surrogate at the end', 'abc\ud83d', /lone surrogate/],
    ['a lone low surrogate', '\udc00abc', /lone surrogate/],
    ['two high surrogates', '\ud83d\ud83d\ude00', /lone surrogate/],
  ])('refuses %s', (_name, s, message) => {
    expect(textProblem(s)).toMatch(message);
  });

  it.each([
    ['plain text', 'hello'],
    ['an emoji (a proper surrogate pair)', 'sleep 😴 well'],
    ['other control characters', 'tab\there\nline'],
    ['the empty string', ''],
  ])('accepts %s', (_name, s) => {
    expect(textProblem(s)).toBeNull();
  });
});

describe('inspectInputs: text hygiene, in every String, ID and JSON input', () => {
  it('finds a NUL in an inline literal, naming its argument path', () => {
    expect(check('{ itemBySlug(slug: "a\\u0000b") { id } }')).toEqual([{ field: 'slug', message: expect.stringMatching(/NUL/) }]);
    expect(fields(check('mutation { createItem(input: { slug: "s", localized: [{ locale: "en", title: "x\\u0000" }] }) { id } }'))).toEqual([
      'input.localized[0].title',
    ]);
  });

  it('finds NULs and lone surrogates in variables, in nested input objects and lists, and in JSON values and keys', () => {
    const input = {
      slug: 'ok',
      localized: [
        { locale: 'en', title: 'fine' },
        { locale: 'de', title: 'bad\ud800' },
      ],
      attributes: { narrator: { names: ['x', 'y\u0000'] }, ['k\u0000']: 1 },
    };
    expect(fields(check('mutation($input: ItemInput!) { createItem(input: $input) { id } }', { input })).sort()).toEqual(
      ['input.attributes.k\u0000', 'input.attributes.narrator.names[1]', 'input.localized[1].title'].sort(),
    );
  });

  it('finds them in a JSON literal too', () => {
    expect(fields(check('mutation { createItem(input: { slug: "s", localized: [], attributes: { a: ["\\u0000"] } }) { id } }'))).toEqual([
      'input.attributes.a[0]',
    ]);
  });

  it('refuses a variable inside a JSON literal that the request does not give, naming where it sits', () => {
    const q = 'mutation($x: Int, $y: Int = 3) { createItem(input: { slug: "s", localized: [], attributes: { slots: $x, at: [1, $y], n: null } }) { id } }';
    expect(check(q)).toEqual([
      {
        field: 'input.attributes.slots',
        message:
          'is the variable $x, which this request does not give a value, inside a JSON value; give $x a value (null if you mean null) or write the value in place',
      },
    ]);
    // Given (null included), or with a default: nothing to refuse.
    expect(check(q, { x: null })).toEqual([]);
    expect(check(q, { x: 4, y: 5 })).toEqual([]);
  });

  it('checks the login-style String variable and every other operation alike', () => {
    expect(fields(check('mutation($n: String!) { createApiKey(name: $n) { id } }', { n: 'key\u0000' }))).toEqual(['n']);
  });

  it('refuses a value nested deeper than MAX_INPUT_DEPTH at once, however deep it goes', () => {
    let deep: unknown = 'end';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const problems = check('mutation($input: ItemInput!) { createItem(input: $input) { id } }', { input: { slug: 's', localized: [], attributes: deep } });
    // input (1), attributes (2), then 31 more lists: the 33rd container is where it stops.
    expect(problems).toEqual([
      { field: `input.attributes${'[0]'.repeat(MAX_INPUT_DEPTH - 1)}`, message: `is nested more than ${MAX_INPUT_DEPTH} levels deep; send a flatter value` },
    ]);
    let fine: unknown = 'end';
    for (let i = 0; i < MAX_INPUT_DEPTH - 2; i++) fine = [fine];
    expect(check('mutation($input: ItemInput!) { createItem(input: $input) { id } }', { input: { slug: 's', localized: [], attributes: fine } })).toEqual([]);
  });

  it('stops at 20 problems, however many there are', () => {
    const ids = Array.from({ length: 100_000 }, () => 'x\u0000');
    expect(check('mutation($ids: [ID!]!) { setFallback(itemIds: $ids) { id } }', { ids })).toHaveLength(20);
  });
});

describe('inspectInputs: ids that must be UUIDs', () => {
  it('refuses a malformed id argument, literal or variable, naming it', () => {
    expect(check('{ item(id: "not-a-uuid") { id } }')).toEqual([
      { field: 'id', message: expect.stringMatching(/^is not a valid id: "not-a-uuid" is not a UUID/) },
    ]);
    expect(fields(check('query($id: ID!) { item(id: $id) { id } }', { id: 'not-a-uuid' }))).toEqual(['id']);
    expect(fields(check('{ item(id: 42) { id } }'))).toEqual(['id']);
    expect(check('query($id: ID!) { item(id: $id) { id } }', { id: UUID })).toEqual([]);
  });

  it('checks ids in lists and in input objects, literal or variable', () => {
    expect(fields(check(`mutation { setFallback(itemIds: ["${UUID}", "nope"]) { id } }`))).toEqual(['itemIds[1]']);
    expect(fields(check('mutation($ids: [ID!]!) { setFallback(itemIds: $ids) { id } }', { ids: [UUID, 'nope'] }))).toEqual(['ids[1]']);
    expect(fields(check('mutation { pin(input: { itemId: "nope", position: 1 }) { id } }'))).toEqual(['input.itemId']);
    expect(fields(check('mutation($p: Pin!) { pin(input: $p) { id } }', { p: { itemId: 'nope', position: 1 } }))).toEqual(['p.itemId']);
    expect(fields(check('query($f: ItemFilter) { items(filter: $f) { id } }', { f: { ids: ['nope'] } }))).toEqual(['f.ids[0]']);
    expect(fields(check('query($i: ID!) { items(filter: { ids: [$i] }) { id } }', { i: 'nope' }))).toEqual(['i']);
  });

  it('leaves the client’s own ids alone (opaque positions), wherever the variable is declared', () => {
    expect(check('{ feed(userId: "user-42", surface: "home") { id } }')).toEqual([]);
    expect(check('query($u: ID!) { feed(userId: $u, surface: "home") { id } }', { u: 'user-42' })).toEqual([]);
    expect(check('{ preview(persona: { userId: "user-42" }) { id } }')).toEqual([]);
    // ...but the same variable in a UUID position is checked there.
    expect(fields(check('query($u: ID!) { feed(userId: $u, surface: "home") { id } item(id: $u) { id } }', { u: 'user-42' }))).toEqual(['u']);
  });

  it('refuses an id sent as a JSON number beyond 2^53, opaque positions included, and takes a safe one', () => {
    // JSON.parse rounds 12345678901234567890 to 12345678901234567000, which graphql-js would take as the id.
    const big = JSON.parse('12345678901234567890') as number;
    expect(check('query($u: ID!) { feed(userId: $u, surface: "home") { id } }', { u: big })).toEqual([
      { field: 'u', message: expect.stringMatching(/^is the number 12345678901234567000, which JSON cannot carry exactly .*send the id as a string$/) },
    ]);
    expect(fields(check('query($p: Persona!) { preview(persona: $p) { id } }', { p: { userId: 2 ** 53 } }))).toEqual(['p.userId']);
    expect(check('query($u: ID!) { feed(userId: $u, surface: "home") { id } }', { u: 2 ** 53 - 1 })).toEqual([]);
    expect(check('query($u: ID!) { feed(userId: $u, surface: "home") { id } }', { u: '12345678901234567890' })).toEqual([]);
    // A literal keeps its digits: graphql-js reads it as text.
    expect(check('{ feed(userId: 12345678901234567890, surface: "home") { id } }')).toEqual([]);
  });

  it('follows fragments, each once', () => {
    const q = '{ ...A ...A } fragment A on Query { item(id: "nope") { id } ...B } fragment B on Query { itemBySlug(slug: "\\u0000") { id } }';
    expect(fields(check(q)).sort()).toEqual(['id', 'slug']);
  });
});

describe('inspectInputs: variables as sent', () => {
  it('checks only declared variables, and default values in the document', () => {
    expect(check('query($s: String!) { itemBySlug(slug: $s) { id } }', { s: 'ok', extra: 'ignored\u0000' })).toEqual([]);
    expect(fields(check('query($s: String! = "a\\u0000") { itemBySlug(slug: $s) { id } }'))).toEqual(['s']);
    expect(fields(check('query($id: ID! = "nope") { item(id: $id) { id } }'))).toEqual(['id']);
    expect(check(`query($id: ID! = "nope") { item(id: $id) { id } }`, { id: UUID })).toEqual([]);
  });

  it('never throws on a value of the wrong shape (execution refuses it as BAD_USER_INPUT)', () => {
    expect(check('mutation($p: Pin!) { pin(input: $p) { id } }', { p: 'not an object' })).toEqual([]);
    expect(check('mutation($p: Pin!) { pin(input: $p) { id } }', { p: [1, 2] })).toEqual([]);
    expect(fields(check('mutation($ids: [ID!]!) { setFallback(itemIds: $ids) { id } }', { ids: 'nope' }))).toEqual(['ids']);
    expect(fields(check('query($id: ID!) { item(id: $id) { id } }', { id: { a: 1 } }))).toEqual(['id']);
  });
});

describe('inputProblemsError', () => {
  it('is BAD_USER_INPUT with HTTP 400 and every problem', () => {
    const e = inputProblemsError([
      { field: 'id', message: 'is not a valid id' },
      { field: 'slug', message: 'contains a NUL' },
    ]);
    expect(e.extensions).toEqual({ code: 'BAD_USER_INPUT', problems: [expect.any(Object), expect.any(Object)], http: { status: 400 } });
    expect(e.message).toBe('id is not a valid id (and 1 more problem, listed in extensions.problems). Nothing was run; fix the input and send it again.');
  });
});
