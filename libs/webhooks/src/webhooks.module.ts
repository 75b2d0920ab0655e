import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WEBHOOK_ENTITIES } from './entities';
import { WebhookSender } from './webhook.sender';
import { WebhookService } from './webhook.service';
import { WebhooksProcessor } from './webhooks.processor';
import { WebhooksResolver } from './webhooks.resolver';

@Module({ imports: [TypeOrmModule.forFeature(WEBHOOK_ENTITIES)], providers: [WebhookService], exports: [WebhookService] })
export class WebhooksCoreModule {}

@Module({ imports: [WebhooksCoreModule], providers: [WebhooksResolver] })
export class WebhooksApiModule {}

@Module({ imports: [WebhooksCoreModule], providers: [WebhookSender, WebhooksProcessor] })
export class WebhooksWorkerModule {}
