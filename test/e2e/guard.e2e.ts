// The admission guard on a real API server: every object of the peer corpus and of the YAML
// semantics corpus is sent as a server-side dry-run create, and the admission verdict must equal
// `zeroport scan`'s verdict for it. Updates are judged too.
import * as fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import { isBlocking, objectsIn, scanObjects, type SourcedObject } from "../../cli/scan";
import { createCluster, renderComponent, zeroport, type Cluster } from "./cluster";
import { waitFor, type KubeObject } from "./kube-client";
import { peerCorpusDir } from "../helpers/peer-corpus";

const FIXTURES = path.join(__dirname, "..", "fixtures");
let cluster: Cluster;

/**
 * The config both sides judge with: the admin's grants listed (so `scan` checks them as the guard
 * does), one of them for zeroport's own node proxy.
 */
const CONFIG = {
  "exposure-exemptions": {
    grants: [
      {
        namespace: "ziti-node",
        kind: "DaemonSet",
        name: "ziti-node-proxy",
        policies: ["host-network-pods"],
        reason: "the node proxy routes Ziti addresses for every pod on the node",
        owner: "platform",
        expires: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      },
      {
        namespace: "default",
        kind: "Service",
        name: "reason-probe",
        policies: ["no-nodeport-services"],
        reason: "probes how admission and scan read exemption reasons",
        owner: "zeroport-e2e",
        expires: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      },
    ],
  },
};

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.(ya?ml|json)$/.test(e.name) && e.name !== "expectations.json" ? [full] : [];
  });
}

/** Every object the two corpora hold, as `zeroport scan` reads them (files it refuses are skipped). */
function corpus(): SourcedObject[] {
  return [
    ...yamlFiles(peerCorpusDir()),
    ...yamlFiles(path.join(FIXTURES, "yaml-semantics", "cases")),
  ].flatMap((file) => {
    try {
      return objectsIn(fs.readFileSync(file, "utf8"), file);
    } catch {
      return [];
    }
  });
}

type Verdict = "admitted" | "denied" | "not-applicable";

async function admission(obj: KubeObject): Promise<{ verdict: Verdict; detail: string }> {
  let target: string;
  try {
    target = await cluster.client.pathOf(obj, false);
  } catch (e) {
    return { verdict: "not-applicable", detail: (e as Error).message };
  }
  const res = await cluster.client.request("POST", `${target}?dryRun=All`, JSON.stringify(obj));
  if (res.status < 300) return { verdict: "admitted", detail: "" };
  if (res.status === 403 && res.body.includes("ValidatingAdmissionPolicy"))
    return { verdict: "denied", detail: res.body.slice(0, 300) };
  return { verdict: "not-applicable", detail: `HTTP ${res.status} ${res.body.slice(0, 200)}` };
}

beforeAll(async () => {
  cluster = createCluster("zeroport-guard");
  for (const m of renderComponent("ZeroExposureGuard", { config: CONFIG }, cluster.workdir))
    await cluster.client.apply(m);
  // Policies take effect once the API server has compiled them: wait for a known violation.
  const probe: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "probe", namespace: "default" },
    spec: { type: "NodePort", ports: [{ port: 80 }] },
  };
  await waitFor("the guard denies a NodePort Service", 60_000, async () =>
    (await admission(probe)).verdict === "denied" ? true : "not yet",
  );
  const namespaces = new Set(
    corpus()
      .map((o) => o.obj.metadata?.namespace)
      .filter((n): n is string => typeof n === "string"),
  );
  for (const name of namespaces)
    await cluster.client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
}, 600_000);

afterAll(() => cluster?.delete(), 120_000);

test("admission and zeroport scan give the same verdict for every object of both corpora", async () => {
  const objects = corpus();
  const differences: string[] = [];
  let compared = 0;
  let refused = 0;
  let denied = 0;
  for (const o of objects) {
    const expectDeny = scanObjects([o], CONFIG).some(isBlocking);
    const { verdict, detail } = await admission(o.obj as unknown as KubeObject);
    if (verdict === "not-applicable") {
      refused += 1; // invalid for the API server (or an unknown kind): it can never exist
      continue;
    }
    compared += 1;
    if (verdict === "denied") denied += 1;
    if ((verdict === "denied") !== expectDeny)
      differences.push(
        `${o.file}#${o.index} ${o.obj.kind}/${o.obj.metadata?.name}: scan ${expectDeny ? "denies" : "admits"}, admission ${verdict} ${detail}`,
      );
  }
  process.stdout.write(
    `parity: ${compared} objects judged by both (${denied} denied), ${refused} refused by the API server before admission (invalid or unknown kind)\n`,
  );
  expect(compared).toBeGreaterThan(50);
  expect(differences).toEqual([]);
}, 600_000);

test("admission and scan read an exemption reason alike, over generated text", async () => {
  // Characters where JavaScript's and CEL's notions of space and text differ: Unicode spaces,
  // NEL, BOM, zero-width and line separators, a combining mark, letters, digits, symbols.
  const alphabet = [
    " ",
    "\t",
    "\n",
    "\r",
    "\u00a0",
    "\u0085",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\u3000",
    "\u0301",
    "a",
    "7",
    "-",
    "\u20ac",
    "\u{1F600}",
  ];
  const reasons = fc.sample(
    fc.array(fc.constantFrom(...alphabet), { minLength: 0, maxLength: 4 }).map((cs) => cs.join("")),
    { numRuns: 150, seed: 19 },
  );
  const differences: string[] = [];
  let admitted = 0;
  for (const reason of reasons) {
    const svc = {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "reason-probe",
        namespace: "default",
        annotations: { "zeroport.io/exposure-exception": reason },
      },
      spec: { type: "NodePort", ports: [{ port: 80 }] },
    };
    const expectDeny = scanObjects(
      [{ obj: svc, file: "-", index: 0, doc: 0, line: 1 }],
      CONFIG,
    ).some(isBlocking);
    const { verdict } = await admission(svc);
    if (verdict === "admitted") admitted += 1;
    if ((verdict === "denied") !== expectDeny)
      differences.push(
        `${JSON.stringify(reason)}: scan ${expectDeny ? "denies" : "admits"}, admission ${verdict}`,
      );
  }
  process.stdout.write(`reasons: ${reasons.length} generated, ${admitted} admitted as exempt\n`);
  expect(admitted).toBeGreaterThan(10);
  expect(admitted).toBeLessThan(reasons.length);
  expect(differences).toEqual([]);
}, 300_000);

test("admission and scan agree on objects that name owners: a writer's owner references count for neither", async () => {
  await cluster.client.apply({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "ziti-node" },
  });
  // Pods, ReplicaSets and Jobs that name owners as a tenant would to borrow a grant: the granted
  // DaemonSet (right and wrong apiVersion), a ReplicaSet named as a granted Deployment's would be,
  // a Service; controller or not; with and without exposure and the exemption reason.
  const owner = fc.record({
    kind: fc.constantFrom("DaemonSet", "ReplicaSet", "Deployment", "Service", "Job"),
    apiVersion: fc.constantFrom("apps/v1", "v1", "batch/v1", "extensions/v1beta1"),
    name: fc.constantFrom("ziti-node-proxy", "ziti-node-proxy-7d9f", "other"),
    controller: fc.boolean(),
  });
  const shape = fc.record({
    kind: fc.constantFrom("Pod", "ReplicaSet", "Job"),
    hostNetwork: fc.boolean(),
    hostPort: fc.boolean(),
    reason: fc.boolean(),
    owners: fc.array(owner, { minLength: 1, maxLength: 2 }),
  });
  const samples = fc.sample(shape, { numRuns: 60, seed: 27 });
  const differences: string[] = [];
  let denied = 0;
  for (const [i, s] of samples.entries()) {
    const podMeta = {
      labels: { app: "borrow", "pod-template-hash": "7d9f" },
      ...(s.reason ? { annotations: { "zeroport.io/exposure-exception": "node agent" } } : {}),
    };
    const spec = {
      hostNetwork: s.hostNetwork,
      containers: [
        {
          name: "c",
          image: "registry.example/c:1.0",
          ...(s.hostPort ? { ports: [{ containerPort: 9100, hostPort: 9100 }] } : {}),
        },
      ],
    };
    const template = {
      metadata: podMeta,
      spec: s.kind === "Job" ? { ...spec, restartPolicy: "Never" } : spec,
    };
    const obj: KubeObject = {
      apiVersion: s.kind === "Pod" ? "v1" : s.kind === "Job" ? "batch/v1" : "apps/v1",
      kind: s.kind,
      metadata: {
        name: s.kind === "Pod" ? `ziti-node-proxy-${i}` : `ziti-node-proxy-7d9f${i}`,
        namespace: "ziti-node",
        ...(s.kind === "Pod" ? podMeta : {}),
        // The API server allows one controller reference: only the first may be one.
        ownerReferences: s.owners.map((o, n) => ({
          ...o,
          controller: n === 0 && o.controller,
          uid: `0000000${n}-0000-0000-0000-000000000000`,
        })),
      },
      spec:
        s.kind === "Pod"
          ? spec
          : s.kind === "Job"
            ? { template }
            : { selector: { matchLabels: podMeta.labels }, template },
    };
    const expectDeny = scanObjects([{ obj, file: "-", index: i, doc: i, line: 1 }], CONFIG).some(
      isBlocking,
    );
    const { verdict, detail } = await admission(obj);
    if (verdict === "denied") denied += 1;
    if (verdict === "not-applicable")
      differences.push(`${JSON.stringify(s)}: refused (${detail.slice(-160)})`);
    else if ((verdict === "denied") !== expectDeny)
      differences.push(
        `${JSON.stringify(s)}: scan ${expectDeny ? "denies" : "admits"}, admission ${verdict} ${detail}`,
      );
  }
  process.stdout.write(
    `owners: ${samples.length} objects naming owners, ${denied} denied by both\n`,
  );
  expect(denied).toBeGreaterThan(10);
  expect(differences).toEqual([]);
}, 300_000);

test("an update is judged too: a Service changed to NodePort is denied", async () => {
  const svc: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "becomes-nodeport", namespace: "default" },
    spec: { type: "ClusterIP", ports: [{ port: 80 }] },
  };
  await cluster.client.apply(svc);
  const res = await cluster.client.request(
    "PATCH",
    "/api/v1/namespaces/default/services/becomes-nodeport",
    JSON.stringify({ spec: { type: "NodePort" } }),
    "application/merge-patch+json",
  );
  expect(res.status).toBe(403);
  expect(res.body).toContain("no-nodeport-services");
}, 120_000);

test("zeroport's own escalation is admitted with its annotation and the admin's grant", async () => {
  const file = path.join(cluster.workdir, "node-proxy.json");
  const r = zeroport("render", "node-proxy", "--format", "json");
  fs.writeFileSync(file, r.stdout);
  const daemonSet = (JSON.parse(r.stdout) as KubeObject[]).find((m) => m.kind === "DaemonSet");
  await cluster.client.apply({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "ziti-node" },
  });
  const ds = daemonSet as KubeObject;
  expect((await admission(ds)).verdict).toBe("admitted");
  // Without the reason on the pod template (where its pods carry it), or under a name the grant
  // does not cover, the same DaemonSet is denied.
  const spec = ds.spec as { template: { metadata: Record<string, unknown> } };
  const { annotations: _a, ...podMeta } = spec.template.metadata;
  const bare = { ...ds, spec: { ...spec, template: { ...spec.template, metadata: podMeta } } };
  expect((await admission(bare as KubeObject)).verdict).toBe("denied");
  const renamed = { ...ds, metadata: { ...ds.metadata, name: "other-proxy" } };
  expect((await admission(renamed as KubeObject)).verdict).toBe("denied");
}, 120_000);
