/**
 * Which live objects `scan --cluster` judges through their owner instead of on their own. A
 * controller's Pod repeats its workload's template, so judging both would report one exposure
 * twice. But an owner reference is written by whoever writes the object: a tenant can name any
 * owner it can read. So an object is judged through its owner only where that owner is listed in
 * this scan, is of the kind whose controller makes objects of this kind (policy/controllers.ts),
 * and its template would make this object: everything the object exposes to the node's network
 * (hostNetwork, and each port that is a port of the node) is in the template too. The owner is
 * itself judged, or judged through its own owner the same way, so every exposure is judged once.
 */
import { controllerEdge } from "../policy/controllers";
import type { KubeObject } from "../policy/model";
import { podSpecOf, portsOf } from "../policy/pod-specs";

/** What ownership needs of a live object, beyond its kind: its uid and its controller reference. */
export interface Owned {
  metadata?: {
    uid?: string;
    ownerReferences?: {
      uid?: unknown;
      controller?: unknown;
      kind?: unknown;
      apiVersion?: unknown;
    }[];
  };
}

/** What a pod spec exposes on the node: hostNetwork, and its node ports as `proto/hostIP/port`. */
export function nodeExposure(obj: KubeObject): { hostNetwork: boolean; ports: Set<string> } {
  const spec = podSpecOf(obj)?.spec;
  const hostNetwork = spec?.hostNetwork === true;
  const ports = new Set<string>();
  for (const { port } of spec ? portsOf(spec) : []) {
    // In the node's network every container port is a node port; elsewhere only a hostPort is
    // (the API server defaults hostPort to containerPort for hostNetwork pods, so take either).
    const nodePort = port.hostPort ?? (hostNetwork ? port.containerPort : undefined);
    if (nodePort === undefined || nodePort === 0) continue;
    const hostIP = (port as { hostIP?: unknown }).hostIP;
    ports.add(
      `${String(port.protocol ?? "TCP")}/${typeof hostIP === "string" ? hostIP : ""}/${String(nodePort)}`,
    );
  }
  return { hostNetwork, ports };
}

/** True when `child` exposes nothing that `owner`'s template does not. */
export function madeFromTemplate(child: KubeObject, owner: KubeObject): boolean {
  const c = nodeExposure(child);
  const o = nodeExposure(owner);
  return (!c.hostNetwork || o.hostNetwork) && [...c.ports].every((p) => o.ports.has(p));
}

/**
 * The objects judged through their owner: a controller reference (by uid) to an object listed here,
 * of the kind that makes this kind, whose template would make this object.
 */
export function judgedThroughOwner<T extends Owned & KubeObject>(objects: readonly T[]): Set<T> {
  const byUid = new Map<string, T>();
  for (const o of objects) {
    const uid = o.metadata?.uid;
    if (typeof uid === "string" && uid !== "") byUid.set(uid, o);
  }
  const covered = new Set<T>();
  for (const o of objects) {
    const refs = Array.isArray(o.metadata?.ownerReferences) ? o.metadata.ownerReferences : [];
    const ref = refs.find((r) => typeof r === "object" && r !== null && r.controller === true);
    const owner = typeof ref?.uid === "string" ? byUid.get(ref.uid) : undefined;
    if (
      owner &&
      owner !== o &&
      controllerEdge(o.kind, ref ?? {}) &&
      ref?.kind === owner.kind &&
      ref.apiVersion === owner.apiVersion &&
      madeFromTemplate(o, owner)
    )
      covered.add(o);
  }
  return covered;
}
