import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { createDataSource, ensureDatabase } from '../../libs/platform-database/src';
import { ALL_ENTITIES } from '../../migrations/entities';
import { ALL_MIGRATIONS } from '../../migrations';

/**
 * Each test run gets its own database on the real PostgreSQL, built by the migrations (never synchronize).
 * TEST_DATABASE_SERVER points at the server; the default is the local one.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MARQUEE_TEST_DATABASE_URL) return; // already set up by an earlier project in this run
  const server = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(server);
  url.pathname = `/marquee_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const dbUrl = url.toString();
  await ensureDatabase(dbUrl);
  const ds = createDataSource({ url: dbUrl, entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS, applicationName: 'marquee-test-setup' });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  process.env.MARQUEE_TEST_DATABASE_URL = dbUrl;
  process.env.MARQUEE_TEST_REDIS_PREFIX = `mqtest${Date.now()}`;
}
