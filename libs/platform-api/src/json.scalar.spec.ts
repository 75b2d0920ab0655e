import { buildSchema, graphqlSync, GraphQLSchema, parseValue } from 'graphql';
import { GraphQLJSON, parseJsonLiteral } from './json.scalar';

describe('the JSON scalar read from a literal', () => {
  it('reads every JSON kind', () => {
    expect(parseJsonLiteral(parseValue('{a: 1, b: 2.5, c: "s", d: true, e: null, f: [1, {g: false}]}'))).toEqual({
      a: 1,
      b: 2.5,
      c: 's',
      d: true,
      e: null,
      f: [1, { g: false }],
    });
  });

  it('takes a variable inside an object or a list from the variables, null included', () => {
    expect(parseJsonLiteral(parseValue('{slots: $x, l: [$y, 1]}'), { x: 4, y: null })).toEqual({ slots: 4, l: [null, 1] });
  });

  it('refuses a variable the request did not give, instead of reading it as null', () => {
    expect(() => parseJsonLiteral(parseValue('{slots: $x}'), {})).toThrow('The variable $x inside a JSON value was not given');
  });

  it('leaves a variable unread while there are no variables yet (validation)', () => {
    expect(parseJsonLiteral(parseValue('{slots: $x}'), undefined)).toEqual({ slots: undefined });
  });

  it('refuses a bare word (enum value), saying to quote it', () => {
    expect(() => parseJsonLiteral(parseValue('{mode: FAST}'))).toThrow('A JSON value has no bare words: FAST is not JSON. Write it as a string, "FAST"');
  });

  describe('through graphql-js', () => {
    let schema: GraphQLSchema;
    beforeAll(() => {
      schema = buildSchema('scalar JSON type Query { echo(v: JSON, n: Int): JSON }');
      Object.assign(schema.getType('JSON')!, { parseLiteral: GraphQLJSON.parseLiteral, parseValue: GraphQLJSON.parseValue, serialize: GraphQLJSON.serialize });
      (schema.getQueryType()!.getFields().echo as { resolve?: unknown }).resolve = (_: unknown, a: { v: unknown }) => a.v;
    });

    it('resolves the variable in place', () => {
      expect(graphqlSync({ schema, source: 'query($x: Int) { echo(v: {slots: $x}) }', variableValues: { x: 7 } })).toEqual({ data: { echo: { slots: 7 } } });
    });

    it('fails validation on a bare word', () => {
      const r = graphqlSync({ schema, source: '{ echo(v: {mode: FAST}) }' });
      expect(r.errors?.[0].message).toMatch(/no bare words: FAST/);
    });
  });
});
