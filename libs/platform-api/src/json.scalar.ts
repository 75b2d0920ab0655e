import { GraphQLScalarType, Kind, ValueNode, print } from 'graphql';

/**
 * A JSON value written in the query (`config: {slots: $x, mode: "fast"}`), as graphql-type-json reads one:
 * - a variable inside it takes the variable's value. Validation reads literals without variables (`variables` is
 *   undefined there), so a variable stands for nothing yet; at execution a variable the request did not give is an
 *   error, never a silent null (the edge refuses it first, as BAD_USER_INPUT naming where it sits: see inputs.ts).
 * - `null` is null; numbers are numbers; strings and booleans are themselves.
 * - a bare word (an enum value, `{mode: FAST}`) is refused: JSON has no such value, and a word without its quotes is
 *   far more often a typo than a wish for the string. graphql-type-json refuses it too.
 */
export function parseJsonLiteral(ast: ValueNode, variables?: { readonly [name: string]: unknown } | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.OBJECT: {
      const out: Record<string, unknown> = {};
      for (const f of ast.fields) out[f.name.value] = parseJsonLiteral(f.value, variables);
      return out;
    }
    case Kind.LIST:
      return ast.values.map((v) => parseJsonLiteral(v, variables));
    case Kind.VARIABLE: {
      const name = ast.name.value;
      if (!variables) return undefined; // validation: no values yet
      if (!Object.prototype.hasOwnProperty.call(variables, name))
        throw new TypeError(`The variable $${name} inside a JSON value was not given; give it a value (null if you mean null) or write the value in place.`);
      return variables[name];
    }
    case Kind.ENUM:
      throw new TypeError(
        `A JSON value has no bare words: ${print(ast)} is not JSON. Write it as a string, ${JSON.stringify(ast.value)}, if that is what you mean.`,
      );
    default:
      throw new TypeError(`${print(ast)} is not a JSON value.`);
  }
}

/**
 * Arbitrary JSON, for kind-specific attributes and audit before/after snapshots. In a query, a JSON literal may hold
 * variables (`{slots: $x}`: each takes its value; one the request does not give is refused) but no bare enum words
 * (`{mode: FAST}` is refused: write `"FAST"`).
 */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description:
    'Any JSON value. Written in the query, it may hold variables ({slots: $x}), each of which must be given; a bare word such as FAST is refused: write "FAST".',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: parseJsonLiteral,
});
