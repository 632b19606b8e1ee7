/** End-to-end suite: a real control plane; see test/e2e/build-tools.sh. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/e2e"],
  testMatch: ["**/*.e2e.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testTimeout: 120000,
  reporters: ["default", "<rootDir>/test/summary-reporter.js"],
};
