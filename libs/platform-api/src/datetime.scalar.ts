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

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/i;

/** The instants a DateTime may name: years 0001 to 9999 in UTC, so that every value read back is one the scalar takes again. */
const MIN_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

const daysIn = (year: number, month: number) => new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !leap(year) ? 1 : 0);
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function bad(value: string, why: string): GraphQLError {
  return new GraphQLError(`"${value.slice(0, 40)}" is not a real date-time: ${why}.`, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parse(value: unknown): ZonedDate {
  const m = typeof value === 'string' ? ISO.exec(value) : null;
  if (!m) {
    throw new GraphQLError(
      `"${String(value).slice(0, 40)}" is not an ISO 8601 date-time with an offset, like 2026-11-27T22:15:00Z or 2026-11-27T23:15:00+01:00.`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  const text = value as string;
  // Date.parse rolls impossible fields over ("2027-02-30" is 2 March, "T24:00" the next day); PostgreSQL and people do not.
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  if (year < 1) throw bad(text, 'the year must be 0001 or later');
  if (month < 1 || month > 12) throw bad(text, 'the month must be 01 to 12');
  if (day < 1 || day > daysIn(year, month))
    throw bad(text, `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')} has ${daysIn(year, month)} days`);
  if (hour > 23 || minute > 59 || second > 59) throw bad(text, 'the time of day must be 00:00:00 to 23:59:59');
  if (m[8] && (Number(m[9]) > 23 || Number(m[10]) > 59)) throw bad(text, 'the offset must be at most ±23:59');
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw bad(text, 'it cannot be read as an instant');
  if (ms < MIN_MS || ms > MAX_MS) throw bad(text, 'it must fall between 0001-01-01 and 9999-12-31 UTC');
  return new ZonedDate(ms, text);
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
