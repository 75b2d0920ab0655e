import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grantPassage } from './embedded';

describe('grantPassage: letting the postgres user reach binaries and data inside a private clone', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'passage-')); // 700, as `mktemp -d` makes it
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('adds o+x to each directory on the way that lacks it, and nothing else', () => {
    const inner = join(root, 'clone', 'node_modules');
    mkdirSync(inner, { recursive: true });
    chmodSync(join(root, 'clone'), 0o750);
    chmodSync(inner, 0o755);
    expect(statSync(root).mode & 0o777).toBe(0o700);

    expect(grantPassage([inner])).toEqual([join(root, 'clone'), root]); // innermost first, as it walks up
    expect(statSync(root).mode & 0o777).toBe(0o701); // search, not read: others cannot list it
    expect(statSync(join(root, 'clone')).mode & 0o777).toBe(0o751);
    expect(statSync(inner).mode & 0o777).toBe(0o755); // already passable: untouched
  });

  it('changes nothing the second time', () => {
    grantPassage([root]);
    expect(grantPassage([root, root])).toEqual([]);
  });
});
