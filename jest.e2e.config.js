/** End-to-end suite: a real control plane; see test/e2e/build-tools.sh. */
const base = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ["<rootDir>/test/e2e"],
  testMatch: ["**/*.e2e.ts"],
  testTimeout: 120000,
};
