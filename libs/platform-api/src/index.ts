export * from './json.scalar';
export * from './limits';
export * from './errors';
export * from './pagination';
export * from './datetime.scalar';
