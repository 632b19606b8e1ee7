import { describe, type ResourcePolicy } from "../model";
import { explicitNodePorts, serviceSpecOf, withoutNodePorts } from "./service";

/**
 * A LoadBalancer Service is built on node ports unless it says otherwise: by default
 * (`allocateLoadBalancerNodePorts` unset or true) every node opens its ports too, and an explicit
 * `nodePort` is honoured even when allocation is off.
 */
export const noLoadBalancerNodePorts: ResourcePolicy = {
  name: "no-loadbalancer-node-ports",
  description: "Forbids LoadBalancer Services that still open node ports on every node.",
  defaultLevel: "mandatory",
  severity: "high",
  options: {},
  check(obj) {
    const spec = serviceSpecOf(obj);
    if (!spec || spec.type !== "LoadBalancer") return [];
    const findings = [];
    if (spec.allocateLoadBalancerNodePorts !== false) {
      findings.push({
        message:
          `${describe(obj)} is a LoadBalancer that allocates node ports (allocateLoadBalancerNodePorts ` +
          `is ${spec.allocateLoadBalancerNodePorts === undefined ? "unset, which means true" : "true"}), so every node ` +
          "opens its ports as well. Set allocateLoadBalancerNodePorts: false (a load balancer that sends " +
          "traffic to pod IPs needs none).",
      });
    }
    const ports = explicitNodePorts(spec);
    if (ports.length > 0) {
      findings.push({
        message: `${describe(obj)} asks for node port(s) ${ports.join(", ")}, which every node opens whatever allocateLoadBalancerNodePorts says. Remove nodePort.`,
      });
    }
    return findings;
  },
  remediate(obj) {
    const spec = serviceSpecOf(obj);
    if (!spec || spec.type !== "LoadBalancer") return undefined;
    if (spec.allocateLoadBalancerNodePorts === false && explicitNodePorts(spec).length === 0)
      return undefined;
    return {
      ...obj,
      spec: { ...withoutNodePorts(spec), allocateLoadBalancerNodePorts: false },
    };
  },
};
