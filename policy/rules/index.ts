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
  description:
    "Reports every exemption from the exposure policies, so that none is silent; holds the settings every rule shares (system namespaces, grants).",
  defaultLevel: "advisory" as const,
  severity: "low" as const,
  /** As JSON schema for CrossGuard; the zod schema in policy/config.ts checks the same fields in full. */
  options: {
    systemNamespaces: {
      type: "array",
      items: { type: "string" },
      description:
        "Namespaces no rule judges (the guard's binding never matches them); default kube-system, kube-flannel, calico-system, tigera-operator.",
    },
    namespaceCreators: {
      type: "object",
      additionalProperties: { type: "array", items: { type: "string" } },
      description:
        "Per namespace name from systemNamespaces or a rule's exemptNamespaces, the users (request.userInfo.username) who may create it besides anyone who may change the guard; default calico-system: the Tigera operator's service account.",
    },
    controllerManagerUsers: {
      type: "array",
      items: { type: "string" },
      description:
        "The user names kube-controller-manager acts as where its controllers do not run as their own service accounts (kube-system's replicaset-controller, daemon-set-controller, …); an owner reference counts only when one of these or that controller writes it. Default system:kube-controller-manager.",
    },
    grants: {
      type: "array",
      items: {
        type: "object",
        properties: {
          namespace: { type: "string" },
          kind: { type: "string" },
          name: { type: "string" },
          policies: { type: "array", items: { type: "string" } },
          reason: { type: "string" },
          owner: { type: "string" },
          expires: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
        },
        required: ["namespace", "kind", "name", "policies", "reason", "owner", "expires"],
        additionalProperties: false,
      },
      description:
        "Exemptions an admin granted: the object (namespace, kind, name), the rules waived, reason, owner, and the day it expires.",
    },
  },
};

export { exposuresOf, exposureMessage } from "./zero-exposure";
