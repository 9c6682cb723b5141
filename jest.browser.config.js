/**
 * `npm run test:browser`: tests that drive the local runtime in a real headless browser (Debian's
 * chromium through playwright-core). Not part of `npm test`: they need the browser installed.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.ts'],
  testTimeout: 120000,
  maxWorkers: 1,
};
