#!/usr/bin/env node
// The zeroport pack as an executable analyzer: `pulumi preview --policy-pack <this file>`. The
// Pulumi CLI (3.255 and later) starts an executable pack with the engine address as its argument;
// this runs the compiled pack through @pulumi/pulumi's own policy-pack runner, so no Node.js
// language host is needed.
const path = require("node:path");

const engine = process.argv[2];
if (!engine) {
  console.error("usage: zeroport-policy-pack <engine-address> (the Pulumi CLI passes it)");
  process.exit(2);
}
const pack = path.join(__dirname, "..", "dist", "policy", "crossguard");
const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [pack] });
process.chdir(pack);
process.argv = [process.argv[0], runner, engine, "."];
require(runner);
