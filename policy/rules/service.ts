import type { KubeObject } from "../model";

/** The Service fields the exposure policies read. */
export interface ServiceSpecView {
  type?: string;
  ports?: { port?: number; nodePort?: number; name?: string; protocol?: string }[];
  allocateLoadBalancerNodePorts?: boolean;
  externalIPs?: string[];
  loadBalancerSourceRanges?: string[];
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
}

/** The spec of a Service (or ServicePatch), or undefined for other kinds. A missing type is ClusterIP. */
export function serviceSpecOf(obj: KubeObject): ServiceSpecView | undefined {
  if (obj.kind !== "Service") return undefined;
  // A live object from a hostile server (or a patch) may hold anything: only an object is a spec.
  return isObject(obj.spec) ? obj.spec : {};
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The Service's ports that are objects. */
export function servicePorts(spec: ServiceSpecView): NonNullable<ServiceSpecView["ports"]> {
  return (Array.isArray(spec.ports) ? spec.ports : []).filter(isObject);
}

/** The node ports a Service asks for explicitly. */
export function explicitNodePorts(spec: ServiceSpecView): number[] {
  return servicePorts(spec)
    .map((p) => p.nodePort)
    .filter((n): n is number => typeof n === "number" && n > 0);
}

/** The Service with `nodePort` removed from every port, leaving the rest of each port as it was. */
export function withoutNodePorts(spec: ServiceSpecView): ServiceSpecView {
  if (!Array.isArray(spec.ports)) return spec;
  return {
    ...spec,
    ports: spec.ports.map((p) =>
      isObject(p) ? Object.fromEntries(Object.entries(p).filter(([k]) => k !== "nodePort")) : p,
    ),
  };
}
