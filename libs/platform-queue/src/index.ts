export * from './queues';
export * from './redis';
export * from './queue.module';
export * from './redis.module';
export * from './scheduler-keeper';
