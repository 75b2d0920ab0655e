export * from './address-policy';
export * from './outbound-http';
export * from './outbound.module';
export * from './url-rules';
export * from './failure-reasons';
