import cluster from 'node:cluster';
import { RequestListener, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication, Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@marquee/platform-config';
import { stopOnSignals } from '@marquee/platform-core';
import { describeDatabaseUrl } from '@marquee/platform-database';
import { createApi } from './bootstrap';
import { runApiCluster } from './cluster';

/**
 * One request through Express, Apollo and the engine before real traffic: the very first one through a cold process
 * takes far longer than the feed's 50 ms budget and would otherwise be answered from the fallback. It goes to a
 * private listener of this process's own (with API_PROCESSES > 1 a request to the shared port could reach another
 * process), before the process takes any traffic.
 */
async function warmUp(app: INestApplication): Promise<void> {
  const handler = app.getHttpServer().listeners('request')[0] as RequestListener | undefined;
  if (!handler) return;
  const server = createServer(handler);
  try {
    // exclusive: a port of this process alone, not one shared through the cluster primary.
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve));
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-marquee-warmup': '1' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    // a failed warm-up only costs the first real request some speed
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new Logger('Marquee API');
  if (!config.databaseUrl) {
    process.stderr.write('Config error: DATABASE_URL is not set. Run `npm start` to use the embedded PostgreSQL, or set DATABASE_URL to your server.\n');
    process.exit(78);
  }
  if (cluster.isPrimary && config.apiProcesses > 1) return runApiCluster(config);
  if (config.jwtSecretIsEphemeral) {
    logger.warn('JWT_SECRET is not set, so sessions will not survive a restart or work across API processes. Set JWT_SECRET to 32+ random characters.');
  }
  const app = await createApi(config);
  await app.init();
  await warmUp(app);
  await app.listen(config.port, config.host);
  logger.log(`Listening on ${config.publicUrl} (GraphQL /graphql, Studio /studio) with PostgreSQL at ${describeDatabaseUrl(config.databaseUrl)}.`);

  stopOnSignals(app, logger, config.shutdownTimeoutMs, {
    draining: 'no new requests; finishing those in flight',
    cutOff: 'Requests still open were cut off.',
  });
}

main().catch((e) => {
  process.stderr.write(`Marquee API could not start: ${e?.message ?? e}\n`);
  process.exit(1);
});
