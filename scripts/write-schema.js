#!/usr/bin/env node
// Writes plugin/schema.json, the Pulumi package schema generated from the components' zod schemas
// (plugin/schema.ts); run through `npm run schema`, which builds first and formats after.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ROOT = path.join(__dirname, "..");
const { packageSchema } = require(path.join(ROOT, "dist/plugin/schema"));
const { COMPONENTS } = require(path.join(ROOT, "dist/components/registry"));
const { version } = require(path.join(ROOT, "package.json"));
fs.writeFileSync(
  path.join(ROOT, "plugin/schema.json"),
  `${JSON.stringify(packageSchema(COMPONENTS, version), null, 2)}\n`,
);
