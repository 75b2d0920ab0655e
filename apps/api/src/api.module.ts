import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { AccountsApiModule } from '@marquee/accounts';
import { AuditApiModule, AuditModule } from '@marquee/audit';
import { LaunchApiModule } from '@marquee/launch';
import { WebhooksApiModule } from '@marquee/webhooks';
import { EventsApiModule } from '@marquee/events';
import { PlacementApiModule } from '@marquee/placement';
import { AnalysisApiModule } from '@marquee/analysis';
import { CatalogApiModule, DemoMediaController } from '@marquee/catalog';
import { KnownOperationTypesRule, ORPHANED_GRAPHQL_TYPES, formatError, graphqlEdgePlugin, statusPlugin } from '@marquee/platform-api';
import { ApiKeysModule, AuthModule, CredentialsMiddleware } from '@marquee/platform-auth';
import { APP_CONFIG, AppConfig, ConfigModule } from '@marquee/platform-config';
import { DatabaseModule } from '@marquee/platform-database';
import { QueueModule, RedisModule } from '@marquee/platform-queue';
import { ALL_ENTITIES } from '../../../migrations/entities';
import { edgeOptions } from './graphql-edge';
import { HealthController } from './health.controller';
import { HttpErrorsFilter } from './http-errors.filter';

/** Every module that contributes GraphQL resolvers; the schema printer (schema.ts) builds the committed schema from these. */
export const GRAPHQL_API_MODULES = [
  AccountsApiModule,
  AuditApiModule,
  CatalogApiModule,
  LaunchApiModule,
  WebhooksApiModule,
  EventsApiModule,
  PlacementApiModule,
  AnalysisApiModule,
];

@Module({})
export class ApiModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(ALL_ENTITIES, 'marquee-api'),
        QueueModule.forRoot(),
        RedisModule,
        AuditModule,
        AuthModule,
        ApiKeysModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [APP_CONFIG],
          useFactory: (cfg: AppConfig) => ({
            path: '/graphql',
            autoSchemaFile: true,
            // Not sorted at run time: Role's deprecated lowercase aliases share values with the UPPER_CASE names, and
            // graphql-js answers with the last name declared for a value, so the declaration order (aliases first) must
            // survive; sorting would put `reviewer` after `REVIEWER`. schema.graphql is still printed sorted (schema.ts).
            sortSchema: false,
            buildSchemaOptions: { orphanedTypes: ORPHANED_GRAPHQL_TYPES },
            playground: false,
            introspection: cfg.graphqlIntrospection,
            // Without introspection, "Did you mean …?" suggestions would still spell the schema out.
            hideSchemaDetailsFromClientErrors: !cfg.graphqlIntrospection,
            // The parser stops at this many tokens (graphqlLimitsMiddleware refuses such documents first), so a 1 MB document costs no more to refuse than a short one.
            parseOptions: { maxTokens: cfg.graphqlMaxTokens },
            // A subscription (the schema has none) is refused as invalid before it runs, not failed while executing.
            validationRules: [KnownOperationTypesRule],
            context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
            fieldResolverEnhancers: ['guards'],
            formatError,
            plugins: [graphqlEdgePlugin(edgeOptions(cfg)), statusPlugin],
            // Our statusPlugin decides the status (401/403/429 when an operation produced nothing else); keep Nest from resetting it.
            preserveHttpStatusForExecutionErrors: false,
          }),
        }),
        ...GRAPHQL_API_MODULES,
      ],
      controllers: [HealthController, DemoMediaController],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorsFilter }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // /metrics takes METRICS_TOKEN as its bearer token, which is no session token: it checks that itself.
    consumer.apply(CredentialsMiddleware).exclude('metrics').forRoutes('*path');
  }
}
