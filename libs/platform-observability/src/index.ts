export * from './logger';
export * from './request-context';
export * from './metrics';
export * from './server-timing';
export * from './cluster-metrics';
