import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import 'reflect-metadata';
import { createDataSource, dropDatabase, ensureDatabase } from '../../libs/platform-database/src';
import { ALL_ENTITIES } from '../../migrations/entities';
import { ALL_MIGRATIONS } from '../../migrations';
import { dbUrl } from '../support/stack';

describe('migrations and entities', () => {
  it('agree: TypeORM finds nothing to change after the migrations ran', async () => {
    const ds = createDataSource({ url: dbUrl(), entities: ALL_ENTITIES });
    await ds.initialize();
    try {
      const sql = await ds.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('lists every migration file in migrations/index.ts', () => {
    const files = readdirSync(resolve(__dirname, '../../migrations')).filter((f) => /^\d{13}-.+\.ts$/.test(f));
    const names = ALL_MIGRATIONS.map((m) => (m as unknown as { name: string }).name);
    expect(files.length).toBe(names.length);
    for (const f of files) {
      const [ts, rest] = f.replace(/\.ts$/, '').split('-');
      expect(names).toContain(`${rest}${ts}`);
    }
  });

  it('reverts cleanly: every down() undoes its up()', async () => {
    const url = new URL(dbUrl());
    url.pathname = `${url.pathname}_down`;
    await ensureDatabase(url.toString());
    const ds = createDataSource({ url: url.toString(), entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS });
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      for (let i = 0; i < ALL_MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      const tables = await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'typeorm_migrations'`);
      expect(tables).toEqual([]);
    } finally {
      await ds.destroy();
      await dropDatabase(url.toString());
    }
  });
});
