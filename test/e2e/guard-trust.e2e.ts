// The guard against a hostile tenant, on a real control plane whose kube-controller-manager runs
// each controller as its own service account (--use-service-account-credentials, kubeadm's
// default; guard-life.e2e.ts runs them as system:kube-controller-manager). A tenant writes every
// field of its own objects: owner references, finalizers, the names of namespaces it creates. The
// guard trusts only what the API server or an admin sets (README, "Threat model").
import { createCluster, type Cluster } from "./cluster";
import { EXCEPTION, day, guardConfig, guardOps, podSpec, service, workload } from "./guard-helpers";
import { KubeClient, waitFor, type KubeObject } from "./kube-client";

let cluster: Cluster;
let ops: ReturnType<typeof guardOps>;
/** May write Pods, Services and workloads in the shared namespace, where the admin's grants live. */
let tenant: KubeClient;
/** May create namespaces (a self-service platform) and write anything in them. */
let creator: KubeClient;

const RULES = ["no-host-ports", "no-host-network-listeners", "host-network-pods"];
const grant = (kind: string, name: string) => ({
  namespace: "shared",
  kind,
  name,
  policies: RULES,
  reason: "node agent",
  owner: "platform",
  expires: day(30),
});
const exposed = { hostNetwork: true, ports: [{ containerPort: 2222, hostPort: 2222 }] };
const agentPod = {
  hostNetwork: true,
  ports: [{ containerPort: 9100, hostPort: 9100 }],
  annotations: { [EXCEPTION]: "node agent" },
};

/** `obj` as the tenant writes it, naming `owner` (a live object) as its controller. */
function claiming(obj: KubeObject, owner: KubeObject): KubeObject {
  const meta = owner.metadata as { name: string; uid: string };
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      ownerReferences: [
        {
          apiVersion: owner.apiVersion,
          kind: owner.kind,
          name: meta.name,
          uid: meta.uid,
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    },
  };
}

function pod(name: string, namespace: string, shape: typeof exposed): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, annotations: { [EXCEPTION]: "node agent" } },
    spec: podSpec(name, shape),
  };
}

async function live(obj: KubeObject): Promise<KubeObject> {
  const found = await cluster.client.get(obj);
  if (!found) throw new Error(`${obj.kind} ${String(obj.metadata?.name)} is not there`);
  return found;
}

beforeAll(async () => {
  cluster = createCluster("zeroport-guard-trust", [], {
    controllerCredentials: "service-accounts",
  });
  ops = guardOps(cluster);
  await cluster.client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shared" } });
  const writer = [
    { apiGroups: [""], resources: ["services", "pods"], verbs: ["*"] },
    { apiGroups: ["apps"], resources: ["deployments", "daemonsets", "replicasets"], verbs: ["*"] },
  ];
  await ops.role("Role", "tenant-writer", writer, "shared");
  await ops.bindUser("RoleBinding", "tenant-writer", "mallory", "shared");
  // The self-service tenant: creates namespaces, and writes workloads anywhere (the platform's
  // controller would bind it in each namespace it creates; a ClusterRole stands for that here).
  await ops.role("ClusterRole", "namespace-creator", [
    { apiGroups: [""], resources: ["namespaces"], verbs: ["create", "get"] },
    ...writer,
  ]);
  await ops.bindUser("ClusterRoleBinding", "namespace-creator", "selfservice");
  await ops.bindUser(
    "ClusterRoleBinding",
    "namespace-creator",
    "system:serviceaccount:tigera-operator:tigera-operator",
  );
  tenant = new KubeClient(cluster.kubeconfig, { user: "mallory" });
  creator = new KubeClient(cluster.kubeconfig, { user: "selfservice" });
  await ops.installGuard(
    { config: guardConfig([grant("DaemonSet", "node-agent"), grant("Pod", "debug-agent")]) },
    "denied",
  );
}, 600_000);

afterAll(() => {
  tenant?.close();
  creator?.close();
  cluster?.delete();
}, 120_000);

test("a granted DaemonSet gets a pod on every node, also on one that joins, through its controller's identity", async () => {
  const ds = workload("DaemonSet", "node-agent", "shared", agentPod);
  expect((await ops.create(cluster.client, ds)).status).toBe(201);
  await ops.waitRunning("shared", "node-agent", () => ops.nodeCount());
  await ops.addNode();
  await ops.waitRunning("shared", "node-agent", () => ops.nodeCount());
  expect(await ops.events("shared", "FailedCreate")).toEqual([]);
  // The controllers run as their own service accounts (kube-controller-manager made this one).
  expect(
    (
      await cluster.client.request(
        "GET",
        "/api/v1/namespaces/kube-system/serviceaccounts/daemon-set-controller",
      )
    ).status,
  ).toBe(200);
  // The granted Pod the admin runs by hand.
  const debug = pod("debug-agent", "shared", exposed);
  expect((await ops.create(cluster.client, debug)).status).toBe(201);
}, 600_000);

test("a tenant cannot borrow a grant by naming a granted object as its controller", async () => {
  const ds = await live(workload("DaemonSet", "node-agent", "shared", {}));
  const granted = await live(pod("debug-agent", "shared", exposed));
  // A Pod naming the granted DaemonSet, and one naming the granted Pod.
  for (const [name, owner] of [
    ["borrow-ds", ds],
    ["borrow-pod", granted],
  ] as const) {
    const res = await ops.create(tenant, claiming(pod(name, "shared", exposed), owner));
    expect([name, res.status]).toEqual([name, 403]);
    expect(res.body).toContain("no unexpired grant in the guard covers it");
    expect(res.warnings.join(" ")).not.toContain("exempt from");
  }
  // A Deployment naming the DaemonSet, and a ReplicaSet named as the Deployment's would be.
  const deployment = workload("Deployment", "borrow-deploy", "shared", {
    ...exposed,
    annotations: { [EXCEPTION]: "node agent" },
  });
  expect((await ops.create(tenant, claiming(deployment, ds))).status).toBe(403);
  // Even a cluster admin's hand-written owner reference is no controller's word.
  expect(
    (await ops.create(cluster.client, claiming(pod("admin-borrow", "shared", exposed), ds), true))
      .status,
  ).toBe(403);
  // The same clean Pod under the same forged owner is admitted: only exposure is judged.
  const clean = claiming(
    { ...pod("clean-claim", "shared", exposed), spec: podSpec("clean-claim", {}) },
    ds,
  );
  expect((await ops.create(tenant, clean, true)).status).toBe(201);
}, 120_000);

test("an object being deleted cannot be re-exposed; removing its finalizer passes", async () => {
  const held = service(
    "held",
    "shared",
    { type: "ClusterIP", ports: [{ port: 80 }] },
    { finalizers: ["tenant.example/hold"] },
  );
  expect((await ops.create(tenant, held)).status).toBe(201);
  await tenant.delete(held, "Background");
  await waitFor("the deletionTimestamp", 60_000, async () =>
    ((await live(held)).metadata as { deletionTimestamp?: string }).deletionTimestamp
      ? true
      : "not yet",
  );
  for (const spec of [
    { type: "NodePort" },
    { type: "LoadBalancer" },
    { externalIPs: ["192.0.2.10"] },
  ]) {
    const res = await ops.patch(held, { spec }, "", tenant);
    expect([JSON.stringify(spec), res.status]).toEqual([JSON.stringify(spec), 403]);
  }
  expect(((await live(held)).spec as { type: string }).type).toBe("ClusterIP");
  // A label change exposes nothing; the finalizer's removal lets the deletion finish.
  expect((await ops.patch(held, { metadata: { labels: { a: "b" } } }, "", tenant)).status).toBe(
    200,
  );
  expect((await ops.patch(held, { metadata: { finalizers: null } }, "", tenant)).status).toBe(200);
  await waitFor("held gone", 60_000, async () =>
    (await cluster.client.get(held)) ? "still there" : true,
  );
}, 180_000);

test("a tenant who may create namespaces cannot squat an exempt name; admins and the Tigera operator can", async () => {
  const namespace = (name: string): KubeObject => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name },
  });
  const squat = await ops.create(creator, namespace("calico-system"));
  expect(squat.status).toBe(403);
  expect(squat.body).toContain(
    "namespace calico-system is left out of the exposure rules (exposure-exemptions.systemNamespaces or a rule's exemptNamespaces): only a user who may update validatingadmissionpolicies/zeroport-zero-exposure-namespaces",
  );
  // Had the name been squatted, this would be admitted: the binding leaves the namespace out.
  expect((await ops.create(creator, namespace("team-b"))).status).toBe(201);
  const np = service("np", "team-b", { type: "NodePort", ports: [{ port: 80 }] });
  expect((await ops.create(creator, np)).status).toBe(403);
  // The Tigera operator creates calico-system (the default namespaceCreators), and only that;
  // an admin may create any of them.
  const operator = new KubeClient(cluster.kubeconfig, {
    user: "system:serviceaccount:tigera-operator:tigera-operator",
    groups: [
      "system:serviceaccounts",
      "system:serviceaccounts:tigera-operator",
      "system:authenticated",
    ],
  });
  try {
    expect((await ops.create(operator, namespace("calico-system"))).status).toBe(201);
    expect((await ops.create(operator, namespace("kube-flannel"), true)).status).toBe(403);
  } finally {
    operator.close();
  }
  expect((await ops.create(cluster.client, namespace("kube-flannel"))).status).toBe(201);
}, 120_000);

test("system DaemonSets in kube-system run without extra setup, and plain objects pass", async () => {
  const proxy = workload("DaemonSet", "kube-proxy", "kube-system", { hostNetwork: true });
  expect((await ops.create(cluster.client, proxy)).status).toBe(201);
  await ops.waitRunning("kube-system", "kube-proxy", () => ops.nodeCount());
  const web = workload("Deployment", "web", "shared", { ports: [{ containerPort: 8080 }] });
  expect((await ops.create(tenant, web)).status).toBe(201);
  await ops.waitRunning("shared", "web", () => Promise.resolve(2));
  expect(
    (
      await ops.create(
        tenant,
        service("web", "shared", { ports: [{ port: 80, targetPort: 8080 }] }),
      )
    ).status,
  ).toBe(201);
  expect(await ops.events("shared", "FailedCreate")).toEqual([]);
}, 300_000);
