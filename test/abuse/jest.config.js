/**
 * `npm run test:abuse`: the abuse and fault suite (test/abuse/README.md). It owns its PostgreSQL cluster and its
 * Redis, so it has no globalSetup: nothing here touches the shared servers.
 */
const base = require('../../jest.config.js');
const common = base.projects[0];
module.exports = {
  rootDir: '../..',
  transform: common.transform,
  moduleNameMapper: common.moduleNameMapper,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/abuse/**/*.abuse-spec.ts'],
  setupFiles: ['<rootDir>/test/abuse/setup-env.ts'],
  testTimeout: 30 * 60 * 1000,
};
