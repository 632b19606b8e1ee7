// npm run bench:scan — times `zeroport scan` over 10,000 generated manifests (a mix of Services,
// Deployments, DaemonSets, CronJobs and ConfigMaps, some exposed) and prints manifests per second.
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
const file = path.join(dir, "manifests.yaml");
fs.writeFileSync(
  file,
  Array.from({ length: COUNT }, (_, i) => YAML.stringify(manifest(i))).join("---\n"),
);
const bin = path.join(__dirname, "..", "..", "bin", "zeroport.js");
const runs: number[] = [];
let objects = 0;
for (let run = 0; run < 3; run += 1) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, "scan", "--format", "json", file], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  runs.push(Number(process.hrtime.bigint() - start) / 1e9);
  if (result.status !== 1) throw new Error(`scan exited ${result.status}: ${result.stderr}`);
  objects = new Set((JSON.parse(result.stdout) as { index: number }[]).map((v) => v.index)).size;
}
const best = Math.min(...runs);
process.stdout.write(
  `scanned ${COUNT} manifests (${objects} with findings) in ${runs.map((s) => s.toFixed(2)).join("s, ")}s wall; ` +
    `best ${best.toFixed(2)}s = ${Math.round(COUNT / best)} manifests/s\n`,
);
fs.rmSync(dir, { recursive: true });
