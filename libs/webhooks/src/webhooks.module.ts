import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboundModule } from '@marquee/platform-outbound';
import { WEBHOOK_ENTITIES } from './entities';
import { WebhookSender } from './webhook.sender';
import { WebhookService } from './webhook.service';
import { WebhooksProcessor } from './webhooks.processor';
import { WebhooksResolver } from './webhooks.resolver';

@Module({ imports: [TypeOrmModule.forFeature(WEBHOOK_ENTITIES), OutboundModule], providers: [WebhookService], exports: [WebhookService, OutboundModule] })
export class WebhooksCoreModule {}

@Module({ imports: [WebhooksCoreModule], providers: [WebhooksResolver] })
export class WebhooksApiModule {}

@Module({ imports: [WebhooksCoreModule], providers: [WebhookSender, WebhooksProcessor] })
export class WebhooksWorkerModule {}
