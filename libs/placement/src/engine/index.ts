export * from './features';
export * from './model';
export * from './candidates';
export * from './slate';
export * from './budget';
export * from './content-test';
export * from './position-bias';
export * from './collab';
export { probBetaGreater, betaCdf } from './math';
