import { ROLES_BEGIN, ROLES_END, readmeRolesBlock, rolesMarkdown } from './roles-doc';

describe('rolesMarkdown', () => {
  const rules = [
    { type: 'Query' as const, field: 'me', audience: ['anonymous' as const] },
    { type: 'Mutation' as const, field: 'login', audience: ['anonymous' as const, 'admin' as const] },
    { type: 'Query' as const, field: 'users', audience: ['admin' as const] },
    { type: 'Query' as const, field: 'items', audience: ['admin' as const, 'editor' as const, 'reviewer' as const, 'analyst' as const] },
    { type: 'Query' as const, field: 'auditLog', audience: ['analyst' as const, 'reviewer' as const, 'editor' as const, 'admin' as const] },
    { type: 'Mutation' as const, field: 'approveVersion', audience: ['admin' as const, 'reviewer' as const] },
    { type: 'Mutation' as const, field: 'trackEvents', audience: ['client' as const] },
    { type: 'Mutation' as const, field: 'orphan', audience: null },
  ];

  it('groups operations by exactly who may call them, widest audience first, reads before changes', () => {
    expect(rolesMarkdown(rules).split('\n')).toEqual([
      ROLES_BEGIN,
      '- **Anyone, signed in or not** (2): reads `me`; changes `login`.',
      '- **Admins, editors, reviewers and analysts** (2): reads `auditLog`, `items`.',
      '- **Admins and reviewers** (1): changes `approveVersion`.',
      '- **Admins only** (1): reads `users`.',
      '- **Client API keys only** (1): changes `trackEvents`.',
      '- **Nobody (no rule declared)** (1): changes `orphan`.',
      ROLES_END,
    ]);
  });

  it('wraps long lists at 120 characters, continuing the list item', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ type: 'Query' as const, field: `operation${i}`, audience: ['admin' as const] }));
    const lines = rolesMarkdown(many).split('\n').slice(1, -1);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.filter((l) => l.length > 120)).toEqual([]);
    expect(lines.slice(1).every((l) => l.startsWith('  `'))).toBe(true);
  });

  it('finds the block in a README, and says when the markers are missing', () => {
    const block = rolesMarkdown(rules);
    expect(readmeRolesBlock(`# Title\n\n${block}\n\nMore.`)).toBe(block);
    expect(readmeRolesBlock('# No block')).toBeNull();
  });
});
