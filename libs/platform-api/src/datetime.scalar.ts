import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * A Date that remembers the text it was parsed from. Clients send their local time with its offset
 * ("2026-11-27T22:15:00+01:00"); a plain Date would keep the instant but lose the wall clock the engine needs.
 */
export class ZonedDate extends Date {
  constructor(
    ms: number,
    readonly source: string,
  ) {
    super(ms);
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function parse(value: unknown): ZonedDate {
  if (typeof value !== 'string' || !ISO.test(value)) {
    throw new GraphQLError(
      `"${String(value).slice(0, 40)}" is not an ISO 8601 date-time with an offset, like 2026-11-27T22:15:00Z or 2026-11-27T23:15:00+01:00.`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new GraphQLError(`"${value}" is not a real date-time.`, { extensions: { code: 'BAD_USER_INPUT' } });
  return new ZonedDate(ms, value);
}

/** The schema's one DateTime scalar: ISO 8601 out, ISO 8601 with an offset in. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 date-time with an offset, e.g. 2026-11-27T22:15:00Z.',
  serialize: (v) => {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'string' || typeof v === 'number') {
      const d = new Date(v);
      if (!Number.isNaN(d.getTime())) return d.toISOString();
    }
    throw new GraphQLError('DateTime cannot represent this value.');
  },
  parseValue: parse,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('A DateTime must be a string.', { extensions: { code: 'BAD_USER_INPUT' } });
    return parse(ast.value);
  },
});
