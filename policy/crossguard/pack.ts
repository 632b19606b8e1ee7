import type {
  PolicyConfigSchema,
  PolicyPackArgs,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { exemptionSettings } from "../config";
import type { JudgeContext } from "../exemption";
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

/**
 * The settings every rule reads (system namespaces, grants) live in the config of
 * `exposure-exemptions`, and CrossGuard hands each policy only its own config. So that policy runs
 * first for every resource and keeps them here for the rules after it; until it runs (or when it
 * is disabled) the defaults hold, with grants not visible.
 */
let context: JudgeContext = { settings: exemptionSettings({}), now: new Date() };

/**
 * Each rule's own options (exemptNamespaces, allow-lists) as it last saw them, so the exemption
 * report, which runs before the rules, can apply them from the second resource on. A rule the
 * config disables never runs, so its exemptions are not reported once the others have been seen.
 */
const ruleOptions = new Map<string, PolicyOptions>();

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
      ruleOptions.set(policy.name, args.getConfig<PolicyOptions>());
      judge(policy, obj, args.getConfig<PolicyOptions>(), context).violations.forEach((message) =>
        reportViolation(message),
      );
    },
    ...(policy.remediate ? { remediateResource: remediation(policy) } : {}),
  };
}

function remediation(policy: ResourcePolicy) {
  return (args: ResourceValidationArgs): Record<string, unknown> | undefined => {
    const obj = objectFromResource(args.type, args.props);
    const options = args.getConfig<PolicyOptions>();
    if (!obj || !policy.remediate || judge(policy, obj, options, context).violations.length === 0)
      return undefined;
    const fixed = policy.remediate(obj);
    return fixed ? { ...args.props, spec: fixed.spec } : undefined;
  };
}

/**
 * Runs first for each resource: takes the shared settings from its config, then reports every
 * exemption any rule grants this resource, so none is silent.
 */
const exposureExemptions: ResourceValidationPolicy = {
  name: EXPOSURE_EXEMPTIONS.name,
  description: EXPOSURE_EXEMPTIONS.description,
  enforcementLevel: EXPOSURE_EXEMPTIONS.defaultLevel,
  severity: EXPOSURE_EXEMPTIONS.severity,
  configSchema: { properties: EXPOSURE_EXEMPTIONS.options as PolicyConfigSchema["properties"] },
  validateResource: (args, reportViolation) => {
    context = {
      settings: exemptionSettings({ [EXPOSURE_EXEMPTIONS.name]: args.getConfig<PolicyOptions>() }),
      now: new Date(),
    };
    const obj = objectFromResource(args.type, args.props);
    if (!obj) return;
    const seen = ruleOptions.size > 0;
    for (const policy of RESOURCE_POLICIES) {
      const options = ruleOptions.get(policy.name);
      if (seen && !options) continue;
      judge(policy, obj, options ?? {}, context).exemptions.forEach((m) => reportViolation(m));
    }
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
      const { violations } = judge(zeroExposureCheck, obj, options, context);
      violations.forEach((message) => reportViolation(message, resource.urn));
    }
  },
};

/** The pack's arguments: every policy, exemptions last. */
export function zeroportPack(): PolicyPackArgs {
  return {
    policies: [exposureExemptions, ...RESOURCE_POLICIES.map(resourcePolicy), zeroExposure],
    description:
      "zeroport: forbids node-port exposure (NodePort, node ports of LoadBalancers, hostPort, hostNetwork listeners, externalIPs).",
    provider: "kubernetes",
  };
}
