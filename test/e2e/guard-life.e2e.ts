// The guard in a living cluster (kube-apiserver, controller-manager, scheduler, kwok nodes): it is
// installed with its defaults before the cluster's own node agents arrive, and then the cluster
// lives: nodes join, controllers make pods from templates, a tenant with narrow rights writes
// objects, objects made before the guard change and are deleted, grants expire, an admin grants.
// Every manifest here is written for this test; a comment names the upstream object it stands for.
// Its kube-controller-manager runs every controller as one identity (guard-trust.e2e.ts runs them as
// their own service accounts), so the guard's trust in that identity is what lets pods be made.
import * as path from "node:path";
import { createCluster, zeroportWith, type Cluster } from "./cluster";
import {
  EXCEPTION,
  KWOK_CONTROLLER_MANAGER,
  day,
  guardConfig,
  guardOps,
  service,
  workload,
} from "./guard-helpers";
import { KubeClient, waitFor } from "./kube-client";

let cluster: Cluster;
let tenant: KubeClient;
let ops: ReturnType<typeof guardOps>;

const NODE_EXPORTER_GRANT = {
  namespace: "monitoring",
  kind: "DaemonSet",
  name: "node-exporter",
  policies: ["no-host-ports", "no-host-network-listeners"],
  reason: "Prometheus scrapes node metrics on the node's address",
  owner: "platform-observability",
  expires: day(30),
};
const GATEWAY_GRANT = {
  namespace: "apps",
  kind: "Deployment",
  name: "edge-gateway",
  policies: ["no-host-ports"],
  reason: "the edge gateway takes traffic on the node's port 8443",
  owner: "team-edge",
  expires: day(30),
};
const EXPIRED_GRANT = { ...GATEWAY_GRANT, name: "old-gateway", expires: day(-1) };

beforeAll(async () => {
  cluster = createCluster("zeroport-guard-life", [], { audit: true });
  ops = guardOps(cluster);
  for (const name of ["monitoring", "apps", "tenant-a"])
    await cluster.client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  // Objects that predate the guard: a NodePort Service, a LoadBalancer with its cleanup finalizer
  // (what the service controller adds), and a hostNetwork Deployment (a legacy node agent).
  await cluster.client.apply(
    service("legacy", "apps", { type: "NodePort", ports: [{ port: 80 }] }),
  );
  await cluster.client.apply(
    service(
      "legacy-lb",
      "apps",
      { type: "LoadBalancer", ports: [{ port: 443 }] },
      { finalizers: ["service.kubernetes.io/load-balancer-cleanup"] },
    ),
  );
  await cluster.client.apply(
    workload("Deployment", "legacy-agent", "apps", { hostNetwork: true }, { replicas: 0 }),
  );
  // A gateway whose grant has expired by now (scaled to zero until the test scales it).
  const gatewayPod = {
    ports: [{ containerPort: 8443, hostPort: 8443 }],
    annotations: { [EXCEPTION]: "edge traffic" },
  };
  await cluster.client.apply(
    workload("Deployment", "old-gateway", "apps", gatewayPod, { replicas: 0 }),
  );
  // Objects made before the guard include what their controllers made from them: wait for each
  // Deployment's ReplicaSet, or the guard (installed next) would judge its creation, and an
  // expired grant would stop the ReplicaSet, not its pods (a race that failed CI twice).
  for (const app of ["legacy-agent", "old-gateway"])
    await waitFor(`the ReplicaSet of ${app}`, 180_000, async () => {
      const rs = await cluster.client.json<{ items: unknown[] }>(
        "GET",
        `/apis/apps/v1/namespaces/apps/replicasets?labelSelector=app%3D${app}`,
      );
      return rs.items.length > 0 ? true : "not made yet";
    });
  // The tenant: may write workloads and Services in tenant-a, nothing cluster-wide.
  await ops.role(
    "Role",
    "tenant-writer",
    [
      { apiGroups: [""], resources: ["services", "pods"], verbs: ["*"] },
      { apiGroups: ["apps"], resources: ["deployments", "daemonsets"], verbs: ["*"] },
    ],
    "tenant-a",
  );
  await ops.bindUser("RoleBinding", "tenant-writer", "alice", "tenant-a");
  tenant = new KubeClient(cluster.kubeconfig, { user: "alice" });
  // The guard, with its defaults and the admin's grants, before any node agent arrives.
  await ops.installGuard(
    { config: guardConfig([GATEWAY_GRANT, EXPIRED_GRANT], KWOK_CONTROLLER_MANAGER) },
    "denied",
  );
}, 600_000);

afterAll(() => {
  tenant?.close();
  cluster?.delete();
}, 120_000);

test("kube-proxy and a CNI agent in kube-system get a pod on every node, also on a node that joins", async () => {
  // Stand for kube-proxy (kubernetes/kubernetes cluster/addons) and calico-node (projectcalico):
  // hostNetwork DaemonSets without declared ports, in kube-system.
  for (const name of ["kube-proxy", "calico-node"])
    expect(
      (
        await ops.create(
          cluster.client,
          workload("DaemonSet", name, "kube-system", { hostNetwork: true }),
        )
      ).status,
    ).toBe(201);
  await ops.waitRunning("kube-system", "kube-proxy", () => ops.nodeCount());
  await ops.waitRunning("kube-system", "calico-node", () => ops.nodeCount());
  await ops.addNode();
  await ops.waitRunning("kube-system", "kube-proxy", () => ops.nodeCount());
  await ops.waitRunning("kube-system", "calico-node", () => ops.nodeCount());
  // An update of a system DaemonSet (a version bump rolls every pod) is admitted too.
  const ds = workload("DaemonSet", "kube-proxy", "kube-system", { hostNetwork: true });
  expect(
    (await ops.patch(ds, { spec: { template: { metadata: { annotations: { bump: "2" } } } } }))
      .status,
  ).toBe(200);
  expect(await ops.events("kube-system", "FailedCreate")).toEqual([]);
}, 300_000);

test("a node-exporter DaemonSet (hostNetwork, hostPort) runs on every node only with an admin's grant", async () => {
  // Stands for prometheus-community's node-exporter: hostNetwork, hostPort 9100, the reason on the template.
  const annotated = (name: string) =>
    workload("DaemonSet", name, "monitoring", {
      hostNetwork: true,
      ports: [{ containerPort: 9100, hostPort: 9100 }],
      annotations: { [EXCEPTION]: "Prometheus scrapes node metrics" },
    });
  const ungranted = await ops.create(cluster.client, annotated("node-exporter"));
  expect(ungranted.status).toBe(403);
  expect(ungranted.body).toContain("no unexpired grant in the guard covers it");
  expect(ungranted.body).toContain("ask a cluster admin");
  // The admin grants it (a change of the guard's config, so of the policy), and it runs.
  await ops.installGuard(
    {
      config: guardConfig(
        [NODE_EXPORTER_GRANT, GATEWAY_GRANT, EXPIRED_GRANT],
        KWOK_CONTROLLER_MANAGER,
      ),
    },
    "denied",
  );
  const granted = await waitFor("the grant to take effect", 60_000, async () => {
    const res = await ops.create(cluster.client, annotated("node-exporter"));
    return res.status === 201 ? res : `HTTP ${res.status}`;
  });
  // A grant names one workload: another DaemonSet with the same reason is still denied.
  expect((await ops.create(cluster.client, annotated("node-exporter-2"))).status).toBe(403);
  // Every exemption used is visible: a warning to the writer (and an audit annotation).
  expect(granted.warnings.join(" ")).toContain(
    "exposure-exemptions: DaemonSet monitoring/node-exporter is exempt from no-host-ports",
  );
  await waitFor("the audit annotation of the exemption", 30_000, () => {
    const found = cluster
      .auditEvents()
      .map(
        (e) =>
          (e.annotations as Record<string, string> | undefined)?.[
            "zeroport-zero-exposure-deny/exemptions"
          ],
      )
      .filter((a) => a?.startsWith("DaemonSet monitoring/node-exporter"));
    return Promise.resolve(found.length > 0 ? found : "not in the audit log yet");
  }).then((found) =>
    expect(found[0]).toBe(
      "DaemonSet monitoring/node-exporter exempt from no-host-ports, no-host-network-listeners",
    ),
  );
  await ops.waitRunning("monitoring", "node-exporter", () => ops.nodeCount());
  expect(await ops.events("monitoring", "FailedCreate")).toEqual([]);
}, 300_000);

test("a Deployment exempted on its pod template gets its pods; on the Deployment alone it does not", async () => {
  // Stands for an ingress gateway that takes traffic on a host port (ingress-nginx's hostPort mode).
  const pod = {
    ports: [{ containerPort: 8443, hostPort: 8443 }],
    annotations: { [EXCEPTION]: "edge traffic" },
  };
  expect(
    (await ops.create(cluster.client, workload("Deployment", "edge-gateway", "apps", pod))).status,
  ).toBe(201);
  await ops.waitRunning("apps", "edge-gateway", () => Promise.resolve(2));
  // The same reason on the Deployment alone does not reach its pods: refused before any pod fails.
  const onWorkload = workload(
    "Deployment",
    "edge-gateway",
    "apps",
    { ports: pod.ports },
    { annotations: { [EXCEPTION]: "edge traffic" } },
  );
  const denied = await ops.create(
    cluster.client,
    { ...onWorkload, metadata: { ...onWorkload.metadata, name: "edge-gateway-b" } },
    true,
  );
  expect(denied.status).toBe(403);
}, 300_000);

test("an expired grant stops counting at admission: the workload scales, its new pods are refused", async () => {
  const gateway = workload("Deployment", "old-gateway", "apps", {});
  expect((await ops.patch(gateway, { spec: { replicas: 1 } })).status).toBe(200);
  // The Deployment and ReplicaSet controllers act in turn; on a loaded machine that takes a while,
  // so the wait is for the event itself, with a bound far past what a busy control plane needs.
  const failures = await waitFor("the ReplicaSet's FailedCreate", 300_000, async () => {
    const found = (await ops.events("apps", "FailedCreate")).filter((m) =>
      m.includes("old-gateway"),
    );
    return found.length > 0 ? found : "no FailedCreate yet";
  });
  expect(failures[0]).toContain("no unexpired grant in the guard covers it for no-host-ports");
  expect(await ops.podsOf("apps", "old-gateway")).toEqual([]);
}, 420_000);

test("a tenant without the right to grant cannot exempt itself", async () => {
  const annotated = service(
    "tenant-np",
    "tenant-a",
    { type: "NodePort", ports: [{ port: 80 }] },
    { annotations: { [EXCEPTION]: "we need it" } },
  );
  const res = await ops.create(tenant, annotated);
  expect(res.status).toBe(403);
  expect(res.body).toContain("ask a cluster admin to add one to exposure-exemptions.grants");
  // Nor can it change the guard (RBAC, before admission).
  const policy = await tenant.request(
    "PATCH",
    "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/zeroport-zero-exposure-deny",
    JSON.stringify({ spec: { validationActions: ["Audit"] } }),
    "application/merge-patch+json",
  );
  expect(policy.status).toBe(403);
  expect(policy.body).not.toContain("ValidatingAdmissionPolicy");
  // The tenant's own clean workload is admitted.
  expect(
    (await ops.create(tenant, service("tenant-ok", "tenant-a", { ports: [{ port: 80 }] }))).status,
  ).toBe(201);
}, 120_000);

test("objects made before the guard can be changed without new exposure, and deleted", async () => {
  const legacy = service("legacy", "apps", {});
  expect((await ops.patch(legacy, { metadata: { labels: { team: "edge" } } })).status).toBe(200);
  // Widening is not: a second node port.
  expect(
    (
      await ops.patch(legacy, {
        spec: {
          ports: [
            { port: 80, name: "a" },
            { port: 81, name: "b" },
          ],
        },
      })
    ).status,
  ).toBe(403);
  await cluster.client.delete(legacy, "Background");
  await waitFor("legacy gone", 30_000, async () =>
    (await cluster.client.get(legacy)) ? "still there" : true,
  );
  // A rollout restart and a scale of a hostNetwork Deployment are updates that expose nothing new.
  const agent = workload("Deployment", "legacy-agent", "apps", {});
  const restart = {
    spec: {
      template: {
        metadata: {
          annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() },
        },
      },
    },
  };
  expect((await ops.patch(agent, restart)).status).toBe(200);
  expect((await ops.patch(agent, { spec: { replicas: 0 } }, "/scale")).status).toBe(200);
  expect(
    (
      await ops.patch(agent, {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "legacy-agent",
                  image: "registry.example/legacy-agent:1.0",
                  ports: [{ containerPort: 7000, hostPort: 7000 }],
                },
              ],
            },
          },
        },
      })
    ).status,
  ).toBe(403);
  // Foreground deletion: the garbage collector removes its finalizer (an UPDATE) once the
  // ReplicaSets are gone; the object must finish deleting.
  await cluster.client.delete(agent, "Foreground");
  await waitFor("legacy-agent gone", 60_000, async () =>
    (await cluster.client.get(agent)) ? "still there" : true,
  );
}, 120_000);

test("a LoadBalancer Service with its cleanup finalizer finishes deleting", async () => {
  const lb = service("legacy-lb", "apps", {});
  await cluster.client.delete(lb, "Background");
  const live = await cluster.client.get(lb);
  expect((live?.metadata as { deletionTimestamp?: string }).deletionTimestamp).toBeDefined();
  // What the service controller does once the cloud load balancer is gone.
  expect((await ops.patch(lb, { metadata: { finalizers: null } })).status).toBe(200);
  await waitFor("legacy-lb gone", 30_000, async () =>
    (await cluster.client.get(lb)) ? "still there" : true,
  );
}, 120_000);

test("scan --cluster with the guard's config reports what admission does, with why", () => {
  const r = zeroportWith(
    { KUBECONFIG: cluster.kubeconfig },
    "scan",
    "--cluster",
    "--config",
    path.join(cluster.workdir, "guard-config.json"),
    "--format",
    "json",
  );
  const verdicts = JSON.parse(r.stdout) as {
    policy: string;
    level: string;
    namespace: string;
    name: string;
    message: string;
  }[];
  const about = (ns: string, name: string) =>
    verdicts.filter((v) => v.namespace === ns && v.name === name);
  expect(about("kube-system", "kube-proxy").map((v) => v.message)).toEqual([
    expect.stringContaining("exempt (namespace kube-system is a system namespace"),
  ]);
  expect(about("monitoring", "node-exporter").every((v) => v.level === "advisory")).toBe(true);
  expect(
    about("monitoring", "node-exporter")
      .map((v) => v.message)
      .join("\n"),
  ).toContain("granted by platform-observability");
  expect(
    about("apps", "old-gateway")
      .map((v) => v.message)
      .join("\n"),
  ).toContain(
    `Its grant apps/Deployment/old-gateway, owned by team-edge, expired on ${EXPIRED_GRANT.expires}`,
  );
  // A workload whose grant expired is reported as a violation: its next pods would be denied.
  expect(about("apps", "old-gateway").some((v) => v.level === "mandatory")).toBe(true);
  expect(r.status).toBe(1);
}, 120_000);

test("staged rollout: with [Warn, Audit] the guard admits and warns, with [Deny] it denies", async () => {
  await ops.installGuard(
    { config: guardConfig([], KWOK_CONTROLLER_MANAGER), validationActions: ["Warn", "Audit"] },
    "warned",
  );
  const res = await ops.create(
    tenant,
    service("tenant-np", "tenant-a", { type: "NodePort", ports: [{ port: 80 }] }),
    true,
  );
  expect(res.status).toBe(201);
  expect(res.warnings.join(" ")).toContain("no-nodeport-services");
  await ops.installGuard({ config: guardConfig([], KWOK_CONTROLLER_MANAGER) }, "denied");
}, 180_000);
