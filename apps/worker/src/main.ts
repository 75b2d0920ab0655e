import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@marquee/platform-config';
import { collectProcessMetrics, createLogger } from '@marquee/platform-observability';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) {
    process.stderr.write('Config error: DATABASE_URL is not set. Run `npm start` to use the embedded PostgreSQL, or set DATABASE_URL to your server.\n');
    process.exit(78);
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: createLogger(config, 'Marquee worker'), abortOnError: false });
  collectProcessMetrics('worker');
  const logger = new Logger('Marquee worker');
  logger.log('Worker started.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: taking no new jobs; finishing the ones running (at most ${config.shutdownTimeoutMs} ms).`);
    const force = setTimeout(() => {
      logger.error(`Jobs still running after ${config.shutdownTimeoutMs} ms; exiting now. BullMQ will retry them once their lock expires.`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    try {
      await app.close();
      logger.log('Stopped cleanly.');
      process.exit(0);
    } catch (e) {
      logger.error(`Error while stopping: ${(e as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`Marquee worker could not start: ${e?.message ?? e}\n`);
  process.exit(1);
});
