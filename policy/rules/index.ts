import type { ResourcePolicy } from "../model";
import { hostNetworkPods, noHostNetworkListeners } from "./host-network";
import { loadBalancerSourceRanges } from "./loadbalancer-source-ranges";
import { noHostPorts } from "./no-host-ports";
import { noLoadBalancerNodePorts } from "./no-loadbalancer-node-ports";
import { noNodePortServices } from "./no-nodeport-services";
import { noServiceExternalIps } from "./no-service-external-ips";

/** Every resource policy, in the order the pack runs them. */
export const RESOURCE_POLICIES: readonly ResourcePolicy[] = [
  noNodePortServices,
  noLoadBalancerNodePorts,
  loadBalancerSourceRanges,
  noServiceExternalIps,
  noHostPorts,
  noHostNetworkListeners,
  hostNetworkPods,
];

export const ZERO_EXPOSURE = {
  name: "zero-exposure",
  description: "Lists everything in the stack that is reachable from outside the cluster.",
  defaultLevel: "advisory" as const,
  severity: "medium" as const,
};

export const EXPOSURE_EXEMPTIONS = {
  name: "exposure-exemptions",
  description: "Reports every exemption from the exposure policies, so that none is silent.",
  defaultLevel: "advisory" as const,
  severity: "low" as const,
};

export { exposuresOf, exposureMessage } from "./zero-exposure";
