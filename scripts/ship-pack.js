// After `tsc`, makes dist/policy/crossguard a complete, compiled CrossGuard pack: the manifest the
// CLI reads (PulumiPolicy.yaml) and a package.json whose main is the compiled index.js, so an
// installed zeroport needs neither its TypeScript sources nor ts-node to run the pack.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const src = path.join(root, "policy", "crossguard");
const out = path.join(root, "dist", "policy", "crossguard");
fs.copyFileSync(path.join(src, "PulumiPolicy.yaml"), path.join(out, "PulumiPolicy.yaml"));
const { name, version, description } = JSON.parse(
  fs.readFileSync(path.join(src, "package.json"), "utf8"),
);
fs.writeFileSync(
  path.join(out, "package.json"),
  JSON.stringify({ name, version, description, private: true, main: "index.js" }, null, 2) + "\n",
);
