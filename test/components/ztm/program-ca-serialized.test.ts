// ZtmProgramCa's provider as Pulumi ships it to the dynamic provider process: serialised with
// the SDK's own closure serialiser from the built package (as a user's program loads it), then
// loaded in a fresh node process as cmd/dynamic-provider does (module text, `exports.handler`).
// The real engine found a module-level Buffer that did not survive this; this is that check
// without the engine.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..", "..");
const BUILT = path.join(ROOT, "dist", "components", "ztm", "program-ca-provider.js");

const SERIALISE = `
const pulumi = require("@pulumi/pulumi");
const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
const { caMaterialProvider } = require(${JSON.stringify(BUILT)});
serializeFunction(() => caMaterialProvider, { allowSecrets: true }).then((sf) => {
  process.stdout.write(sf.text);
});
`;

const LOAD_AND_CREATE = `
const Module = require("module");
const text = require("fs").readFileSync(process.argv[1], "utf8");
const m = new Module("", module.parent);
m.paths = Module._nodeModulePaths(process.cwd());
m._compile(text, "");
const provider = m.exports.handler();
const inputs = { caHours: 175200, caRenewBeforeHours: 17520, permitHours: 8760, permitRenewBeforeHours: 2160, permits: ["agent"] };
provider.create(inputs).then(async (r) => {
  const { X509Certificate } = require("crypto");
  const diff = await provider.diff(r.id, r.outs, inputs);
  console.log(JSON.stringify({
    ca: new X509Certificate(r.outs.caCertificate).subject,
    permit: new X509Certificate(r.outs.permitCertificates.agent).verify(new X509Certificate(r.outs.caCertificate).publicKey),
    changes: diff.changes,
  }));
});
`;

test("the serialised provider creates the material in a process of its own, and diffs it as unchanged", () => {
  if (!fs.existsSync(BUILT)) throw new Error(`build first (npm run build): ${BUILT} is missing`);
  const serialised = spawnSync(process.execPath, ["-e", SERIALISE], {
    cwd: ROOT,
    encoding: "utf8",
  });
  // The serialiser's walk touches node's deprecated `sys` module: a warning, nothing else.
  expect(serialised.status).toBe(0);
  expect(serialised.stderr).not.toMatch(/Error/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-dynamic-"));
  const file = path.join(dir, "provider.js");
  fs.writeFileSync(file, serialised.stdout);
  // From an empty directory: only node's own modules can be resolved there.
  const run = spawnSync(process.execPath, ["-e", LOAD_AND_CREATE, file], {
    cwd: dir,
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  expect(JSON.parse(run.stdout)).toEqual({ ca: "CN=ca", permit: true, changes: false });
}, 60_000);
