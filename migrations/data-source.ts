import 'reflect-metadata';
import { createDataSource } from '@marquee/platform-database';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from './index';

/** For the TypeORM CLI (`npm run migration:generate|run|revert`), which runs the compiled copy under dist/. */
export default createDataSource({
  url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/marquee',
  entities: ALL_ENTITIES,
  migrations: ALL_MIGRATIONS,
  applicationName: 'marquee-migrations',
});
