import { dropDatabase } from '../../libs/platform-database/src';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.MARQUEE_TEST_DATABASE_URL;
  if (url && !process.env.KEEP_TEST_DATABASE) await dropDatabase(url).catch(() => undefined);
}
