#!/usr/bin/env node
// The `zeroport` command. `npm ci` compiles the TypeScript into dist/ (the `prepare` script).
"use strict";
const { main } = require("../dist/cli/main.js");
const { guardOutput } = require("../dist/cli/output-errors.js");

guardOutput(process, (code) => process.exit(code));
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`zeroport: internal error: ${err && err.message}\n`);
    process.exitCode = 3;
  },
);
