import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { Express } from 'express';
import { AppConfig } from '@marquee/platform-config';
import { collectProcessMetrics, createLogger, httpMetricsMiddleware, joinMetricsCluster, requestIdMiddleware, serverTimingMiddleware } from '@marquee/platform-observability';
import { graphqlLimitsMiddleware } from '@marquee/platform-api';
import { ApiModule } from './api.module';
import { edgeOptions } from './graphql-edge';
import { bodyErrorHandler, importParser, jsonParsers } from './body-limits';
import { securityHeaders } from './security-headers';
import { untrustedForwardingNotice } from './forwarding';
import { mountStudio } from './studio';

/** Builds the API application; main.ts listens, tests call this directly. */
export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const logger = createLogger(config, 'Marquee API');
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), { bodyParser: false, logger, abortOnError: false });
  // x-forwarded-for names the client only when it comes from a proxy the operator listed; anyone else could forge it
  // (and with it the address that sign-in and rate limits count by).
  app.set('trust proxy', config.trustedProxies.length ? config.trustedProxies : false);
  app.disable('x-powered-by');
  collectProcessMetrics('api');
  joinMetricsCluster(); // with API_PROCESSES > 1: the cluster primary sums every process's metrics for /metrics
  app.use(securityHeaders(config.publicUrl));
  app.use(requestIdMiddleware);
  app.use(untrustedForwardingNotice(logger));
  app.use('/graphql', serverTimingMiddleware({ sqlQueries: config.nodeEnv !== 'production' }));
  app.use(httpMetricsMiddleware);
  app.use(cookieParser());
  app.use('/api/imports', importParser(config.importMaxBytes));
  app.use(...jsonParsers());
  app.use(bodyErrorHandler);
  app.use('/graphql', graphqlLimitsMiddleware(edgeOptions(config).limits));
  mountStudio(app.getHttpAdapter().getInstance() as Express, config.publicUrl);
  return app;
}
