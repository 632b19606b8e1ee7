/**
 * The exposure rules as a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1): CEL the
 * API server runs itself, no webhook and no controller. The same rule names, levels, exemptions
 * and options as the CrossGuard pack and `zeroport scan`, from the same config: rules at
 * `mandatory` (or `remediate`, which admission cannot do) deny; `advisory` ones warn and audit.
 * The e2e proves admission and scan agree object by object.
 */
import { levelOf, optionsOf, type PackConfig } from "../config";
import {
  EXEMPTION_ANNOTATION,
  listOption,
  type EnforcementLevel,
  type PolicyOptions,
} from "../model";
import { RESOURCE_POLICIES } from "../rules";

/** A rule in CEL: its condition for a violation, over the variables below. */
interface CelRule {
  /** True when the object violates the rule (before exemptions). */
  violates: (options: PolicyOptions) => string;
  message: string;
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const list = (xs: readonly (string | number)[]) =>
  `[${xs.map((x) => (typeof x === "number" ? String(x) : quote(x))).join(", ")}]`;

/** CEL for "this host port is allowed" from the no-host-ports options. */
function hostPortAllowed(options: PolicyOptions, port: string): string {
  // Only numbers go into the expression as they are.
  const ports = listOption<unknown>(options, "allowedHostPorts").filter(
    (x): x is number => typeof x === "number",
  );
  const ranges = listOption<{ min: number; max: number }>(options, "allowedHostPortRanges");
  const terms = [
    ...(ports.length > 0 ? [`${port} in ${list(ports)}`] : []),
    ...ranges.map((r) => `(${port} >= ${r.min} && ${port} <= ${r.max})`),
  ];
  return terms.length > 0 ? terms.join(" || ") : "false";
}

/** Every mandatory-by-default rule, in CEL; the names are the pack's. */
export const CEL_RULES: Record<string, CelRule> = {
  "no-nodeport-services": {
    violates: () => "variables.isService && variables.serviceType == 'NodePort'",
    message: "no-nodeport-services: a Service of type NodePort opens a port on every node",
  },
  "no-loadbalancer-node-ports": {
    violates: () =>
      "variables.isService && variables.serviceType == 'LoadBalancer' && " +
      "(!has(object.spec.allocateLoadBalancerNodePorts) || object.spec.allocateLoadBalancerNodePorts != false || " +
      "(has(object.spec.ports) && object.spec.ports.exists(p, has(p.nodePort) && p.nodePort > 0)))",
    message:
      "no-loadbalancer-node-ports: a LoadBalancer that allocates node ports (allocateLoadBalancerNodePorts not false, or a nodePort) opens them on every node",
  },
  "no-service-external-ips": {
    violates: (o) =>
      "variables.isService && has(object.spec.externalIPs) && " +
      `object.spec.externalIPs.exists(ip, !(ip in ${list(listOption<string>(o, "allowedExternalIPs"))}))`,
    message:
      "no-service-external-ips: Service externalIPs let every node accept traffic for them (CVE-2020-8554)",
  },
  "no-host-ports": {
    violates: (o) =>
      "variables.hasPodSpec && variables.containers.exists(c, has(c.ports) && " +
      `c.ports.exists(p, has(p.hostPort) && p.hostPort > 0 && !(${hostPortAllowed(o, "p.hostPort")})))`,
    message:
      "no-host-ports: a hostPort binds a port on the node, outside any Service or NetworkPolicy",
  },
  "no-host-network-listeners": {
    violates: () =>
      "variables.hostNetwork && variables.containers.exists(c, has(c.ports) && size(c.ports) > 0)",
    message:
      "no-host-network-listeners: a hostNetwork pod that declares ports listens on the node itself",
  },
  "host-network-pods": {
    violates: () =>
      "variables.hostNetwork && !variables.containers.exists(c, has(c.ports) && size(c.ports) > 0)",
    message:
      "host-network-pods: a hostNetwork pod listens wherever it likes on the node, declared or not",
  },
  "loadbalancer-source-ranges": {
    violates: () =>
      "variables.isService && variables.serviceType == 'LoadBalancer' && " +
      "(!has(object.spec.loadBalancerSourceRanges) || size(object.spec.loadBalancerSourceRanges) == 0 || " +
      "object.spec.loadBalancerSourceRanges.exists(r, r.trim() == '0.0.0.0/0' || r.trim() == '::/0') || " +
      "!has(object.spec.externalTrafficPolicy) || object.spec.externalTrafficPolicy != 'Local')",
    message:
      "loadbalancer-source-ranges: a LoadBalancer should list loadBalancerSourceRanges and keep client addresses (externalTrafficPolicy: Local)",
  },
};

const POD_KINDS = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
];

/** Variables every rule reads; evaluated lazily, so a Service never touches pod fields. */
const VARIABLES = [
  { name: "isService", expression: "object.kind == 'Service'" },
  { name: "serviceType", expression: "has(object.spec.type) ? object.spec.type : 'ClusterIP'" },
  {
    name: "hasPodSpec",
    expression:
      "object.kind == 'Pod' || (object.kind == 'PodTemplate' && has(object.template) && has(object.template.spec)) || " +
      "(object.kind == 'CronJob' && has(object.spec.jobTemplate.spec) && has(object.spec.jobTemplate.spec.template.spec)) || " +
      `(object.kind in ${list(POD_KINDS)} && has(object.spec.template) && has(object.spec.template.spec))`,
  },
  {
    name: "podSpec",
    expression:
      "object.kind == 'Pod' ? object.spec : object.kind == 'PodTemplate' ? object.template.spec : " +
      "object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec",
  },
  {
    name: "containers",
    expression:
      "!variables.hasPodSpec ? [] : " +
      "(has(variables.podSpec.containers) ? variables.podSpec.containers : []) + " +
      "(has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : []) + " +
      "(has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])",
  },
  {
    name: "hostNetwork",
    expression:
      "variables.hasPodSpec && has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork == true",
  },
  {
    name: "exempt",
    expression:
      `has(object.metadata.annotations) && ${quote(EXEMPTION_ANNOTATION)} in object.metadata.annotations && ` +
      `object.metadata.annotations[${quote(EXEMPTION_ANNOTATION)}].trim() != ''`,
  },
];

/** The resources the guard judges: Services and every kind that carries a pod spec. */
const RESOURCE_RULES = [
  { apiGroups: [""], resources: ["services", "pods", "podtemplates", "replicationcontrollers"] },
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets", "replicasets"] },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"] },
].map((r) => ({ ...r, apiVersions: ["*"], operations: ["CREATE", "UPDATE"] }));

export interface GuardManifests {
  policies: Record<string, unknown>[];
  bindings: Record<string, unknown>[];
}

/**
 * The policies and bindings for a pack config: one policy per action (Deny for mandatory and
 * remediate rules, Warn+Audit for advisory ones), each rule exempt by the annotation with a
 * reason and by its `exemptNamespaces`.
 */
export function guardManifests(
  name: string,
  config: PackConfig,
  labels: Record<string, string> = {},
): GuardManifests {
  const byAction: Record<"deny" | "warn", { expression: string; message: string }[]> = {
    deny: [],
    warn: [],
  };
  for (const policy of RESOURCE_POLICIES) {
    const rule = CEL_RULES[policy.name];
    const level: EnforcementLevel = levelOf(policy.name, policy.defaultLevel, config);
    if (!rule || level === "disabled") continue;
    const options = optionsOf(policy.name, config);
    const namespaces = listOption<string>(options, "exemptNamespaces");
    const exempt = [
      "variables.exempt",
      ...(namespaces.length > 0 ? [`request.namespace in ${list(namespaces)}`] : []),
    ].join(" || ");
    byAction[level === "advisory" ? "warn" : "deny"].push({
      expression: `${exempt} || !(${rule.violates(options)})`,
      message: rule.message,
    });
  }
  const out: GuardManifests = { policies: [], bindings: [] };
  for (const [action, validations] of Object.entries(byAction)) {
    if (validations.length === 0) continue;
    const policyName = `${name}-${action}`;
    out.policies.push({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: policyName, labels },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: RESOURCE_RULES },
        variables: VARIABLES,
        validations: validations.map((v) => ({ ...v, reason: "Forbidden" })),
      },
    });
    out.bindings.push({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: policyName, labels },
      spec: { policyName, validationActions: action === "deny" ? ["Deny"] : ["Warn", "Audit"] },
    });
  }
  return out;
}
