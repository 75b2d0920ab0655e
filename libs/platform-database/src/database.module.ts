import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { dataSourceOptions } from './data-source';

@Global()
@Module({})
export class DatabaseModule {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  static forRoot(entities: Function[], applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            if (!config.databaseUrl) {
              throw new Error(
                'DATABASE_URL is not set. `npm start` sets it for you; when you run a process on its own, point DATABASE_URL at your PostgreSQL.',
              );
            }
            return {
              ...dataSourceOptions({ url: config.databaseUrl, entities, poolSize: config.databasePoolSize, applicationName }),
              retryAttempts: 3,
              retryDelay: 1000,
            };
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
