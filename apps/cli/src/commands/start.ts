import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { AppConfig, loadConfig } from '@marquee/platform-config';
import { EmbeddedPostgresHandle, describeDatabaseUrl, startDetachedEmbeddedPostgres } from '@marquee/platform-database';
import { LocalRedis, ensureRedis } from '@marquee/platform-queue';
import { CliModule } from '../cli.module';
import { DemoWorkspace } from '../demo-workspace';
import { Supervisor } from '../supervisor';
import { migrate } from './migrate';
import { ensureConfiguredAdmin } from './admin';

const say = (line: string) => process.stdout.write(`[marquee] ${line}\n`);

/** A JWT secret that survives restarts of the embedded setup, kept next to its data. */
function persistentSecret(dataDir: string): string {
  const file = resolve(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof s.jwtSecret === 'string' && s.jwtSecret.length >= 32) return s.jwtSecret;
  }
  mkdirSync(resolve(dataDir), { recursive: true });
  const jwtSecret = randomBytes(32).toString('hex');
  writeFileSync(file, JSON.stringify({ jwtSecret }, null, 2), { mode: 0o600 });
  return jwtSecret;
}

/**
 * `npm start`: PostgreSQL (embedded unless DATABASE_URL is set), Redis (started locally if needed), migrations,
 * the demo workspace on first start, then the API and the worker as two supervised child processes: a child that
 * crashes is started again with backoff, and the database and the other child keep running. Ctrl+C stops it all.
 * The API child runs API_PROCESSES processes (one per core by default) and restarts each of them the same way.
 */
export async function startCommand(config: AppConfig): Promise<number> {
  let pg: EmbeddedPostgresHandle | null = null;
  let redis: LocalRedis | null = null;
  const children: Supervisor[] = [];
  let shuttingDown = false;

  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('Stopping the API and the worker…');
    await Promise.all(children.map((c) => c.stop(config.shutdownTimeoutMs + 1000)));
    if (redis?.process) say('Stopping the local Redis…');
    await redis?.stop().catch(() => undefined);
    if (pg) {
      say('Stopping embedded PostgreSQL…');
      await pg.stop().catch(() => undefined);
    }
    say('Stopped.');
    process.exit(code);
  };
  // SIGHUP too (the terminal closed): PostgreSQL and Redis run in process groups of their own and are stopped here.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      say(`No DATABASE_URL: starting embedded PostgreSQL (data in ${resolve(config.dataDir, 'postgres')}, port ${config.embeddedPostgresPort}).`);
      pg = await startDetachedEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort, say);
      databaseUrl = pg.url;
    }
    redis = await ensureRedis(config.redisUrl, config.dataDir, say);
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: config.redisUrl,
      JWT_SECRET: config.jwtSecretIsEphemeral ? persistentSecret(config.dataDir) : config.jwtSecret,
    };
    const applied = await migrate(databaseUrl);
    say(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}.` : 'Database schema is up to date.');
    await checkConnectionBudget(databaseUrl, loadConfig({ ...process.env, ...env }));

    const runtime = loadConfig({ ...process.env, ...env });
    let demo = null;
    let configuredAdmin: string | null = null;
    if (!runtime.seedDemo) {
      // Without the demo, MARQUEE_ADMIN_EMAIL/PASSWORD (both set) create the first admin on an empty database.
      configuredAdmin = await ensureConfiguredAdmin(runtime);
      if (configuredAdmin) say(`Created admin ${configuredAdmin} from MARQUEE_ADMIN_EMAIL/MARQUEE_ADMIN_PASSWORD (MARQUEE_SEED_DEMO=false: no demo content).`);
    } else {
      const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(runtime), { logger: ['error', 'warn'] });
      try {
        demo = await ctx.get(DemoWorkspace).create();
      } finally {
        await ctx.close();
      }
    }

    const script = (app: string) => resolve(__dirname, `../../../${app}/src/main.js`);
    const launch = (name: 'api' | 'worker') => {
      const child = new Supervisor({ name, script: script(name), env: { ...process.env, ...env } }, say, (reason) => {
        say(`${reason} Stopping everything.`);
        void shutdown(1);
      });
      children.push(child);
      child.start();
    };
    // The API first: once it answers, the build, the database and Redis are known to work.
    launch('api');
    // A loaded or slow machine can take a while to boot Nest in every API process; a crash loop is logged by the
    // supervisor meanwhile, so waiting long costs nothing but makes a slow first start succeed.
    await waitForHttp(`http://127.0.0.1:${config.port}/health/live`, 180000);
    launch('worker');
    const lines = [
      '',
      `  Marquee is running.`,
      `  Studio   ${config.publicUrl}/studio`,
      `  GraphQL  ${config.publicUrl}/graphql`,
      `  Health   ${config.publicUrl}/health/ready   Metrics ${config.publicUrl}/metrics`,
      `  API      ${config.apiProcesses} process(es) sharing port ${config.port} (API_PROCESSES; one per core by default)`,
      `  Data     ${databaseUrl === pg?.url ? `embedded PostgreSQL in ${resolve(config.dataDir, 'postgres')}` : describeDatabaseUrl(databaseUrl)}`,
    ];
    if (configuredAdmin) lines.push('', `  Admin    ${configuredAdmin}  /  (the MARQUEE_ADMIN_PASSWORD you set)`);
    if (demo) {
      lines.push(
        '',
        '  Demo workspace created. These credentials are shown once; keep them.',
        `  Admin    ${demo.adminEmail}  /  ${demo.adminPassword ?? '(the MARQUEE_ADMIN_PASSWORD you set)'}`,
        `  API key  ${demo.apiKey}   (send it as the x-api-key header)`,
        `  Items    ${demo.items} sample items in English, German and Spanish`,
      );
    }
    lines.push('', '  Press Ctrl+C to stop.', '');
    process.stdout.write(lines.join('\n') + '\n');
    return await new Promise<number>(() => undefined); // runs until a signal; crashed children are restarted
  } catch (e) {
    process.stderr.write(`[marquee] Could not start: ${(e as Error).message}\n`);
    await shutdown(1);
    return 1;
  }
}

/**
 * Every API process and the worker open DATABASE_POOL_SIZE connections each. Says so before starting when that is more
 * than the server accepts, instead of letting the last processes fail to connect under load.
 */
async function checkConnectionBudget(databaseUrl: string, c: AppConfig): Promise<void> {
  const pg = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await pg.connect();
    const { rows } = await pg.query<{ max: string; reserved: string }>(
      `SELECT current_setting('max_connections') AS max, current_setting('superuser_reserved_connections') AS reserved`,
    );
    const available = Number(rows[0].max) - Number(rows[0].reserved);
    const needed = (c.apiProcesses + 1) * c.databasePoolSize;
    if (needed > available) {
      say(
        `Warning: ${c.apiProcesses} API process(es) and the worker may open ${needed} PostgreSQL connections (${c.databasePoolSize} each, DATABASE_POOL_SIZE), ` +
          `but the server accepts ${available}. Lower API_PROCESSES or DATABASE_POOL_SIZE, or raise max_connections.`,
      );
    }
  } catch {
    // only a warning: the migrations above already proved the database answers
  } finally {
    await pg.end().catch(() => undefined);
  }
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextNote = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (Date.now() > nextNote) {
      say(`The API is still starting (no answer at ${url} yet); waiting up to ${Math.round((deadline - Date.now()) / 1000)} s more.`);
      nextNote += 30000;
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`The API did not answer at ${url} within ${timeoutMs / 1000} s. Read the [api] lines above for the reason.`);
}
