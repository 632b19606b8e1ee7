// End-to-end through the real Pulumi engine: every blueprint previewed with the zeroport pack, up,
// compared with `zeroport render`, previewed for no changes, changed so its pods roll, destroyed.
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { BLUEPRINTS, runFromStackConfig } from "../../stacks";
import {
  createCluster,
  e2eConfig,
  liveMismatches,
  objectKey,
  renderBlueprint,
  volumeFor,
  type Cluster,
} from "./cluster";
import {
  PACK_RAN,
  POLICY_PACK_LAUNCHER,
  fakeLoadBalancers,
  mandatoryViolations,
  startEngine,
  withContextAliases,
  type Engine,
} from "./engine";
import { waitFor, type KubeObject } from "./kube-client";
import { secretStrings, withChangedResources } from "./blueprint-changes";

let cluster: Cluster;
let engine: Engine;
let stopLoadBalancers: () => void;
const timings: string[] = [];

beforeAll(async () => {
  cluster = createCluster("zeroport-engine", ["pulumi", "pulumi-resource-kubernetes"]);
  const kubeconfig = withContextAliases(cluster.kubeconfig, ["cluster-a", "cluster-b"]);
  engine = await startEngine(cluster.workdir, kubeconfig);
  stopLoadBalancers = fakeLoadBalancers(cluster.client);
}, 600_000);

afterAll(() => {
  stopLoadBalancers?.();
  for (const line of timings) process.stdout.write(`${line}\n`);
  cluster?.delete();
}, 120_000);

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await run();
  } finally {
    timings.push(`timing: ${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

const stackConfig = (name: string, config: unknown) => ({
  "zeroport:blueprint": { value: name },
  "zeroport:config": { value: JSON.stringify(config), secret: true },
});

describe.each(Object.keys(BLUEPRINTS))("blueprint %s through the Pulumi engine", (name) => {
  const config = e2eConfig(name);
  let manifests: KubeObject[] = [];
  let stack: Awaited<ReturnType<Engine["stack"]>>;
  const claims = () => manifests.filter((m) => m.kind === "PersistentVolumeClaim");

  beforeAll(async () => {
    manifests = renderBlueprint(name, cluster.workdir, config);
    stack = await engine.stack(
      name,
      () => Promise.resolve(runFromStackConfig()),
      stackConfig(name, config),
    );
    for (const pvc of claims()) await cluster.client.apply(volumeFor(pvc));
  }, 300_000);

  test("preview with the zeroport pack: the pack runs and finds no mandatory violation", async () => {
    const r = await timed(`${name} preview`, () =>
      stack.preview({ policyPacks: [POLICY_PACK_LAUNCHER] }),
    );
    expect(mandatoryViolations(r.stdout)).toEqual([]);
    expect(r.stdout).toMatch(PACK_RAN);
  }, 300_000);

  test("up creates exactly what zeroport render prints", async () => {
    await timed(`${name} up`, () => stack.up());
    expect(await liveMismatches(cluster.client, manifests)).toEqual([]);
  }, 900_000);

  test("a second preview expects no changes (no perpetual diff)", async () => {
    await stack.preview({ expectNoChanges: true });
  }, 300_000);

  test("a change that restarts pods rolls them and keeps every claim and identity Secret", async () => {
    const stateful = manifests.filter(
      (m) => m.kind === "PersistentVolumeClaim" || m.kind === "Secret",
    );
    const uids = async () =>
      Object.fromEntries(
        await Promise.all(
          stateful.map(async (m) => [objectKey(m), (await cluster.client.get(m))?.metadata.uid]),
        ),
      ) as Record<string, unknown>;
    const workloads = manifests.filter((m) => m.kind === "Deployment" || m.kind === "DaemonSet");
    const template = (m: KubeObject | undefined) =>
      JSON.stringify((m?.spec as { template?: unknown } | undefined)?.template);
    const live = async () =>
      Promise.all(workloads.map(async (m) => template(await cluster.client.get(m))));
    const before = { uids: await uids(), templates: await live() };
    const changed = withChangedResources(name, config);
    const rendered = renderBlueprint(name, cluster.workdir, changed);
    // The workloads whose rendered pod template the change touches must roll; no other may.
    const shouldRoll = workloads.map(
      (m) => template(rendered.find((r) => objectKey(r) === objectKey(m))) !== template(m),
    );
    expect(shouldRoll).toContain(true);
    await stack.setAllConfig(stackConfig(name, changed));
    const r = await timed(`${name} up (change)`, () => stack.up());
    expect(r.summary.resourceChanges?.replace ?? 0).toBe(0);
    expect(await uids()).toEqual(before.uids);
    const after = await live();
    expect(after.map((t, i) => t !== before.templates[i])).toEqual(shouldRoll);
    expect(await liveMismatches(cluster.client, rendered)).toEqual([]);
  }, 900_000);

  test("the stored state holds no secret in plaintext: none of the config's, no key the program made", () => {
    const state = engine.storedState(name);
    const secrets = secretStrings(config);
    // zero-trust-cluster's example refers to an existing Secret; the ZTM ones make their keys.
    const carriesNone = ["zero-trust-cluster", "ztm-mesh", "ztm-cross-cluster"];
    expect(secrets.length > 0 || carriesNone.includes(name)).toBe(true);
    // Each secret as written, and as JSON escapes it once or twice (a value inside a JSON string).
    const forms = (s: string) => [
      s,
      JSON.stringify(s).slice(1, -1),
      JSON.stringify(JSON.stringify(s)).slice(3, -3),
    ];
    const leaked = secrets.filter((s) => forms(s).some((f) => state.includes(f)));
    expect(leaked).toEqual([]);
    expect(state).not.toContain("PRIVATE KEY");
    expect(state).not.toContain('"plaintext"');
    // Where the blueprint has secrets, the state holds them: encrypted.
    if (secrets.length > 0 || name.startsWith("ztm-")) expect(state).toContain('"ciphertext"');
  }, 120_000);

  test("the ZTM mesh CA and permits the program made are real, and wired to the hub and agents", async () => {
    const made = manifests.filter(
      (m) =>
        m.kind === "Secret" && m.type === "kubernetes.io/tls" && m.metadata.name.includes("-mesh-"),
    );
    if (!name.startsWith("ztm-")) {
      expect(made).toEqual([]);
      return;
    }
    const live = async (m: KubeObject) =>
      ((await cluster.client.get(m))?.data ?? {}) as Record<string, string>;
    const pem = (data: Record<string, string>, key: string) =>
      Buffer.from(data[key] ?? "", "base64").toString("utf8");
    const caSecret = made.find((m) => m.metadata.name.endsWith("-mesh-ca"));
    expect(caSecret).toBeDefined();
    const ca = new crypto.X509Certificate(pem(await live(caSecret as KubeObject), "tls.crt"));
    expect([ca.subject, ca.ca]).toEqual(["CN=ca", true]);
    const years = (Date.parse(ca.validTo) - Date.now()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(19.9);
    const permits = made.filter((m) => m !== caSecret);
    expect(permits.length).toBeGreaterThan(0);
    for (const p of permits) {
      const data = await live(p);
      const cert = new crypto.X509Certificate(pem(data, "tls.crt"));
      expect([cert.subject, cert.verify(ca.publicKey), pem(data, "ca.crt")]).toEqual([
        "CN=root",
        true,
        ca.toString(),
      ]);
      // The agent using it carries its digest, so a renewed permit rolls it.
      const agents = await Promise.all(
        manifests.filter((m) => m.kind === "Deployment").map((m) => cluster.client.get(m)),
      );
      const revisions = agents.map(
        (d) =>
          (d?.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template
            .metadata.annotations?.["zeroport.io/permit-revision"],
      );
      expect(revisions).toContain(
        crypto.createHash("sha256").update(pem(data, "tls.crt")).digest("hex"),
      );
    }
  }, 120_000);

  test("destroy leaves nothing", async () => {
    await timed(`${name} destroy`, () => stack.destroy());
    for (const m of manifests) {
      await waitFor(`${objectKey(m)} gone`, 180_000, async () =>
        (await cluster.client.get(m)) ? "still there" : true,
      );
    }
    // Retain volumes are Released now; the next run gets fresh ones.
    for (const pvc of claims()) await cluster.client.delete(volumeFor(pvc));
    await stack.workspace.removeStack(name);
  }, 600_000);
});

describe("a deliberately insecure program", () => {
  test("fails preview with exactly its mandatory violations", async () => {
    const stack = await engine.stack("insecure", () => {
      new k8s.yaml.v2.ConfigFile("insecure", { file: path.join(__dirname, "insecure.yaml") });
      return Promise.resolve();
    });
    const failure = (await stack.preview({ policyPacks: [POLICY_PACK_LAUNCHER] }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { stdout?: string; message?: string } | undefined;
    expect(failure).toBeDefined();
    expect(mandatoryViolations(failure?.message ?? "")).toEqual([
      "no-host-ports kubernetes:apps/v1:Deployment: insecure:default/host-port-app",
      "no-loadbalancer-node-ports kubernetes:core/v1:Service: insecure:default/lb-with-node-ports",
      "no-nodeport-services kubernetes:core/v1:Service: insecure:default/open-nodeport",
    ]);
  }, 300_000);
});
