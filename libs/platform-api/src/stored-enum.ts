import { registerEnumType } from '@nestjs/graphql';

/** `{ GATE_PASSED: 'gate_passed', … }`: each stored value under its UPPER_CASE GraphQL name. */
export type StoredValuesEnum<V extends string> = { readonly [K in V as Uppercase<K>]: K };

/**
 * Registers a GraphQL enum over a closed set of lowercase values the server keeps (the database's words, or a domain
 * table's, like a content kind's requirements). Each value's GraphQL name is its UPPER_CASE spelling: a resolver that
 * returns `gate_passed` answers `GATE_PASSED`, and `GATE_PASSED` sent as an argument arrives as `gate_passed`. So
 * resolvers and services keep the stored words (and their TypeScript unions), and the domain's list is the only place
 * the values are written down. Use it as the field's type: `@Field(() => X)`.
 */
export function registerStoredValuesEnum<const V extends string>(values: readonly V[], options: { name: string; description?: string }): StoredValuesEnum<V> {
  const byName = Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as StoredValuesEnum<V>;
  registerEnumType(byName, options);
  return byName;
}
