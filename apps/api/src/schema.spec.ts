import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diff } from 'jest-diff';
import { buildSchemaSdl } from './schema';
import { BreakingChange, breakingChanges, coveringCoordinates, undocumented, unreleasedSection } from './schema-contract';

const ROOT = resolve(__dirname, '../../..');
const read = (f: string): string => readFileSync(resolve(ROOT, f), 'utf8');

describe('the GraphQL contract', () => {
  it('schema.graphql is exactly the schema the code produces', async () => {
    const code = await buildSchemaSdl();
    const committed = read('schema.graphql');
    if (code !== committed) {
      const d = diff(committed, code, { aAnnotation: 'schema.graphql (committed)', bAnnotation: 'the code', contextLines: 3, expand: false });
      throw new Error(
        `schema.graphql differs from the schema the code produces. If the change is intended, run \`npm run schema\`, ` +
          `then \`npm run codegen\`, and commit the files (a breaking change also needs a CHANGELOG.md entry).\n\n${d}`,
      );
    }
  }, 60000);

  it('names every breaking change since the last release in CHANGELOG.md under [Unreleased]', async () => {
    const changes = await breakingChanges(read('schema.released.graphql'), read('schema.graphql'));
    const missing = undocumented(changes, read('CHANGELOG.md'));
    if (missing.length) {
      throw new Error(
        `${missing.length} breaking change(s) to the GraphQL schema since the last release are not named in CHANGELOG.md's ` +
          `"## [Unreleased]" section. Add an entry naming each coordinate (or its type or field) in backticks, e.g. ` +
          `\`${coveringCoordinates(missing[0].path).at(-1)}\`, and say what clients must change:\n` +
          missing.map((c) => `  - ${c.path}: ${c.message}`).join('\n'),
      );
    }
    console.log(`${changes.length} breaking change(s) since schema.released.graphql, all in CHANGELOG.md`);
  }, 30000);
});

describe('the changelog check', () => {
  const change = (path: string): BreakingChange => ({ path, message: `${path} changed` });
  const changelog = (body: string): string => `# Changelog\n\n## [Unreleased]\n\n${body}\n\n## [0.1.0] - 2026-12-01\n\n- \`Old\` was here\n`;

  it('accepts a change named by its coordinate or its enclosing type', () => {
    expect(undocumented([change('ItemState.draft'), change('Role.admin')], changelog('- `ItemState.draft` is `DRAFT`; `Role` values are UPPER_CASE'))).toEqual(
      [],
    );
  });

  it('never lets the root type alone cover a field, and reads only the Unreleased section', () => {
    const missing = undocumented([change('Query.explorationSpend.granularity'), change('Old.value')], changelog('- `Query` changed'));
    expect(missing.map((c) => c.path)).toEqual(['Query.explorationSpend.granularity', 'Old.value']);
    expect(coveringCoordinates('Query.explorationSpend.granularity')).toEqual(['Query.explorationSpend.granularity', 'Query.explorationSpend']);
  });

  it('finds no Unreleased section in a changelog without one', () => {
    expect(unreleasedSection('# Changelog\n\n## [0.1.0]\n- x\n')).toBe('');
    expect(undocumented([change('A.b')], '# Changelog\n')).toHaveLength(1);
  });

  it('reports a removed enum value and a changed argument type as breaking, an added field as not', async () => {
    const before = 'enum E { a b }\ntype Query { f(g: String): E, h: Int }';
    const after = 'enum E { A b }\nenum G { DAY }\ntype Query { f(g: G): E, h: Int, added: Int }';
    const paths = (await breakingChanges(before, after)).map((c) => c.path);
    expect(paths).toEqual(['E.a', 'Query.f.g']);
  });
});
