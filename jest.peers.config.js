/** Agreement with peer policy projects on their own fixtures: reads ../shared/peer-corpus. */
const base = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ["<rootDir>/test/peers"],
  testMatch: ["**/*.peers.ts"],
};
