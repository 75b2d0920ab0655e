import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { QueueName } from './queues';
import { bullConnection } from './redis';

/** Registers the BullMQ connection and every queue, so any module can inject a producer with @InjectQueue. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    const queues = Object.values(QueueName).map((name) => BullModule.registerQueue({ name }));
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            connection: bullConnection(config.redisUrl),
            prefix: `${config.redisPrefix}:bull`,
            defaultJobOptions: { removeOnComplete: { age: 24 * 3600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } },
          }),
        }),
        ...queues,
      ],
      exports: [BullModule],
    };
  }
}
