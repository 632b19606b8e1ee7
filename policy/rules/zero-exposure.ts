import { describe, type KubeObject } from "../model";
import { podSpecOf, portsOf } from "../pod-specs";
import { serviceSpecOf } from "./service";

/** Gateway API and OpenShift kinds that route outside traffic into the cluster. */
const ROUTE_KINDS = new Set([
  "Ingress",
  "Gateway",
  "HTTPRoute",
  "GRPCRoute",
  "TLSRoute",
  "TCPRoute",
  "UDPRoute",
  "Route",
]);

/**
 * How an object can be reached from outside the cluster, or `[]`. The list behind the stack policy
 * `zero-exposure`: everything the resource policies flag, plus every LoadBalancer, Ingress and route.
 */
export function exposuresOf(obj: KubeObject): string[] {
  const out: string[] = [];
  const svc = serviceSpecOf(obj);
  if (svc) {
    if (svc.type === "NodePort") out.push("a NodePort Service (a port on every node)");
    if (svc.type === "LoadBalancer") {
      out.push(
        svc.allocateLoadBalancerNodePorts === false
          ? "a LoadBalancer Service"
          : "a LoadBalancer Service that also opens node ports",
      );
    }
    // kube-proxy serves an HTTP health check on this node port on every node (ServiceSpec
    // healthCheckNodePort), allocated even with allocateLoadBalancerNodePorts: false.
    if (svc.type === "LoadBalancer" && svc.externalTrafficPolicy === "Local") {
      const port = typeof svc.healthCheckNodePort === "number" ? ` ${svc.healthCheckNodePort}` : "";
      out.push(
        `a health check node port${port} on every node (kube-proxy's HTTP health endpoint, allocated for externalTrafficPolicy: Local)`,
      );
    }
    if (Array.isArray(svc.externalIPs) && svc.externalIPs.length > 0)
      out.push(`externalIPs ${svc.externalIPs.join(", ")}`);
  }
  const pod = podSpecOf(obj);
  if (pod) {
    const hostPorts = portsOf(pod.spec)
      .map(({ port }) => port.hostPort)
      .filter((p): p is number => typeof p === "number" && p > 0);
    if (hostPorts.length > 0) out.push(`hostPort ${hostPorts.join(", ")}`);
    if (pod.spec.hostNetwork === true && portsOf(pod.spec).length > 0)
      out.push("listeners in the node's network (hostNetwork)");
  }
  if (ROUTE_KINDS.has(obj.kind)) out.push(`an ${obj.kind} routing outside traffic in`);
  return out;
}

/** The message for one exposed object. */
export function exposureMessage(obj: KubeObject, exposures: string[]): string {
  return `${describe(obj)} is reachable from outside the cluster: ${exposures.join("; ")}.`;
}
