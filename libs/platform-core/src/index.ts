export * from './errors';
export * from './clock';
export * from './random';
export * from './text';
export * from './circuit';
export * from './restart';
export * from './shutdown';
