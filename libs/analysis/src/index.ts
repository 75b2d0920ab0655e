export * from './ope';
