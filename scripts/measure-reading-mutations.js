#!/usr/bin/env node
// Measures how often zeroport's reading differs from kubectl's own (the kubectl-reader tool that
// test/e2e/build-tools.sh builds from k8s.io/cli-runtime) on byte-level mutations of real
// manifests: the blueprints as `zeroport render` prints them and the reading seeds. Each mutant
// gets one or two edits (insert, replace or delete) with characters from a set that holds every
// Unicode line break, BOMs, tabs, quotes, flow indicators and YAML indicators. Prints the count of
// differences by the characters used, and writes each differing file to the output directory.
// Usage: npm run build && node scripts/measure-reading-mutations.js [count] [seed] [outdir]
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const ROOT = path.join(__dirname, "..");
const { readObjects } = require(path.join(ROOT, "dist/reader/kube-objects.js"));
const { decodeAsKubectl } = require(path.join(ROOT, "dist/reader/input.js"));
const { BLUEPRINTS } = require(path.join(ROOT, "dist/stacks"));
const TOOLS = process.env.ZEROPORT_TOOLS || path.join(os.homedir(), ".cache/zeroport-e2e");
const [count = 2000, seed = 20261208, outdir = fs.mkdtempSync(path.join(os.tmpdir(), "mutants-"))] =
  process.argv.slice(2).map((a, i) => (i < 2 ? Number(a) : a));

const CHARS = [
  "\n",
  "\r",
  "\r\n",
  "\u0085",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\t",
  " ",
  '"',
  "'",
  "{",
  "}",
  "[",
  "]",
  ",",
  "#",
  "%",
  "!",
  "&",
  "*",
  ":",
  "-",
  "?",
  "|",
  ">",
  "\\",
];
let state = seed >>> 0;
const rand = (n) => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) % n;

const bases = [
  ...Object.keys(BLUEPRINTS).map((b) =>
    execFileSync(process.execPath, [path.join(ROOT, "bin/zeroport.js"), "render", b], {
      encoding: "utf8",
    }),
  ),
  ...fs
    .readdirSync(path.join(ROOT, "test/fixtures/kubectl-reading"))
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !/nested|alias-amplified/.test(f))
    .map((f) =>
      decodeAsKubectl(fs.readFileSync(path.join(ROOT, "test/fixtures/kubectl-reading", f))),
    ),
];

function mutate(text) {
  const used = [];
  let t = text;
  for (let k = 0, n = 1 + rand(2); k < n; k++) {
    const at = rand(t.length + 1);
    const c = CHARS[rand(CHARS.length)];
    const op = rand(3);
    if (op === 0) t = t.slice(0, at) + c + t.slice(at);
    else if (op === 1) t = t.slice(0, at) + c + t.slice(at + 1);
    else t = t.slice(0, at) + t.slice(at + 1);
    used.push(op === 2 ? "delete" : JSON.stringify(c));
  }
  return { text: t, used };
}

function zeroport(text) {
  try {
    return { objects: readObjects(decodeAsKubectl(Buffer.from(text))) };
  } catch (e) {
    return { objects: [], errors: [e.message] };
  }
}

const canon = (v) =>
  JSON.stringify(v, (_, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );

fs.mkdirSync(outdir, { recursive: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutate-"));
const mutants = Array.from({ length: count }, (_, i) => ({
  ...mutate(bases[i % bases.length]),
  i,
}));
const files = mutants.map((m) => {
  const f = path.join(dir, `${String(m.i).padStart(5, "0")}.yaml`);
  fs.writeFileSync(f, m.text);
  return f;
});
const kubectl = {};
for (let i = 0; i < files.length; i += 500)
  Object.assign(
    kubectl,
    JSON.parse(
      execFileSync(path.join(TOOLS, "bin/kubectl-reader"), files.slice(i, i + 500), {
        encoding: "utf8",
        maxBuffer: 1 << 28,
      }),
    ),
  );
const byChar = {};
let differences = 0;
let exposures = 0;
mutants.forEach((m, i) => {
  const k = kubectl[files[i]];
  const z = zeroport(m.text);
  const kf = (k.errors || []).length > 0;
  const zf = (z.errors || []).length > 0;
  if ((kf && zf) || (!kf && !zf && canon(k.objects) === canon(z.objects))) return;
  differences += 1;
  const key = m.used.join("+");
  byChar[key] = (byChar[key] || 0) + 1;
  const kinds = (r) =>
    JSON.stringify((r.objects || []).map((o) => [o.kind, o.spec && o.spec.type]));
  if (!kf && kinds(k) !== kinds(z)) exposures += 1;
  fs.writeFileSync(path.join(outdir, `${String(m.i).padStart(5, "0")}.yaml`), m.text);
  fs.writeFileSync(
    path.join(outdir, `${String(m.i).padStart(5, "0")}.why.txt`),
    `kubectl: ${kf ? k.errors.join("; ") : "reads " + k.objects.length}\nzeroport: ${zf ? z.errors.join("; ") : "reads " + z.objects.length}\n`,
  );
});
console.log(
  `mutants: ${count} (seed ${seed}, ${bases.length} bases); differences: ${differences}; ` +
    `of which kubectl reads a different kind or Service type: ${exposures}; written to ${outdir}`,
);
for (const [k, v] of Object.entries(byChar)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25))
  console.log(`  ${v}\t${k}`);
fs.rmSync(dir, { recursive: true, force: true });
