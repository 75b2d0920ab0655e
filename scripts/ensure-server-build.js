// Builds the server (npm run build:server) only when a source file is newer than the last build. CLI commands run
// through this so that `npm run marquee -- …` next to a running `npm start` does not rebuild dist/ under the running
// API and worker (a rebuild deletes their files first, and they stop).
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.server-build');
const SOURCES = ['apps/api/src', 'apps/worker/src', 'apps/cli/src', 'libs', 'migrations', 'ml', 'bench'];

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'results') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (/\.tsx?$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const changed = Math.max(...SOURCES.map((d) => (existsSync(join(ROOT, d)) ? newest(join(ROOT, d)) : 0)), statSync(join(ROOT, 'package-lock.json')).mtimeMs);
if (changed > built) {
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
