import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@marquee/platform-config';
import { stopOnSignals } from '@marquee/platform-core';
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

  stopOnSignals(app, logger, config.shutdownTimeoutMs, {
    draining: 'taking no new jobs; finishing the ones running',
    cutOff: 'BullMQ will retry the jobs cut off once their lock expires.',
  });
}

main().catch((e) => {
  process.stderr.write(`Marquee worker could not start: ${e?.message ?? e}\n`);
  process.exit(1);
});
