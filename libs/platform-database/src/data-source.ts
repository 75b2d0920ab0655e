import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { CountingClient } from './counting-client';
import { SnakeNamingStrategy } from './naming';
import { RedactingQueryLogger } from './query-logger';

export interface DatabaseOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
}

/** One place builds TypeORM options, so the API, the worker, the CLI and the tests agree on them. */
export function dataSourceOptions(o: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    entities: o.entities,
    migrations: o.migrations ?? [],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+, so no extension has to be installed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: ['error', 'migration'],
    // Never TypeORM's own console logger: it prints parameters, and parameters hold secrets.
    logger: new RedactingQueryLogger(['error', 'migration']),
    extra: {
      Client: CountingClient,
      max: o.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      // Keep connections for 10 minutes: opening one costs tens of milliseconds, more than the feed's whole budget.
      idleTimeoutMillis: 600_000,
      application_name: o.applicationName ?? 'marquee',
      ...(o.statementTimeoutMs ? { statement_timeout: o.statementTimeoutMs } : {}),
    },
  };
}

export function createDataSource(o: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(o));
}
