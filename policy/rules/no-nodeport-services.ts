import { describe, type ResourcePolicy } from "../model";
import { explicitNodePorts, serviceSpecOf, withoutNodePorts } from "./service";

/**
 * A NodePort Service opens its port on every node of the cluster, to any source that reaches a
 * node, and NetworkPolicy cannot restrict traffic to node ports.
 */
export const noNodePortServices: ResourcePolicy = {
  name: "no-nodeport-services",
  description: "Forbids Services of type NodePort, which open a port on every node.",
  defaultLevel: "mandatory",
  severity: "high",
  options: {},
  check(obj) {
    const spec = serviceSpecOf(obj);
    if (!spec || spec.type !== "NodePort") return [];
    const ports = explicitNodePorts(spec);
    const which =
      ports.length > 0 ? `node port(s) ${ports.join(", ")}` : "a node port per service port";
    return [
      {
        message:
          `${describe(obj)} is of type NodePort: it opens ${which} on every node, reachable by anything ` +
          "that reaches a node. Use a ClusterIP Service reached through an overlay (zeroport ZitiHost, " +
          "RouterTunneler or ZTM), or a LoadBalancer with allocateLoadBalancerNodePorts: false.",
      },
    ];
  },
  remediate(obj) {
    const spec = serviceSpecOf(obj);
    if (!spec || spec.type !== "NodePort") return undefined;
    // Fields that only NodePort and LoadBalancer Services may carry go with the type.
    const {
      externalTrafficPolicy: _etp,
      healthCheckNodePort: _hc,
      ...rest
    } = withoutNodePorts(spec);
    return { ...obj, spec: { ...rest, type: "ClusterIP" } };
  },
};
