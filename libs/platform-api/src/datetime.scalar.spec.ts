import { GraphQLError } from 'graphql';
import { DateTimeScalar, ZonedDate } from './datetime.scalar';

const read = (v: unknown) => DateTimeScalar.parseValue(v) as ZonedDate;
const refusal = (v: unknown): string => {
  try {
    read(v);
  } catch (e) {
    expect(e).toBeInstanceOf(GraphQLError);
    expect((e as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return (e as GraphQLError).message;
  }
  throw new Error(`${String(v)} was accepted`);
};

describe('DateTime scalar', () => {
  it('reads a real instant with its offset and keeps the text', () => {
    const d = read('2026-11-27T23:15:00+01:00');
    expect(d.toISOString()).toBe('2026-11-27T22:15:00.000Z');
    expect(d.source).toBe('2026-11-27T23:15:00+01:00');
    expect(read('2028-02-29T12:00:00Z').toISOString()).toBe('2028-02-29T12:00:00.000Z');
    expect(read('2000-02-29T00:00Z').toISOString()).toBe('2000-02-29T00:00:00.000Z');
    expect(read('0001-01-01T00:00:00Z').toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(read('9999-12-31T23:59:59.999Z').toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('refuses dates the calendar does not have, instead of rolling them over (Date.parse made 2027-02-30 the 2nd of March)', () => {
    expect(refusal('2027-02-30T00:00:00Z')).toMatch(/2027-02 has 28 days/);
    expect(refusal('2027-02-29T00:00:00Z')).toMatch(/2027-02 has 28 days/);
    expect(refusal('1900-02-29T00:00:00Z')).toMatch(/1900-02 has 28 days/);
    expect(refusal('2027-04-31T00:00:00Z')).toMatch(/2027-04 has 30 days/);
    expect(refusal('2027-13-01T00:00:00Z')).toMatch(/month must be 01 to 12/);
    expect(refusal('2027-00-10T00:00:00Z')).toMatch(/month must be 01 to 12/);
    expect(refusal('2027-02-31T24:00:00Z')).toMatch(/has 28 days/);
    expect(refusal('2027-03-01T24:00:00Z')).toMatch(/time of day/);
    expect(refusal('2027-03-01T12:60:00Z')).toMatch(/time of day/);
    expect(refusal('2027-03-01T12:00:60Z')).toMatch(/time of day/);
    expect(refusal('2027-03-01T12:00:00+24:00')).toMatch(/offset/);
    expect(refusal('2027-03-01T12:00:00+01:60')).toMatch(/offset/);
    expect(refusal('0000-06-01T00:00:00Z')).toMatch(/year must be 0001/);
  });

  it('refuses an instant outside years 0001–9999 UTC, so every value it answers with is one it takes back', () => {
    // 9999-12-31T23:59 at −23:59 is in the year 10000 in UTC, which toISOString writes as "+010000-…".
    expect(refusal('9999-12-31T23:59:59-23:59')).toMatch(/between 0001-01-01 and 9999-12-31 UTC/);
    expect(refusal('0001-01-01T00:00:00+01:00')).toMatch(/between 0001-01-01 and 9999-12-31 UTC/);
    const last = read('9999-12-31T23:59:59Z');
    expect(read(DateTimeScalar.serialize(last) as string).getTime()).toBe(last.getTime());
  });

  it('refuses text that is not an ISO 8601 date-time with an offset, showing at most 40 characters of it', () => {
    expect(refusal('2027-03-01 12:00:00Z')).toMatch(/not an ISO 8601 date-time/);
    expect(refusal('2027-03-01T12:00:00')).toMatch(/not an ISO 8601 date-time/);
    expect(refusal(12)).toMatch(/not an ISO 8601 date-time/);
    expect(refusal(`2027-03-01T12:00:00Z${'x'.repeat(1000)}`).length).toBeLessThan(200);
  });
});
