/**
 * Measurements that are not tests: they run the real stack many times to show a distribution (how often something
 * happens), which no test in the suite should take the time to do. Run one with
 *   npm run build:server && TZ=UTC npx jest -c test/measure/jest.config.js --runInBand <file>
 * They reuse the integration tier's set-up (a fresh database, a Redis prefix of their own) and never run in `npm test`.
 */
const base = require('../../jest.config.js');
const integration = base.projects.find((p) => p.displayName === 'integration');
module.exports = {
  ...integration,
  rootDir: '../..',
  displayName: 'measure',
  testMatch: ['<rootDir>/test/measure/**/*.measure.ts'],
  testTimeout: 3_600_000,
};
