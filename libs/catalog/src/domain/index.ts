export * from './kinds';
export * from './item-fields';
export * from './validation';
export * from './diff';
export * from './app-version';
export * from './viewer-context';
