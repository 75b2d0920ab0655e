export * from './time';
export * from './rollout';
export * from './states';
export * from './order';
export * from './launch-decision';
