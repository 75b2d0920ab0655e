import { describeDatabaseError, isDatabaseUnavailable } from './faults';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ["the pool's connect timeout", new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['an admin shutdown', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a connection exception class', Object.assign(new Error('x'), { code: '08006' })],
    ['a TypeORM wrapper around one', Object.assign(new Error('Query failed'), { driverError: Object.assign(new Error('x'), { code: '57P03' }) })],
  ])('is true for %s', (_name, e) => expect(isDatabaseUnavailable(e)).toBe(true));

  it.each([
    ['a NUL byte', Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })],
    ['an unsupported escape in jsonb', Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })],
    ['a constraint', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['nothing useful', null],
  ])('is false for %s', (_name, e) => expect(isDatabaseUnavailable(e)).toBe(false));
});

describe('describeDatabaseError', () => {
  it('gives the message and the SQLSTATE', () => {
    expect(describeDatabaseError(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }))).toBe(
      'invalid byte sequence for encoding "UTF8": 0x00 (SQLSTATE 22021)',
    );
  });
});
