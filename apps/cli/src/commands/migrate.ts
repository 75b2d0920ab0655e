import { createDataSource, ensureDatabase } from '@marquee/platform-database';
import { ALL_ENTITIES } from '../../../../migrations/entities';
import { ALL_MIGRATIONS } from '../../../../migrations';

/** Applies pending migrations, creating the database first if it does not exist. Returns the names applied. */
export async function migrate(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const ds = createDataSource({ url, entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS, applicationName: 'marquee-migrate' });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

export async function revertLast(url: string): Promise<void> {
  const ds = createDataSource({ url, entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS, applicationName: 'marquee-migrate' });
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
