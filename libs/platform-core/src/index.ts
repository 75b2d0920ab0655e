export * from './errors';
export * from './clock';
export * from './random';
