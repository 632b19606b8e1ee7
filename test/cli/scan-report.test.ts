// Pipeline formats: SARIF 2.1.0 checked against the official schema (shipped with Microsoft's
// @microsoft/jest-sarif), JUnit XML, and the --fail-on threshold.
import "@microsoft/jest-sarif";
import * as path from "node:path";
import type * as Sarif from "sarif";
import { RESOURCE_POLICIES } from "../../policy/rules";
import { run, tempFile } from "./helpers";

const FILE = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: NodePort, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: shop}
spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, externalTrafficPolicy: Local, loadBalancerSourceRanges: [203.0.113.0/24], ports: [{port: 443}]}
`;

describe("--format sarif", () => {
  test("is a valid SARIF 2.1.0 log with rule metadata, help and file/line regions", async () => {
    const file = tempFile("svc.yaml", FILE);
    const r = await run("scan", "--format", "sarif", file);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(log).toBeValidSarifLog();
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules?.map((x) => x.id)).toEqual(
      expect.arrayContaining(RESOURCE_POLICIES.map((p) => p.name)),
    );
    expect(run0.tool.driver.rules?.every((x) => x.help?.text && x.shortDescription?.text)).toBe(
      true,
    );
    const nodePort = run0.results?.find((x) => x.ruleId === "no-nodeport-services");
    expect(nodePort).toMatchObject({
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: path.relative(process.cwd(), file) },
            region: { startLine: 5 },
          },
        },
      ],
    });
    expect(run0.tool.driver.rules?.[nodePort?.ruleIndex ?? -1]?.id).toBe("no-nodeport-services");
    expect(run0.results?.filter((x) => x.level === "warning").length).toBeGreaterThan(0);
  });
});

describe("--format junit", () => {
  test("one test case per object, blocking verdicts as failures", async () => {
    const file = tempFile("svc.yaml", FILE);
    const r = await run("scan", "--format", "junit", file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '<testsuites name="zeroport scan" tests="3" failures="1" errors="0">',
    );
    expect(r.stdout).toContain(`<testcase classname="${file}" name="Service shop/web">`);
    expect(r.stdout).toContain(
      '<failure type="no-nodeport-services" message="Service shop/web is of type NodePort',
    );
    expect(r.stdout.match(/<failure /g)).toHaveLength(1);
    expect(r.stdout).toContain("<system-out>advisory: zero-exposure: Service shop/lb is reachable");
  });
});

describe("--fail-on", () => {
  const lbOnly = () =>
    tempFile(
      "lb.yaml",
      "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, ports: [{port: 443}]}\n",
    );
  test.each([
    ["mandatory", 0],
    ["advisory", 1],
    ["none", 0],
  ])("with only advisory findings, --fail-on %s exits %i", async (level, code) => {
    expect((await run("scan", "--fail-on", level, lbOnly())).code).toBe(code);
  });

  test("--fail-on none still reports, and never hides a usage error", async () => {
    const r = await run("scan", "--fail-on", "none", tempFile("svc.yaml", FILE));
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining("1 mandatory violation(s)")]);
    expect((await run("scan", "--fail-on", "never", "x")).stderr).toBe(
      'zeroport: --fail-on: must be mandatory, advisory, none (got "never")\n',
    );
  });
});
