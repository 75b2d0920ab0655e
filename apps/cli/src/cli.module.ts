import { DynamicModule, Module } from '@nestjs/common';
import { AccountsCoreModule } from '@marquee/accounts';
import { AuditModule } from '@marquee/audit';
import { CatalogCoreModule } from '@marquee/catalog';
import { LaunchCoreModule } from '@marquee/launch';
import { PlacementCoreModule } from '@marquee/placement';
import { AuthModule } from '@marquee/platform-auth';
import { AppConfig, ConfigModule } from '@marquee/platform-config';
import { DatabaseModule } from '@marquee/platform-database';
import { QueueModule, RedisModule } from '@marquee/platform-queue';
import { ALL_ENTITIES } from '../../../migrations/entities';
import { DemoWorkspace } from './demo-workspace';

/** The services a CLI command may use, without the HTTP and GraphQL layers. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(ALL_ENTITIES, 'marquee-cli'),
        QueueModule.forRoot(),
        RedisModule,
        AuditModule,
        AuthModule,
        AccountsCoreModule,
        CatalogCoreModule,
        LaunchCoreModule,
        PlacementCoreModule,
      ],
      providers: [DemoWorkspace],
    };
  }
}
