export * from './entities';
export * from './signing';
export * from './webhook.service';
export * from './webhooks.module';
