// npm run bench:scan: times `zeroport scan` over 10,000 and 100,000 generated manifests (a mix of
// Services, Deployments, DaemonSets, CronJobs and ConfigMaps, some exposed) against a bare js-yaml
// parse of the same file, with each process's peak memory, and checks the verdicts agree.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";

const COUNT = Number(process.env.BENCH_MANIFESTS ?? 10000);

function manifest(i: number): Record<string, unknown> {
  const metadata = {
    name: `obj-${i}`,
    namespace: `ns-${i % 50}`,
    labels: { app: `app-${i % 100}` },
  };
  const pod = {
    hostNetwork: i % 97 === 0,
    containers: [
      {
        name: "app",
        image: "app:1.0",
        ports: [{ containerPort: 8080, ...(i % 31 === 0 ? { hostPort: 8080 } : {}) }],
      },
    ],
  };
  switch (i % 5) {
    case 0:
      return {
        apiVersion: "v1",
        kind: "Service",
        metadata,
        spec: { type: ["ClusterIP", "NodePort", "LoadBalancer"][i % 3], ports: [{ port: 80 }] },
      };
    case 1:
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata,
        spec: {
          selector: { matchLabels: metadata.labels },
          template: { metadata: { labels: metadata.labels }, spec: pod },
        },
      };
    case 2:
      return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata,
        spec: {
          selector: { matchLabels: metadata.labels },
          template: { metadata: { labels: metadata.labels }, spec: pod },
        },
      };
    case 3:
      return {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata,
        spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: pod } } } },
      };
    default:
      return { apiVersion: "v1", kind: "ConfigMap", metadata, data: { key: "value" } };
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-bench-"));
const bin = path.join(__dirname, "..", "..", "bin", "zeroport.js");
// Reports the child's peak resident memory when it exits, preloaded with --require.
const rss = path.join(dir, "rss.js");
fs.writeFileSync(
  rss,
  'process.on("exit", () => require("fs").writeSync(2, `maxrss ${process.resourceUsage().maxRSS}\\n`));',
);

function write(name: string, count: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, "w");
  for (let i = 0; i < count; i += 1)
    fs.writeSync(fd, `${i > 0 ? "---\n" : ""}${YAML.stringify(manifest(i % 10_000))}`);
  fs.closeSync(fd);
  return file;
}

interface Run {
  seconds: number;
  maxRssMiB: number;
  stdout: string;
}

function timed(args: string[]): Run {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", rss, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`exited ${r.status}: ${r.stderr}`);
  const kb = Number(/maxrss (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { seconds, maxRssMiB: kb / 1024, stdout: r.stdout };
}

/** The fastest of `n` runs. */
function best(n: number, args: string[]): Run {
  const runs = Array.from({ length: n }, () => timed(args));
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/** The floor: a process that reads the file and parses every document with js-yaml, nothing more. */
const bare = (file: string) =>
  best(3, [
    "-e",
    `require("js-yaml").loadAll(require("fs").readFileSync(${JSON.stringify(file)}, "utf8"))`,
  ]);
const scan = (file: string) => best(3, [bin, "scan", "--format", "json", file]);
const findings = (r: Run) =>
  (JSON.parse(r.stdout) as { index: number; policy: string }[]).map(
    (v) => `${v.index % COUNT} ${v.policy}`,
  );

const small = write("manifests.yaml", COUNT);
const large = write("manifests-10x.yaml", COUNT * 10);
for (const [label, file] of [
  [`${COUNT}`, small],
  [`${COUNT * 10}`, large],
] as const) {
  const b = bare(file);
  const z = scan(file);
  process.stdout.write(
    `${label} manifests (${(fs.statSync(file).size / 1048576).toFixed(1)} MiB): zeroport scan ${z.seconds.toFixed(2)} s, ` +
      `${z.maxRssMiB.toFixed(0)} MiB peak; bare js-yaml parse ${b.seconds.toFixed(2)} s, ${b.maxRssMiB.toFixed(0)} MiB; ` +
      `ratio ${(z.seconds / b.seconds).toFixed(2)}x\n`,
  );
}
// The same verdicts whatever the size: the large file is the small one ten times over.
const once = findings(scan(small));
const tenTimes = findings(scan(large));
const same =
  tenTimes.length === once.length * 10 &&
  [...new Set(tenTimes)].sort().join("\n") === [...new Set(once)].sort().join("\n");
process.stdout.write(
  `verdicts: ${once.length} on ${COUNT}, ${tenTimes.length} on ${COUNT * 10}: ${same ? "the same" : "DIFFERENT"}\n`,
);
fs.rmSync(dir, { recursive: true });
if (!same) process.exitCode = 1;
