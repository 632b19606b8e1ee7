import { podSpecPath } from "./pod-spec-paths";
import type { KubeObject } from "./model";

/** The parts of a pod spec the exposure policies read. */
export interface PodSpecView {
  hostNetwork?: boolean;
  containers?: ContainerView[];
  initContainers?: ContainerView[];
  ephemeralContainers?: ContainerView[];
}

export interface ContainerView {
  name?: string;
  ports?: { containerPort?: number; hostPort?: number; protocol?: string; name?: string }[];
}

/** True for kinds that carry a pod spec. */
export function hasPodSpec(kind: string): boolean {
  return podSpecPath(kind) !== undefined;
}

/**
 * The pod spec of a Pod or of any pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, PodTemplate, OpenShift DeploymentConfig), with its path
 * for messages; undefined when the object has none (or a patch leaves it out).
 */
export function podSpecOf(obj: KubeObject): { spec: PodSpecView; path: string } | undefined {
  const path = podSpecPath(obj.kind);
  if (!path) return undefined;
  let node: unknown = obj;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node !== "object" || node === null) return undefined;
  return { spec: node, path: path.join(".") };
}

/** Every container of a pod spec: regular, init (native sidecars live there) and ephemeral. */
export function containersOf(spec: PodSpecView): { container: ContainerView; field: string }[] {
  const out: { container: ContainerView; field: string }[] = [];
  for (const field of ["containers", "initContainers", "ephemeralContainers"] as const) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    // A live object from a hostile server (or a patch) may hold anything: only objects are containers.
    list.forEach((container, i) => {
      if (typeof container === "object" && container !== null && !Array.isArray(container))
        out.push({ container, field: `${field}[${i}]` });
    });
  }
  return out;
}

/** Every declared port of every container, with where it is. */
export function portsOf(
  spec: PodSpecView,
): { container: string; field: string; port: NonNullable<ContainerView["ports"]>[number] }[] {
  return containersOf(spec).flatMap(({ container, field }) =>
    (Array.isArray(container.ports) ? container.ports : [])
      .filter((port) => typeof port === "object" && port !== null && !Array.isArray(port))
      .map((port) => ({
        container: container.name ?? field,
        field,
        port,
      })),
  );
}
