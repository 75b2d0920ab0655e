import { ESLint } from 'eslint';
import { join } from 'node:path';

/**
 * The seams are only enforced if a violation really fails the lint. Each fixture is linted as if it were a file at
 * that path in the tree (nothing is written), with the repository's own eslint.config.js.
 */
const root = join(__dirname, '..', '..');
// The config is passed in, not looked up: ESLint loads a config file with a dynamic import, which Jest's vm refuses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(join(root, 'eslint.config.js')) as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result.messages.filter((m) => m.ruleId === 'boundaries/dependencies' || m.ruleId === 'no-restricted-imports').map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the dependency rules fail the lint', () => {
  const violations: [string, string, string, RegExp][] = [
    [
      'the catalogue imports launch',
      'libs/catalog/src/fixture.ts',
      "import { ReleaseService } from '@marquee/launch';\nexport const x = ReleaseService;\n",
      /catalog must not import launch/,
    ],
    [
      'the catalogue imports placement',
      'libs/catalog/src/fixture.ts',
      "import { EngineStore } from '@marquee/placement';\nexport const x = EngineStore;\n",
      /catalog must not import placement/,
    ],
    [
      'platform code imports a domain',
      'libs/platform-api/src/fixture.ts',
      "import { ItemEntity } from '@marquee/catalog';\nexport const x = ItemEntity;\n",
      /platform-api must not import catalog/,
    ],
    [
      'an app imports another app',
      'apps/api/src/fixture.ts',
      "import { WorkerModule } from '../../worker/src/worker.module';\nexport const x = WorkerModule;\n",
      /app-api must not import app-worker/,
    ],
    [
      'ml/ imports a library',
      'ml/src/fixture.ts',
      "import type { Policy } from '../../libs/analysis/src/ope/types';\nexport type X = Policy;\n",
      /ml must not import analysis/,
    ],
    [
      'the engine imports Nest',
      'libs/placement/src/engine/fixture.ts',
      "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
      /imports nothing from Nest or TypeORM/,
    ],
    [
      'the engine imports TypeORM',
      'libs/placement/src/engine/fixture.ts',
      "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n",
      /imports nothing from Nest or TypeORM/,
    ],
    [
      'the engine imports the runtime around it',
      'libs/placement/src/engine/fixture.ts',
      "import { EngineStore } from '../runtime/engine-store';\nexport const x = EngineStore;\n",
      /placement-engine must not import placement/,
    ],
  ];
  it.each(violations)('%s', async (_name, path, code, expected) => {
    const found = await problems(path, code);
    expect(found).toEqual([expect.stringMatching(expected)]);
  });

  const allowed: [string, string, string][] = [
    ['launch imports the catalogue', 'libs/launch/src/fixture.ts', "import { ItemEntity } from '@marquee/catalog';\nexport const x = ItemEntity;\n"],
    ['ml/ imports platform-core', 'ml/src/fixture.ts', "import { Rng } from '@marquee/platform-core';\nexport const x = Rng;\n"],
    ['analysis imports ml/', 'libs/analysis/src/fixture.ts', "import { trainRewardModel } from '../../../ml/src';\nexport const x = trainRewardModel;\n"],
    [
      'the engine imports platform-core',
      'libs/placement/src/engine/fixture.ts',
      "import { hashString } from '@marquee/platform-core';\nexport const x = hashString;\n",
    ],
  ];
  it.each(allowed)('but not when %s', async (_name, path, code) => {
    expect(await problems(path, code)).toEqual([]);
  });
});
