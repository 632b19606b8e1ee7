/**
 * `zeroport scan --cluster`: the objects running in a cluster, read through the user's kubeconfig
 * with the Kubernetes JavaScript client, judged like a file scan. Live objects carry what the API
 * server allocated (node ports, health check node ports), so those are judged too.
 */
import type * as K8s from "@kubernetes/client-node";
import type { KubeObject } from "../policy/model";
import { UsageError } from "./documents";
import type { SourcedObject } from "./scan";

/** The resources the rules judge: Services and every kind that carries a pod spec. */
const RESOURCES: { apiVersion: string; kind: string }[] = [
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "v1", kind: "Pod" },
  { apiVersion: "v1", kind: "PodTemplate" },
  { apiVersion: "v1", kind: "ReplicationController" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
  { apiVersion: "apps/v1", kind: "DaemonSet" },
  { apiVersion: "apps/v1", kind: "ReplicaSet" },
  { apiVersion: "batch/v1", kind: "Job" },
  { apiVersion: "batch/v1", kind: "CronJob" },
];

/** A controller-owned object (a Deployment's ReplicaSet and Pods) is judged through its owner. */
function ownedByController(o: { metadata?: { ownerReferences?: { controller?: boolean }[] } }) {
  return (o.metadata?.ownerReferences ?? []).some((r) => r.controller === true);
}

export async function clusterObjects(options: {
  context?: string;
  namespace?: string;
  kubeconfig?: string;
}): Promise<SourcedObject[]> {
  // ESM-only package: loaded on demand, so file scans never pay for it.
  const k8s: typeof K8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
    if (options.context) {
      if (!config.getContextObject(options.context))
        throw new Error(`no context ${options.context} in the kubeconfig`);
      config.setCurrentContext(options.context);
    }
  } catch (e) {
    throw new UsageError([`--cluster: ${(e as Error).message}`]);
  }
  const source = `cluster:${config.getCurrentContext()}`;
  const api = k8s.KubernetesObjectApi.makeApiClient(config);
  const out: SourcedObject[] = [];
  for (const { apiVersion, kind } of RESOURCES) {
    let items: K8s.KubernetesObject[];
    try {
      const list = await api.list(apiVersion, kind, options.namespace);
      items = list.items;
    } catch (e) {
      const code = (e as { code?: number }).code;
      throw new UsageError([
        `${source}: cannot list ${kind}${options.namespace ? ` in ${options.namespace}` : ""} (${code ? `HTTP ${code}` : (e as Error).message.split("\n")[0]})`,
      ]);
    }
    for (const item of items) {
      if (ownedByController(item)) continue;
      const obj = JSON.parse(JSON.stringify({ ...item, apiVersion, kind })) as KubeObject;
      out.push({ obj, file: source, index: out.length, doc: out.length, line: 1 });
    }
  }
  return out;
}
