import type {
  PolicyConfigSchema,
  PolicyPackArgs,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { judge, zeroExposureCheck } from "../judge";
import type { KubeObject, PolicyOptions, ResourcePolicy } from "../model";
import { EXPOSURE_EXEMPTIONS, RESOURCE_POLICIES, ZERO_EXPOSURE } from "../rules";

/**
 * A Pulumi resource as the policies see it, from its type token and props. `*Patch` types are
 * judged as their kind. Only the fields a policy reads are touched (through getters), so an
 * unknown value elsewhere during preview does not stop the policy.
 */
export function objectFromResource(
  type: string,
  props: Record<string, unknown>,
): KubeObject | undefined {
  const match = /^kubernetes:[^:]+:([A-Za-z]+?)(Patch)?$/.exec(type);
  if (!match?.[1] || match[1].endsWith("List")) return undefined;
  const view: KubeObject = { kind: match[1] };
  for (const key of ["metadata", "spec", "template"]) {
    Object.defineProperty(view, key, { enumerable: true, get: () => props[key] });
  }
  return view;
}

/** Exemptions found by the resource policies, reported by the last policy for the same URN. */
const pendingExemptions = new Map<string, string[]>();

function configSchema(policy: ResourcePolicy): PolicyConfigSchema {
  return {
    properties: {
      exemptNamespaces: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Namespaces this policy does not apply to (reported as exemptions).",
      },
      ...policy.options,
    },
  };
}

function resourcePolicy(policy: ResourcePolicy): ResourceValidationPolicy {
  return {
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.defaultLevel,
    severity: policy.severity,
    configSchema: configSchema(policy),
    validateResource: (args, reportViolation) => {
      const obj = objectFromResource(args.type, args.props);
      if (!obj) return;
      const { violations, exemptions } = judge(policy, obj, args.getConfig<PolicyOptions>());
      violations.forEach((message) => reportViolation(message));
      if (exemptions.length > 0) {
        pendingExemptions.set(args.urn, [
          ...(pendingExemptions.get(args.urn) ?? []),
          ...exemptions,
        ]);
      }
    },
    ...(policy.remediate ? { remediateResource: remediation(policy) } : {}),
  };
}

function remediation(policy: ResourcePolicy) {
  return (args: ResourceValidationArgs): Record<string, unknown> | undefined => {
    const obj = objectFromResource(args.type, args.props);
    const options = args.getConfig<PolicyOptions>();
    if (!obj || !policy.remediate || judge(policy, obj, options).violations.length === 0)
      return undefined;
    const fixed = policy.remediate(obj);
    return fixed ? { ...args.props, spec: fixed.spec } : undefined;
  };
}

/** Runs last for each resource: every exemption stays visible as an advisory violation. */
const exposureExemptions: ResourceValidationPolicy = {
  name: EXPOSURE_EXEMPTIONS.name,
  description: EXPOSURE_EXEMPTIONS.description,
  enforcementLevel: EXPOSURE_EXEMPTIONS.defaultLevel,
  severity: EXPOSURE_EXEMPTIONS.severity,
  validateResource: (args, reportViolation) => {
    const exemptions = pendingExemptions.get(args.urn) ?? [];
    pendingExemptions.delete(args.urn);
    exemptions.forEach((message) => reportViolation(message));
  },
};

/** Lists everything in the stack reachable from outside the cluster; make it mandatory for "nothing exposed". */
const zeroExposure: StackValidationPolicy = {
  name: ZERO_EXPOSURE.name,
  description: ZERO_EXPOSURE.description,
  enforcementLevel: ZERO_EXPOSURE.defaultLevel,
  severity: ZERO_EXPOSURE.severity,
  configSchema: {
    properties: {
      exemptNamespaces: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateStack: (args, reportViolation) => {
    const options = args.getConfig<PolicyOptions>();
    for (const resource of args.resources) {
      const obj = objectFromResource(resource.type, resource.props as Record<string, unknown>);
      if (!obj) continue;
      const { violations } = judge(zeroExposureCheck, obj, options);
      violations.forEach((message) => reportViolation(message, resource.urn));
    }
  },
};

/** The pack's arguments: every policy, exemptions last. */
export function zeroportPack(): PolicyPackArgs {
  return {
    policies: [...RESOURCE_POLICIES.map(resourcePolicy), zeroExposure, exposureExemptions],
    description:
      "zeroport: forbids node-port exposure (NodePort, node ports of LoadBalancers, hostPort, hostNetwork listeners, externalIPs).",
    provider: "kubernetes",
  };
}
