// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');
const boundaries = require('eslint-plugin-boundaries');

/**
 * The seams, as the README states them ("Where things are"), checked on every import (eslint-plugin-boundaries; the
 * TypeScript resolver follows the @marquee/* paths of tsconfig.json). Libraries sit on floors and import only from
 * lower ones; the placement engine and ml/ are leaves; apps never import each other. A violation fails `npm run lint`,
 * and so `npm test`; test/lint/boundaries.spec.ts proves it on fixtures.
 */
const PLATFORM = ['platform-core', 'platform-config', 'platform-observability', 'platform-outbound', 'platform-queue', 'platform-database', 'platform-api', 'platform-auth'];
const LIBS = ['audit', 'accounts', 'catalog', 'webhooks', 'events', 'launch', 'placement-engine', 'placement', 'analysis', 'ml'];
const APPS = ['api', 'worker', 'cli', 'studio'];
const elements = [
  ...PLATFORM.map((name) => ({ type: name, pattern: `libs/${name}/src/**`, partialMatch: false })),
  // Before `placement`: the first descriptor that matches a file names its element.
  { type: 'placement-engine', pattern: 'libs/placement/src/engine/**', partialMatch: false },
  ...LIBS.filter((l) => l !== 'placement-engine' && l !== 'ml').map((name) => ({ type: name, pattern: `libs/${name}/src/**`, partialMatch: false })),
  { type: 'ml', pattern: 'ml/src/**', partialMatch: false },
  ...APPS.map((name) => ({ type: `app-${name}`, pattern: `apps/${name}/**`, partialMatch: false })),
];
/** Who may import whom. Platform code knows no domain; the catalogue knows nothing of launches or placement. */
const below = {
  'platform-core': [],
  'platform-config': ['platform-core'],
  'platform-observability': ['platform-core', 'platform-config'],
  'platform-outbound': ['platform-core', 'platform-config'],
  'platform-queue': ['platform-core', 'platform-config'],
  'platform-database': ['platform-core', 'platform-config', 'platform-observability'],
  'platform-api': ['platform-core', 'platform-config', 'platform-observability'],
  'platform-auth': ['platform-core', 'platform-config', 'platform-observability', 'platform-database', 'platform-queue', 'platform-api'],
  audit: PLATFORM,
  accounts: [...PLATFORM, 'audit'],
  catalog: [...PLATFORM, 'audit'],
  webhooks: [...PLATFORM, 'audit'],
  events: [...PLATFORM, 'audit'],
  launch: [...PLATFORM, 'audit', 'catalog', 'webhooks'],
  // The engine is pure TypeScript: no Nest, no TypeORM (see the external rule below), nothing but platform-core.
  'placement-engine': ['platform-core'],
  placement: [...PLATFORM, 'audit', 'catalog', 'events', 'launch', 'placement-engine'],
  analysis: [...PLATFORM, 'audit', 'catalog', 'placement', 'placement-engine', 'ml'],
  // ml/ is a leaf: the scoring and training entry points depend only on platform-core.
  ml: ['platform-core'],
};
const libTypes = [...PLATFORM, ...LIBS];
const element = (type) => ({ element: { type } });
const mayImport = (from, allowed) => ({ from: element(from), allow: allowed.map((t) => ({ to: element(t) })) });
const reactHooks = require('eslint-plugin-react-hooks');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['apps/**/*.{ts,tsx}', 'libs/**/*.ts', 'ml/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/include': ['apps/**/*', 'libs/**/*', 'ml/**/*'],
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message:
            '{{from.type}} must not import {{to.type}}{{#if dependency.source}} ("{{dependency.source}}"){{/if}}: the dependency rules in the README and `below` in eslint.config.js say who may import whom. Move the shared code down a floor instead.',
          policies: [
            ...Object.entries(below).map(([from, allowed]) => mayImport(from, [from, ...allowed])),
            // Apps sit on top of the libraries; an app never imports another app.
            ...APPS.map((a) => mayImport(`app-${a}`, [`app-${a}`, ...libTypes])),
          ],
        },
      ],
    },
  },
  {
    // The placement engine is pure TypeScript, so the simulator, the benchmarks and the OPE can run it anywhere.
    files: ['libs/placement/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', 'typeorm', 'typeorm/*'], message: 'The placement engine imports nothing from Nest or TypeORM: keep it pure TypeScript and do the I/O in libs/placement/src/runtime.' }] },
      ],
    },
  },
  {
    // The two classic hooks rules (not the React Compiler rules of the plugin's newer presets): hooks called in a
    // stable order, and effects that name everything they read.
    files: ['apps/studio/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
