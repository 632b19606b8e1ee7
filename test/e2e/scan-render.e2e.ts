// `zeroport scan` on a repository of Helm charts and kustomizations, rendered by the real helm and
// kustomize (built from their Go modules by build-tools.sh): each exposure named at its template
// line and the values key that set it; values files and --set as `helm template` takes them; a
// chart that fails is reported while the rest is judged.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ScanVerdict } from "../../cli/scan-report";
import { BIN } from "./cluster";

const ROOT = path.join(__dirname, "..", "..");
const REPO = path.join("test", "fixtures", "scan-render");

function scan(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "zeroport.js"), "scan", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}` },
  });
  for (const line of r.stderr.split("\n"))
    if (/rendered in/.test(line)) process.stdout.write(`timing: ${line}\n`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const at = (v: ScanVerdict) =>
  `${v.policy} ${v.file}:${v.line}${v.values ? ` ${v.values.key} ${v.values.file}:${v.values.line}` : ""}`;

test("each exposure is named at its template line and the values key that set it", () => {
  const r = scan("--format", "json", REPO);
  expect(r.code).toBe(1);
  const verdicts = JSON.parse(r.stdout) as ScanVerdict[];
  const web = path.join(REPO, "web");
  const edge = path.join(REPO, "ingress-controller");
  expect(
    verdicts
      .filter((v) => v.policy !== "zero-exposure")
      .map(at)
      .sort(),
  ).toEqual(
    [
      `no-host-network-listeners ${edge}/templates/daemonset.yaml:14 controller.hostNetwork ${edge}/values.yaml:2`,
      `no-host-ports ${edge}/templates/daemonset.yaml:22 controller.hostPort.http ${edge}/values.yaml:5`,
      `no-nodeport-services ${REPO}/app/overlays/prod/kustomization.yaml:1`,
      `no-nodeport-services ${web}/templates/service.yaml:6 service.type ${web}/values.yaml:7`,
    ].sort(),
  );
  // The base renders a ClusterIP Service: nothing there; the overlay's patch makes it NodePort.
  expect(verdicts.some((v) => v.file.includes("base"))).toBe(false);
  // Four sources rendered, each timed.
  expect(r.stderr.match(/rendered in \d+ ms/g)).toHaveLength(4);
});

test("SARIF points at the template and relates the values file's line", () => {
  const r = scan("--format", "sarif", path.join(REPO, "web"));
  const result = (
    JSON.parse(r.stdout) as {
      runs: { results: { ruleId: string; locations: unknown[]; relatedLocations?: unknown[] }[] }[];
    }
  ).runs[0]?.results.find((x) => x.ruleId === "no-nodeport-services");
  expect(result?.locations[0]).toMatchObject({
    physicalLocation: {
      artifactLocation: { uri: `${REPO}/web/templates/service.yaml` },
      region: { startLine: 6 },
    },
  });
  expect(result?.relatedLocations?.[0]).toMatchObject({
    physicalLocation: {
      artifactLocation: { uri: `${REPO}/web/values.yaml` },
      region: { startLine: 7 },
    },
  });
});

test("values files and --set change what is rendered, as helm template takes them", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-values-"));
  const internal = path.join(dir, "internal.yaml");
  fs.writeFileSync(
    internal,
    "controller:\n  hostNetwork: false\n  hostPort:\n    enabled: false\n",
  );
  let r = scan("--format", "json", "--values", internal, path.join(REPO, "ingress-controller"));
  expect([r.code, r.stdout.trim()]).toEqual([0, "[]"]);
  r = scan("--format", "json", "--set", "service.type=ClusterIP", path.join(REPO, "web"));
  expect([r.code, r.stdout.trim()]).toEqual([0, "[]"]);
  // A NodePort set on the command line is traced to --set.
  fs.writeFileSync(path.join(dir, "cluster-ip.yaml"), "service:\n  type: ClusterIP\n");
  r = scan(
    "--format",
    "json",
    "--values",
    path.join(dir, "cluster-ip.yaml"),
    "--set",
    "service.type=NodePort",
    path.join(REPO, "web"),
  );
  expect(r.code).toBe(1);
  expect((JSON.parse(r.stdout) as ScanVerdict[])[0]?.message).toContain(
    "(values key `service.type`, set in --set)",
  );
});

test("a template named on its own renders its chart; a chart that fails is reported, the rest judged", () => {
  let r = scan("--format", "json", path.join(REPO, "web", "templates", "service.yaml"));
  expect(r.code).toBe(1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-charts-"));
  fs.cpSync(path.join(ROOT, REPO, "web"), path.join(dir, "web"), { recursive: true });
  fs.mkdirSync(path.join(dir, "broken", "templates"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "broken", "Chart.yaml"),
    "apiVersion: v2\nname: broken\nversion: 0.1.0\n",
  );
  fs.writeFileSync(
    path.join(dir, "broken", "templates", "cm.yaml"),
    "kind: ConfigMap\ndata: {{ .Values.x.y }\n",
  );
  r = scan("--format", "json", dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    new RegExp(
      `zeroport: ${dir}/broken: Helm chart not rendered: helm failed \\(exit 1\\): .*cm\\.yaml`,
    ),
  );
  expect((JSON.parse(r.stdout) as ScanVerdict[]).map((v) => v.policy)).toContain(
    "no-nodeport-services",
  );
});
