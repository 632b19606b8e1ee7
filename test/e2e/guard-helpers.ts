// What the guard e2e files do to a living cluster: install the guard, write objects as an admin or a
// tenant, and wait for what the controllers make of them. Every wait holds for the event it names,
// with a bound a loaded machine meets.
import * as fs from "node:fs";
import * as path from "node:path";
import { renderComponent, type Cluster } from "./cluster";
import type { KubeClient } from "./kube-client";
import { waitFor, type KubeObject } from "./kube-client";

export const EXCEPTION = "zeroport.io/exposure-exception";

/** A day `offset` days from today, as grants write it. */
export const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The guard's config, as the admin keeps it: the pack config with its grants. */
export function guardConfig(grants: object[], settings: object = {}) {
  return { "exposure-exemptions": { grants, ...settings } };
}

/**
 * kwok runs kube-controller-manager with its admin certificate (CN kwok-admin), not the
 * system:kube-controller-manager one kubeadm gives it: where its controllers do not use their own
 * service accounts, the guard is told who the controller manager is.
 */
export const KWOK_CONTROLLER_MANAGER = { controllerManagerUsers: ["kwok-admin"] };

export function service(
  name: string,
  namespace: string,
  spec: object,
  metadata: object = {},
): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace, ...metadata }, spec };
}

export interface PodShape {
  hostNetwork?: boolean;
  ports?: object[];
  annotations?: Record<string, string>;
}

/** A workload whose pods run one container on every node (DaemonSet) or `replicas` times. */
export function workload(
  kind: "DaemonSet" | "Deployment",
  name: string,
  namespace: string,
  pod: PodShape,
  extra: { replicas?: number; annotations?: Record<string, string> } = {},
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name, namespace, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      ...(kind === "Deployment" ? { replicas: extra.replicas ?? 2 } : {}),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(pod.annotations ? { annotations: pod.annotations } : {}) },
        spec: podSpec(name, pod),
      },
    },
  };
}

/** The pod spec every test workload runs. */
export function podSpec(name: string, pod: PodShape): object {
  return {
    hostNetwork: pod.hostNetwork ?? false,
    tolerations: [{ operator: "Exists" }],
    containers: [
      {
        name,
        image: `registry.example/${name}:1.0`,
        ...(pod.ports ? { ports: pod.ports } : {}),
      },
    ],
  };
}

/** The operations the guard tests make on one cluster. */
export function guardOps(cluster: Cluster) {
  const admin = cluster.client;

  /** Creates an object (optionally as a dry run) and returns the API server's answer. */
  async function create(client: KubeClient, obj: KubeObject, dryRun = false) {
    const target = await admin.pathOf(obj, false);
    return client.request("POST", `${target}${dryRun ? "?dryRun=All" : ""}`, JSON.stringify(obj));
  }

  async function patch(obj: KubeObject, body: object, sub = "", client: KubeClient = admin) {
    return client.request(
      "PATCH",
      `${await admin.pathOf(obj)}${sub}`,
      JSON.stringify(body),
      "application/merge-patch+json",
    );
  }

  /** Renders the guard with `args` and applies it; waits until a NodePort is judged as `expect`. */
  async function installGuard(args: object, expect: "denied" | "warned"): Promise<void> {
    for (const m of renderComponent("ZeroExposureGuard", args, cluster.workdir))
      await admin.apply(m);
    fs.writeFileSync(
      path.join(cluster.workdir, "guard-config.json"),
      JSON.stringify((args as { config: object }).config),
    );
    const probe = service("probe", "default", { type: "NodePort", ports: [{ port: 80 }] });
    await waitFor(`the guard to take effect (${expect})`, 120_000, async () => {
      const res = await create(admin, probe, true);
      if (expect === "denied") return res.status === 403 ? true : `HTTP ${res.status}`;
      return res.status < 300 && res.warnings.join(" ").includes("no-nodeport-services")
        ? true
        : `HTTP ${res.status} ${res.warnings.join(" ")}`;
    });
  }

  async function podsOf(namespace: string, app: string) {
    const list = await admin.json<{
      items: { spec: { nodeName?: string }; status: { phase?: string } }[];
    }>("GET", `/api/v1/namespaces/${namespace}/pods?labelSelector=app%3D${app}`);
    return list.items.map((p) => ({ node: p.spec.nodeName, phase: p.status.phase }));
  }

  async function nodeCount(): Promise<number> {
    return (await admin.json<{ items: unknown[] }>("GET", "/api/v1/nodes")).items.length;
  }

  /** Waits until `app` runs `want` pods (one per node for a DaemonSet), all Running. */
  async function waitRunning(namespace: string, app: string, want: () => Promise<number>) {
    await waitFor(`${namespace}/${app} running`, 180_000, async () => {
      const pods = await podsOf(namespace, app);
      const n = await want();
      const running = pods.filter((p) => p.phase === "Running").length;
      return running === n && pods.length === n
        ? pods
        : `${running}/${n} running (${pods.length} pods)`;
    });
  }

  /** Adds a node (as an autoscaler would) and waits until the API server lists it. */
  async function addNode(): Promise<void> {
    const before = await nodeCount();
    cluster.scaleNodes(before + 1);
    await waitFor("the new node", 120_000, async () =>
      (await nodeCount()) === before + 1 ? true : "not yet",
    );
  }

  async function events(namespace: string, reason: string): Promise<string[]> {
    const list = await admin.json<{ items: { reason: string; message: string }[] }>(
      "GET",
      `/api/v1/namespaces/${namespace}/events`,
    );
    return list.items.filter((e) => e.reason === reason).map((e) => e.message);
  }

  /** A Role (in `namespace`) or ClusterRole with `rules`. */
  const role = (kind: "Role" | "ClusterRole", name: string, rules: object[], namespace?: string) =>
    admin.apply({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
      rules,
    });

  /** Binds the Role or ClusterRole `name` to the user `user`. */
  const bindUser = (
    kind: "RoleBinding" | "ClusterRoleBinding",
    name: string,
    user: string,
    namespace?: string,
  ) =>
    admin.apply({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind,
      metadata: {
        name: `${name}-${user.replace(/[^a-z0-9]+/g, "-")}`,
        ...(namespace ? { namespace } : {}),
      },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: kind === "RoleBinding" ? "Role" : "ClusterRole",
        name,
      },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
    });

  return {
    create,
    patch,
    installGuard,
    podsOf,
    nodeCount,
    waitRunning,
    addNode,
    events,
    role,
    bindUser,
  };
}
