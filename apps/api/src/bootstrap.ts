import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import cookieParser from 'cookie-parser';
import type { Express } from 'express';
import type { Server } from 'node:http';
import { AppConfig } from '@marquee/platform-config';
import {
  collectProcessMetrics,
  createLogger,
  httpMetricsMiddleware,
  joinMetricsCluster,
  openRequestContext,
  requestIdMiddleware,
  serverTimingMiddleware,
} from '@marquee/platform-observability';
import { QueryVerdicts, graphqlLimitsMiddleware } from '@marquee/platform-api';
import { CredentialsMiddleware } from '@marquee/platform-auth';
import { ApiModule } from './api.module';
import { edgeOptions } from './graphql-edge';
import { bodyErrorHandler, importParser, jsonParser, jsonParsers } from './body-limits';
import { securityHeaders } from './security-headers';
import { refuseCrossSiteWrites } from './cross-site-writes';
import { untrustedForwardingNotice } from './forwarding';
import { mountStudio } from './studio';
import { ClientFastPath, Handler } from './client-path';
import { boundRequestTimes } from './request-timeouts';

/** Builds the API application; main.ts listens, tests call this directly. */
export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const logger = createLogger(config, 'Marquee API');
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), { bodyParser: false, logger, abortOnError: false });
  // x-forwarded-for names the client only when it comes from a proxy the operator listed; anyone else could forge it
  // (and with it the address that sign-in and rate limits count by).
  app.set('trust proxy', config.trustedProxies.length ? config.trustedProxies : false);
  app.disable('x-powered-by');
  collectProcessMetrics('api');
  const edge = edgeOptions(config);
  const verdicts = new QueryVerdicts(edge.limits);
  const headers = securityHeaders(config.publicUrl);
  const notice = untrustedForwardingNotice(logger);
  const timing = serverTimingMiddleware({ sqlQueries: config.nodeEnv !== 'production' });
  joinMetricsCluster(); // with API_PROCESSES > 1: the cluster primary sums every process's metrics for /metrics
  app.use(headers);
  app.use(requestIdMiddleware);
  app.use(notice);
  app.use('/graphql', timing);
  app.use(httpMetricsMiddleware);
  app.use(cookieParser());
  app.use(refuseCrossSiteWrites);
  app.use('/api/imports', importParser(config.importMaxBytes));
  app.use(...jsonParsers());
  app.use(bodyErrorHandler);
  app.use('/graphql', graphqlLimitsMiddleware(verdicts));
  mountStudio(app.getHttpAdapter().getInstance() as Express, config.publicUrl);
  boundRequestTimes(app.getHttpServer() as Server, config.httpRequestTimeoutMs);

  if (config.graphqlFastPath) {
    // The client operations are answered in front of Express by the same pieces (client-path.ts); the rest goes on.
    const server = app.getHttpServer() as Server;
    const [general] = server.listeners('request') as Parameters<ClientFastPath['listener']>[0][];
    const fast = new ClientFastPath({
      schema: () => app.get(GraphQLSchemaHost).schema,
      verdicts,
      edge,
      credentials: app.get(CredentialsMiddleware),
      jsonParser: jsonParser(),
      before: {
        securityHeaders: headers as unknown as Handler,
        requestId: openRequestContext,
        forwardingNotice: notice as unknown as Handler,
        serverTiming: timing,
        metrics: httpMetricsMiddleware,
      },
      trustProxy: (app.getHttpAdapter().getInstance() as Express).get('trust proxy fn'),
      maxTokens: config.graphqlMaxTokens,
      markResponses: config.nodeEnv !== 'production',
    });
    server.removeAllListeners('request');
    server.on('request', fast.listener(general));
  }
  return app;
}
