import type { DeclaredRule } from './access-rules.service';
import type { Audience } from './principal';

/**
 * The README's list of who may call what, written from the declared @Allow rules, so the documentation is the rules.
 * The access test (test/integration/access.int-spec.ts) reads the rules from the running API and fails, printing the
 * block to paste, when README.md's block between ROLES_BEGIN and ROLES_END differs.
 */
export const ROLES_BEGIN = '<!-- roles:begin (generated from the @Allow rules by rolesMarkdown; the access test checks it) -->';
export const ROLES_END = '<!-- roles:end -->';

const ORDER: Audience[] = ['admin', 'editor', 'reviewer', 'analyst', 'client', 'anonymous'];
const NAMES: Record<Audience, string> = {
  admin: 'admins',
  editor: 'editors',
  reviewer: 'reviewers',
  analyst: 'analysts',
  client: 'client API keys',
  anonymous: 'anyone',
};
const WIDTH = 120;

function label(audience: Audience[]): string {
  if (audience.includes('anonymous')) return 'Anyone, signed in or not';
  const names = ORDER.filter((a) => audience.includes(a)).map((a) => NAMES[a]);
  const text = names.length === 1 ? `${names[0]} only` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return text[0].toUpperCase() + text.slice(1);
}

/** Words joined into lines of at most WIDTH characters; continuation lines are indented for the list item. */
function wrap(words: string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (next.length > WIDTH && line) {
      lines.push(line);
      line = `  ${w}`;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** One list item per audience: the queries (reads) and mutations (changes) exactly that audience may call. */
export function rolesMarkdown(rules: readonly Pick<DeclaredRule, 'type' | 'field' | 'audience'>[]): string {
  const groups = new Map<string, { audience: Audience[]; reads: string[]; changes: string[] }>();
  for (const r of rules) {
    // Anyone includes every role, so an operation open to anonymous callers belongs to the one "anyone" group.
    const audience = r.audience?.includes('anonymous') ? (['anonymous'] as Audience[]) : ORDER.filter((a) => r.audience?.includes(a));
    const key = audience.join(',') || 'nobody';
    const g = groups.get(key) ?? groups.set(key, { audience, reads: [], changes: [] }).get(key)!;
    (r.type === 'Query' ? g.reads : g.changes).push(r.field);
  }
  // Widest audience first, then in role order.
  const rank = (a: Audience[]) => (a.includes('anonymous') ? -1000 : -a.length * 10 + Math.min(...a.map((x) => ORDER.indexOf(x))));
  const items = [...groups.values()]
    .sort((x, y) => rank(x.audience) - rank(y.audience))
    .map((g) => {
      const list = (names: string[]) =>
        names
          .sort()
          .map((n) => `\`${n}\``)
          .join(', ');
      const parts = [g.reads.length ? `reads ${list(g.reads)}` : '', g.changes.length ? `changes ${list(g.changes)}` : ''].filter(Boolean);
      const who = g.audience.length ? label(g.audience) : 'Nobody (no rule declared)';
      return wrap(`- **${who}** (${g.reads.length + g.changes.length}): ${parts.join('; ')}.`.split(' '));
    });
  return [ROLES_BEGIN, ...items, ROLES_END].join('\n');
}

/** The generated block as README.md has it now, or null when the markers are missing. */
export function readmeRolesBlock(readme: string): string | null {
  const start = readme.indexOf(ROLES_BEGIN);
  const end = readme.indexOf(ROLES_END);
  if (start < 0 || end < start) return null;
  return readme.slice(start, end + ROLES_END.length);
}
