import { auditFilterProblems, escapeLike, MAX_AUDIT_FILTER_CHARS } from './audit-log.query';

describe('escapeLike', () => {
  it.each([
    ['release.', 'release.'],
    ['%.', '\\%.'],
    ['_tem.', '\\_tem.'],
    ['a\\b', 'a\\\\b'],
    ['100%_done', '100\\%\\_done'],
  ])('escapes %j as %j', (s, expected) => expect(escapeLike(s)).toBe(expected));
});

describe('auditFilterProblems', () => {
  it('accepts short filters and absent ones', () => {
    expect(auditFilterProblems({ text: 'x'.repeat(MAX_AUDIT_FILTER_CHARS), action: 'item.', entityId: null })).toEqual([]);
  });

  it('refuses every text filter past the cap, naming the field and the length', () => {
    const long = 'w '.repeat(MAX_AUDIT_FILTER_CHARS);
    expect(auditFilterProblems({ text: long, actorId: long, entityType: 'item' })).toEqual([
      { field: 'filter.actorId', message: `is longer than ${MAX_AUDIT_FILTER_CHARS} characters (it has ${long.length})` },
      { field: 'filter.text', message: `is longer than ${MAX_AUDIT_FILTER_CHARS} characters (it has ${long.length})` },
    ]);
  });

  it('refuses text PostgreSQL cannot compare (a NUL)', () => {
    expect(auditFilterProblems({ entityId: 'a\u0000b' })).toEqual([{ field: 'filter.entityId', message: 'contains a NUL byte (U+0000) at character 2' }]);
  });
});
