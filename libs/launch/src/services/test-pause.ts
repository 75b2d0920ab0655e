import { existsSync, writeFileSync } from 'node:fs';

/**
 * A deterministic place to kill a worker in the middle of a launch, for the crash test. It only acts when
 * NODE_ENV=test and MARQUEE_TEST_PAUSE_FILE are both set: it writes `<file>.reached`, then waits while `<file>` exists.
 */
export async function testPausePoint(file: string | undefined, label: string): Promise<void> {
  if (!file || process.env.NODE_ENV !== 'test') return;
  if (!existsSync(file)) return;
  writeFileSync(`${file}.reached`, label);
  while (existsSync(file)) await new Promise((r) => setTimeout(r, 50));
}
