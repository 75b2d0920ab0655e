import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_VARIABLES } from './config';

describe('README', () => {
  it('documents every environment variable the config reads', () => {
    const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
    const missing = CONFIG_VARIABLES.filter((v) => !readme.includes(`| \`${v.name}\` |`)).map((v) => v.name);
    expect(missing).toEqual([]);
  });
});
