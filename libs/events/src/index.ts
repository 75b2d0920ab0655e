export * from './tracking-token';
export * from './events.service';
export * from './partitions';
export * from './events.module';
