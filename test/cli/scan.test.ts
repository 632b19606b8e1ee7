import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import type { ScanVerdict } from "../../cli/scan";
import { run, tempFile } from "./helpers";

const NODEPORT = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 31080
`;
const CLEAN = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: b
`;

describe("zeroport scan", () => {
  test("exits 1 on a mandatory violation and prints the verdicts as JSON", async () => {
    const file = tempFile("svc.yaml", `${CLEAN}---\n${NODEPORT}`);
    const r = await run("scan", "--format", "json", file);
    expect(r.code).toBe(1);
    const verdicts = JSON.parse(r.stdout) as ScanVerdict[];
    expect(verdicts.map(({ message: _m, ...v }) => v)).toEqual([
      {
        policy: "no-nodeport-services",
        level: "mandatory",
        kind: "Service",
        namespace: "shop",
        name: "web",
        file,
        line: 8,
        index: 1,
      },
      {
        policy: "zero-exposure",
        level: "advisory",
        kind: "Service",
        namespace: "shop",
        name: "web",
        file,
        line: 8,
        index: 1,
      },
    ]);
    expect(verdicts[0]?.message).toMatch(
      /^Service shop\/web is of type NodePort: it opens node port\(s\) 31080/,
    );
  });

  test("exits 0 when only advisory findings remain, with a text summary", async () => {
    const file = tempFile("ok.yaml", CLEAN);
    const r = await run("scan", file);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("1 object(s) judged: 0 mandatory violation(s), 0 advisory finding(s)\n");
  });

  test("reads directories recursively, JSON arrays, Lists and stdin", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-scan-"));
    fs.mkdirSync(path.join(dir, "nested"));
    fs.writeFileSync(path.join(dir, "nested", "a.yml"), NODEPORT);
    fs.writeFileSync(
      path.join(dir, "b.json"),
      JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }],
      }),
    );
    fs.writeFileSync(path.join(dir, "notes.txt"), "ignored");
    const r = await run("scan", "--format", "json", dir);
    expect(r.code).toBe(1);
    expect([...new Set((JSON.parse(r.stdout) as ScanVerdict[]).map((v) => v.file))]).toEqual([
      path.join(dir, "nested", "a.yml"),
    ]);

    let stdout = "";
    const code = await main(
      ["scan", "-"],
      { out: (t) => (stdout += t), err: () => undefined },
      () => NODEPORT,
    );
    expect(code).toBe(1);
    expect(stdout).toContain(
      "-#0: mandatory: no-nodeport-services: Service shop/web is of type NodePort",
    );
  });

  test("applies a --policy-pack-config style file", async () => {
    const file = tempFile("svc.yaml", NODEPORT);
    const config = tempFile("config.json", JSON.stringify({ "no-nodeport-services": "advisory" }));
    const r = await run("scan", "--config", config, "--format", "json", file);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as ScanVerdict[]).map((v) => `${v.level} ${v.policy}`)).toEqual([
      "advisory no-nodeport-services",
      "advisory zero-exposure",
    ]);
  });

  test.each([
    [["scan"], "zeroport: scan: name at least one FILE, DIR or - (stdin), or --cluster"],
    [
      ["scan", "--format", "xml", "x"],
      'zeroport: --format: must be text, json, sarif, junit (got "xml")',
    ],
    [
      ["scan", "/no/such/path"],
      "zeroport: /no/such/path: no such file or directory (or a broken link)",
    ],
    [
      ["scan", "--render-timeout", "nope", "x"],
      'zeroport: --render-timeout: must be a positive duration such as 30s, 2m or 500ms (got "nope")',
    ],
    [
      ["scan", "--cluster", "--values", "prod.yaml"],
      "zeroport: scan: --values, --set, --require-render, --render-timeout go with FILE or DIR",
    ],
  ])("usage error %j", async (argv, line) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${line}\n`);
  });

  test("names the file and line of malformed input, and still reports the rest", async () => {
    const broken = tempFile("broken.yaml", `${CLEAN}---\nkind: [\n`);
    let r = await run("scan", broken);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^zeroport: ${broken}:9:1: did not find expected node content`),
    );
    expect(r.stdout).toBe(
      "0 object(s) judged: 0 mandatory violation(s), 0 advisory finding(s); 1 input problem(s), on stderr: the scan is incomplete\n",
    );
    // A manifest with a document that is no Kubernetes object is refused by kubectl too.
    const mixed = tempFile("mixed.yaml", `${CLEAN}---\nreplicas: 3\n`);
    r = await run("scan", mixed);
    expect(r.stderr).toBe(
      `zeroport: ${mixed}:8: document 1 is not a Kubernetes object (no \`kind\`)\n`,
    );
  });

  test("a real repository scans: files that are not manifests are skipped and counted", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-repo-"));
    const write = (name: string, content: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    };
    write("package.json", '{"name": "app", "version": "1.0.0"}\n');
    write("tsconfig.json", '{"compilerOptions": {"strict": true}}\n');
    write("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n");
    write("chart/values.yaml", "replicaCount: 2\nservice:\n  type: NodePort\n");
    write(".github/workflows/ci.yml", "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n");
    write("Pulumi.dev.yaml", "config:\n  app:replicas: 2\n");
    write("k8s/kustomization.yaml", "resources: [svc.yaml]\n");
    write("k8s/svc.yaml", NODEPORT);
    // Without helm or kustomize on PATH: the chart is left with a note, the kustomization's own
    // files are read as they are (rendering with the tools: test/e2e/scan-render.e2e.ts).
    const path0 = process.env.PATH;
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "zeroport-no-tools-"));
    try {
      let r = await run("scan", dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `zeroport: note: ${path.join(dir, "chart")}: Helm chart not rendered: helm is not on PATH: install helm v3.14.0 or later on PATH; its objects were not judged (--require-render makes this an error)\n` +
          `zeroport: note: ${path.join(dir, "k8s")}: kustomization not rendered: kustomize is not on PATH: install kustomize v5.0.0 or later on PATH; the files below it are read as plain manifests (--require-render makes this an error)\n`,
      );
      expect(r.stdout).toMatch(
        /1 object\(s\) judged: 1 mandatory violation\(s\), 1 advisory finding\(s\); 5 file\(s\) skipped, not Kubernetes manifests\n$/,
      );
      r = await run("scan", "--require-render", dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        "zeroport: chart: Helm chart not rendered".replace("chart", path.join(dir, "chart")),
      );
      // One file that cannot be parsed: reported on stderr, the others judged, exit 2.
      write("k8s/broken.yaml", "kind: Service\nspec: [\n");
      for (const format of ["json", "sarif", "junit"]) {
        r = await run("scan", "--format", format, dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^zeroport: .*broken\.yaml:\d+:\d+: /m);
        expect(r.stdout).toContain("no-nodeport-services");
      }
      expect(r.stdout).toContain('errors="1"');
      r = await run("scan", "--format", "sarif", dir);
      const log = JSON.parse(r.stdout) as {
        runs: { invocations: { executionSuccessful: boolean }[] }[];
      };
      expect(log.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    } finally {
      process.env.PATH = path0;
    }
  });

  test("a directory of files that are not manifests passes with nothing judged", async () => {
    const file = tempFile("package.json", '{"name": "app"}\n');
    const r = await run("scan", path.dirname(file));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("1 file(s) skipped, not Kubernetes manifests");
  });

  test("rejects a bad config with every field path", async () => {
    const config = tempFile(
      "bad.json",
      JSON.stringify({
        "no-host-ports": { allowedHostPorts: ["53"] },
        "no-such-policy": "mandatory",
        all: "loud",
      }),
    );
    const r = await run("scan", "--config", config, tempFile("x.yaml", CLEAN));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^zeroport: ${config}: all: `)),
      expect.stringMatching(new RegExp(`^zeroport: ${config}: no-host-ports`)),
      expect.stringMatching(
        new RegExp(
          `^zeroport: ${config}: no-such-policy: is not a known field; allowed here: all, exposure-exemptions, no-nodeport-services,`,
        ),
      ),
    ]);
  });
});

describe("the example pack config", () => {
  test("is valid and makes zero-exposure mandatory", async () => {
    const example = require.resolve("../../policy/config.example.json");
    const r = await run(
      "scan",
      "--config",
      example,
      "--format",
      "json",
      tempFile("svc.yaml", NODEPORT),
    );
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as ScanVerdict[]).map((v) => `${v.level} ${v.policy}`)).toEqual([
      "mandatory no-nodeport-services",
      "mandatory zero-exposure",
    ]);
  });
});
