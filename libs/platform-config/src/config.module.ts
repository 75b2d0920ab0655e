import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '@marquee/platform-core';
import { AppConfig } from './config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The process-wide settings and the one clock every service reads the time from (tests swap in a FakeClock). */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [APP_CONFIG, Clock],
    };
  }
}
