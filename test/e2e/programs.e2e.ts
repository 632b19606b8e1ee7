// End-to-end through the real Pulumi engine, for what users write themselves: sidecars injected
// into a Helm chart and a YAML file through `transforms`, and the pack from an installed package.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { LOOPBACK_CONTAINER, LoopbackSidecar } from "../../components/ziti/loopback-sidecar";
import { TPROXY_CONTAINER, TproxySidecar } from "../../components/ziti/tproxy-sidecar";
import { identityJson } from "../helpers/fixtures";
import { ROOT, createCluster, type Cluster } from "./cluster";
import { mandatoryViolations, startEngine, type Engine } from "./engine";
import type { KubeObject } from "./kube-client";

const FIXTURES = path.join(__dirname, "..", "fixtures");
let cluster: Cluster;
let engine: Engine;

beforeAll(async () => {
  cluster = createCluster("zeroport-programs", ["pulumi", "pulumi-resource-kubernetes"]);
  engine = await startEngine(cluster.workdir, cluster.kubeconfig);
}, 600_000);

afterAll(() => cluster?.delete(), 120_000);

describe("sidecars injected through transforms", () => {
  let stack: Awaited<ReturnType<Engine["stack"]>>;
  const program = () => {
    const tproxy = new TproxySidecar("checkout-egress", {
      namespace: { name: "shop", create: true },
      identity: { json: identityJson() },
      select: { labels: { app: "checkout" } },
    });
    const loopback = new LoopbackSidecar(
      "reports-egress",
      {
        namespace: "shop",
        identity: { json: identityJson() },
        services: [{ name: "hello-service", port: 8080 }],
        select: { labels: { app: "reports" } },
      },
      { dependsOn: [tproxy] },
    );
    new k8s.helm.v4.Chart(
      "checkout",
      { chart: path.join(FIXTURES, "charts", "checkout"), namespace: "shop" },
      { transforms: [tproxy.transform], dependsOn: [tproxy] },
    );
    new k8s.yaml.v2.ConfigFile(
      "reports",
      { file: path.join(FIXTURES, "reports.yaml") },
      { transforms: [loopback.transform], dependsOn: [loopback] },
    );
    return Promise.resolve();
  };
  const live = (name: string) =>
    cluster.client.get({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: "shop" },
    });
  const containers = (d: KubeObject | undefined) => {
    const spec = (d?.spec as { template: { spec: Record<string, { name: string }[] | undefined> } })
      .template.spec;
    return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.name);
  };

  beforeAll(async () => {
    stack = await engine.stack("transforms", program);
  }, 120_000);

  test("a local Helm chart's Deployment gets the tproxy sidecar, a YAML file's the loopback one", async () => {
    await stack.up();
    expect(containers(await live("checkout"))).toContain(TPROXY_CONTAINER);
    expect(containers(await live("checkout"))).toContain("app");
    expect(containers(await live("reports"))).toContain(LOOPBACK_CONTAINER);
    expect(containers(await live("reports"))).not.toContain(TPROXY_CONTAINER);
  }, 900_000);

  test("a second up changes nothing", async () => {
    const r = await stack.up();
    const changes = Object.entries(r.summary.resourceChanges ?? {}).filter(([op]) => op !== "same");
    expect(changes).toEqual([]);
  }, 600_000);

  test("destroy removes the workloads", async () => {
    await stack.destroy();
    expect(await live("checkout")).toBeUndefined();
    expect(await live("reports")).toBeUndefined();
  }, 600_000);
});

describe("the pack from an installed package", () => {
  test("npm pack, install into a fresh project, preview with its zeroport-policy-pack", async () => {
    const consumer = path.join(cluster.workdir, "consumer");
    fs.mkdirSync(consumer);
    const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", consumer], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop() as string;
    fs.writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
    );
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(consumer, tarball)],
      { cwd: consumer, stdio: "pipe" },
    );
    // The installed package holds the compiled pack and none of the TypeScript sources.
    const installed = path.join(consumer, "node_modules", "zeroport");
    expect(
      fs.existsSync(path.join(installed, "dist", "policy", "crossguard", "PulumiPolicy.yaml")),
    ).toBe(true);
    expect(fs.existsSync(path.join(installed, "policy", "crossguard", "pack.ts"))).toBe(false);
    const launcher = path.join(consumer, "node_modules", ".bin", "zeroport-policy-pack");
    const stack = await engine.stack("installed-pack", () => {
      new k8s.core.v1.Service("open", {
        metadata: { name: "open", namespace: "default" },
        spec: { type: "NodePort", selector: { app: "x" }, ports: [{ port: 80 }] },
      });
      return Promise.resolve();
    });
    const failure = (await stack.preview({ policyPacks: [launcher] }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { message?: string } | undefined;
    // The CLI shortens long paths in the middle: `(local: /tmp/.../.bin/zeroport-policy-pack)`.
    expect(failure?.message).toMatch(/zeroport@v0\.1\.0 \(local: \S*\.bin\/zeroport-policy-pack\)/);
    expect(mandatoryViolations(failure?.message ?? "")).toEqual([
      "no-nodeport-services kubernetes:core/v1:Service: open",
    ]);
  }, 600_000);
});
