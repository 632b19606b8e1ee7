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
  return obj.spec ?? {};
}

/** The node ports a Service asks for explicitly. */
export function explicitNodePorts(spec: ServiceSpecView): number[] {
  return (Array.isArray(spec.ports) ? spec.ports : [])
    .map((p) => p.nodePort)
    .filter((n): n is number => typeof n === "number" && n > 0);
}

/** The Service with `nodePort` removed from every port, leaving the rest of each port as it was. */
export function withoutNodePorts(spec: ServiceSpecView): ServiceSpecView {
  if (!Array.isArray(spec.ports)) return spec;
  return {
    ...spec,
    ports: spec.ports.map((p) =>
      Object.fromEntries(Object.entries(p).filter(([k]) => k !== "nodePort")),
    ),
  };
}
