import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { AddressPolicy } from './address-policy';
import { OutboundHttp } from './outbound-http';

/** Closes the shared agent's sockets when the process stops. */
@Injectable()
class OutboundCloser implements OnApplicationShutdown {
  constructor(@Inject(OutboundHttp) private readonly http: OutboundHttp) {}
  async onApplicationShutdown(): Promise<void> {
    await this.http.close().catch(() => undefined);
  }
}

/** Provides the one OutboundHttp of a process, with the policy from OUTBOUND_ALLOWLIST. Import it where URLs users typed are fetched. */
@Module({
  providers: [
    { provide: OutboundHttp, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new OutboundHttp(new AddressPolicy(config.outboundAllowlist)) },
    OutboundCloser,
  ],
  exports: [OutboundHttp],
})
export class OutboundModule {}
