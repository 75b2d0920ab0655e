export * from './naming';
export * from './data-source';
export * from './admin';
export * from './embedded';
export * from './database.module';
export * from './query-logger';
export * from './faults';
export * from './split-writes';
