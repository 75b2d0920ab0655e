import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { deriveKey } from '@marquee/platform-auth';
import { EventsResolver } from './events.resolver';
import { EventsService, TRACKING_TOKENS } from './events.service';
import { PartitionService } from './partitions';
import { TrackingTokens } from './tracking-token';

const TOKEN_TTL_MS = 7 * 24 * 3600_000;

@Module({
  providers: [
    EventsService,
    PartitionService,
    { provide: TRACKING_TOKENS, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new TrackingTokens(deriveKey(c.jwtSecret, 'tracking'), TOKEN_TTL_MS) },
  ],
  exports: [EventsService, PartitionService, TRACKING_TOKENS],
})
export class EventsCoreModule {}

@Module({ imports: [EventsCoreModule], providers: [EventsResolver] })
export class EventsApiModule {}
